// The bench report's tables: thresholds, key figures, generator health, what could not be measured.

import type { BenchResults } from '../../results/results.js';
import { escapeMarkup } from '../escape.js';
import { formatMicros, formatNumber, formatThresholdActual } from '../format-number.js';
import { type RowSpec, table } from './table.js';

const JUDGED = { true: 'passed', false: 'FAILED', null: 'not judged' } as const;

export function thresholdsSection(r: BenchResults): string {
  if (r.thresholds.length === 0) {
    return '<section id="thresholds"><h2>Thresholds</h2><p>The scenario sets no thresholds.</p></section>';
  }
  const rows: RowSpec[] = r.thresholds.map((t) => {
    const result = JUDGED[String(t.passed) as keyof typeof JUDGED];
    return {
      cells: [
        { html: `<code>${escapeMarkup(t.expression)}</code>` },
        t.scope === 'run' ? 'whole run' : `phase ${t.scope}`,
        formatThresholdActual(t),
        {
          html: `<span class="badge badge-${t.passed === null ? 'SKIP' : t.passed ? 'PASS' : 'FAIL'}">${result}</span>`,
        },
      ],
    };
  });
  return `<section id="thresholds"><h2>Thresholds</h2>${table(
    'Each limit the scenario sets, what was measured, and whether it held',
    ['Threshold', 'Over', 'Measured', 'Result'],
    rows,
  )}</section>`;
}

const HISTOGRAM_NAMES: Record<string, string> = {
  ack_latency: 'Ack latency, from intended send time',
  ack_latency_actual: 'Ack latency, from actual send time',
  staleness: 'Staleness, from INDEXED acks',
  staleness_probe: 'Staleness, from recall probes',
  recovery_time: 'Recovery after a network fault (fault end to next ACCEPTED ack)',
  detection_time: 'Silenced connection noticed (black hole or stalled reads to its end)',
};

/** Measured only when the run had network faults: left out of the table otherwise. */
const NETWORK_HISTOGRAMS = new Set(['recovery_time', 'detection_time']);

export function figuresSection(r: BenchResults): string {
  const networkRun = r.checkCounts.networkFaults > 0;
  const shown = Object.entries(r.histograms).filter(([key]) => networkRun || !NETWORK_HISTOGRAMS.has(key));
  const histRows: RowSpec[] = shown.map(([key, h]) => ({
    cells: [
      HISTOGRAM_NAMES[key] ?? key,
      formatNumber(h.summary.count),
      ...[h.summary.p50, h.summary.p90, h.summary.p99, h.summary.p999, h.summary.p9999, h.summary.max].map(
        (v) => (h.summary.count === 0 ? '–' : formatMicros(v)),
      ),
    ],
  }));
  const rowsOf = (list: [string, number][]): RowSpec[] => list.map(([k, v]) => ({ cells: [k, v] }));
  // Nested groups (e.g. rejectedByReason) show one row per key, named group{key}.
  const checker = Object.entries(
    r.checkCounts as unknown as Record<string, number | Record<string, number>>,
  ).flatMap(([k, v]): [string, number][] =>
    typeof v === 'number'
      ? [[k, v]]
      : Object.entries(v).map(([sub, n]): [string, number] => [`${k}{${sub}}`, n]),
  );
  return (
    `<section id="figures"><h2>Key figures</h2>${table(
      'Durations by percentile over the whole run (p99: 99 in 100 were at least this fast)',
      ['Measurement', 'Samples', 'p50', 'p90', 'p99', 'p99.9', 'p99.99', 'max'],
      histRows,
    )}` +
    `${table('Counts over the whole run', ['Counter', 'Count'], rowsOf(Object.entries(r.counters)), 'narrow')}` +
    (checker.length > 0
      ? `<details><summary>The checker's own counts (${checker.length})</summary>${table('What the history checker counted', ['Counter', 'Count'], rowsOf(checker), 'narrow')}</details>`
      : '') +
    '</section>'
  );
}

export function generatorSection(r: BenchResults): string {
  const g = r.generator;
  const verdict = g.bottleneck
    ? `<p class="warn">The load generator, not the server, was the bottleneck${g.note ? `: ${escapeMarkup(g.note)}` : ''}. The run is inconclusive.</p>`
    : '<p>The load generator kept up with its schedule, so the figures describe the server.</p>';
  const rows: RowSpec[] = [
    { cells: ['Event-loop lag p99 / max', `${g.eventLoopLagP99Ms} ms / ${g.eventLoopLagMaxMs} ms`] },
    { cells: ['CPU used by the generator', `${g.cpuPercent.toFixed(0)}%`] },
    {
      cells: [
        'Sends later than the lateness budget',
        `${g.lateSends} (${(g.lateSendShare * 100).toFixed(2)}%)`,
      ],
    },
    { cells: ['Sends held by the per-session in-flight window', g.heldBySendWindow] },
  ];
  return `<section id="generator"><h2>Load generator health</h2>${verdict}${table('How the generator itself did', ['Measure', 'Value'], rows, 'narrow')}</section>`;
}

export function unavailableSection(r: BenchResults): string {
  if (r.unavailable.length === 0) return '';
  const items = r.unavailable.map(
    (u) => `<li><strong>${escapeMarkup(u.metric)}</strong>: ${escapeMarkup(u.why)}</li>`,
  );
  return `<section id="unavailable"><h2>What could not be measured</h2><ul>${items.join('')}</ul></section>`;
}

export function eventsSection(r: BenchResults): string {
  if (r.markers.length === 0) return '';
  const rows: RowSpec[] = r.markers.map((m) => ({
    cells: [`${(m.t / 1000).toFixed(1)} s`, m.kind, m.label],
  }));
  return `<section id="events"><h2>Events during the run</h2>${table(
    'Phase changes, injected faults and aborts, as marked on the charts',
    ['At', 'Kind', 'What'],
    rows,
    'narrow',
  )}</section>`;
}
