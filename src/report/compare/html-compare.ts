// The comparison as one self-contained page in the report's style: the verdict first,
// the table of changes with their intervals, both runs' percentile spectra overlaid, and
// both runs' time series on shared axes.
import type { BenchComparison, Comparison, ConformComparison } from '../../judge/compare/comparison.js';
import type { BenchResults, Results } from '../../results/results.js';
import { escapeMarkup } from '../escape.js';
import { page } from '../html/page.js';
import { OKABE_ITO } from '../html/palette.js';
import { percentilesPerSecond } from '../html/series-stats.js';
import { type SpectrumLine, spectrumChart } from '../html/spectrum-chart.js';
import { type RowSpec, table } from '../html/table.js';
import { type Line, timeChart } from '../html/time-chart.js';
import {
  formatChange,
  formatInterval,
  formatTolerance,
  formatValue,
  VERDICT_SYMBOL,
} from './format-change.js';

const VERDICT_CLASS: Record<Comparison['verdict'], string> = {
  REGRESSED: 'failed',
  INCONCLUSIVE: 'inconclusive',
  IMPROVED: 'passed',
  'NO CHANGE': 'passed',
};
const BADGE: Record<Comparison['verdict'], string> = {
  REGRESSED: 'FAIL',
  INCONCLUSIVE: 'INCONCLUSIVE',
  IMPROVED: 'PASS',
  'NO CHANGE': 'SKIP',
};
const MEANING: Record<Comparison['verdict'], string> = {
  REGRESSED: 'The current run is worse than the baseline beyond the tolerance and outside the noise.',
  INCONCLUSIVE: 'Nothing regressed, but the evidence does not allow saying that nothing did.',
  IMPROVED:
    'The current run is better than the baseline beyond the tolerance and outside the noise, and nothing regressed.',
  'NO CHANGE': 'Every difference between the runs is within the noise or the tolerance.',
};

const BASELINE = { colour: OKABE_ITO.blue, label: 'baseline' };
const CURRENT = { colour: OKABE_ITO.vermillion, label: 'current' };

function badge(v: Comparison['verdict']): { html: string } {
  return {
    html: `<span class="badge badge-${BADGE[v]}"><span aria-hidden="true">${VERDICT_SYMBOL[v]}</span> ${escapeMarkup(v)}</span>`,
  };
}

const nowrap = (text: string) => ({ html: `<span class="nowrap">${escapeMarkup(text)}</span>` });

function verdictSection(c: Comparison): string {
  const warnings = c.warnings.map((w) => `<li class="warn">${escapeMarkup(w)}</li>`).join('');
  return (
    `<section class="verdict verdict-${VERDICT_CLASS[c.verdict]}" id="verdict" aria-label="Verdict">` +
    `<p class="verdict-word"><span class="verdict-symbol" aria-hidden="true">${VERDICT_SYMBOL[c.verdict]}</span> ${escapeMarkup(c.verdict)}</p>` +
    `<p>${escapeMarkup(MEANING[c.verdict])}</p><ul class="reasons">${c.reasons.map((r) => `<li>${escapeMarkup(r)}</li>`).join('')}${warnings}</ul></section>`
  );
}

function changesTable(c: BenchComparison): string {
  const rows: RowSpec[] = c.metrics.map((m) => ({
    cells: [
      { html: `<code>${escapeMarkup(m.metric)}</code>` },
      formatValue(m.baseline, m.unit),
      formatValue(m.current, m.unit),
      nowrap(formatChange(m)),
      nowrap(formatInterval(m)),
      nowrap(formatTolerance(m)),
      badge(m.verdict),
      m.note ?? '',
    ],
    attrs: `data-verdict="${escapeMarkup(m.verdict)}"`,
  }));
  const confidence = `${Math.round(c.method.confidence * 100)}% interval of the change`;
  return (
    '<section id="changes"><h2>Changes</h2>' +
    `<p class="how">The interval comes from ${c.method.replicates} bootstrap resamples of each run's seconds within their phases. A metric regressed when its change exceeds the tolerance and the whole interval lies on the worse side of zero.</p>` +
    table(
      'Every compared metric',
      ['metric', 'baseline', 'current', 'change', confidence, 'tolerance', 'verdict', 'why'],
      rows,
    ) +
    '</section>'
  );
}

function spectra(b: BenchResults, c: BenchResults): string {
  const charts = (['ack_latency', 'staleness'] as const).flatMap((name) => {
    const lines: SpectrumLine[] = [];
    const hb = b.histograms[name];
    const hc = c.histograms[name];
    if (hb && hb.summary.count > 0) lines.push({ ...BASELINE, histogram: hb });
    if (hc && hc.summary.count > 0) lines.push({ ...CURRENT, histogram: hc });
    if (lines.length === 0) return [];
    const what = name === 'ack_latency' ? 'Acknowledgement latency' : 'Staleness';
    return [
      spectrumChart({
        id: `compare-spectrum-${name}`,
        title: `${what}: both runs' percentile spectra`,
        how: 'Value against percentile on a 1/(1-p) axis, each run over its whole duration. Where the current line lies above the baseline, the current run was slower at that percentile.',
        yLabel: `${what} (ms)`,
        lines,
      }),
    ];
  });
  return `<section id="spectra"><h2>Percentile spectra</h2>${charts.join('') || '<p>Neither run recorded latency or staleness samples.</p>'}</section>`;
}

function pad<T>(values: T[], length: number): (T | null)[] {
  return Array.from({ length }, (_, i) => values[i] ?? null);
}

function overTime(b: BenchResults, c: BenchResults): string {
  const length = Math.max(b.series.length, c.series.length);
  const seconds = Array.from({ length }, (_, i) => i);
  const durationS = Math.max(b.durationMs, c.durationMs) / 1000;
  const common = { seconds, durationS, markers: c.markers, noData: 'Neither run recorded this.' };
  const percentileLines = (key: 'ackLatency' | 'staleness'): Line[] => {
    const pb = percentilesPerSecond(b.series, key);
    const pc = percentilesPerSecond(c.series, key);
    return [
      { label: 'baseline p50', colour: BASELINE.colour, values: pad(pb.p50, length) },
      { label: 'baseline p99', colour: BASELINE.colour, values: pad(pb.p99, length), dashed: true },
      { label: 'current p50', colour: CURRENT.colour, values: pad(pc.p50, length) },
      { label: 'current p99', colour: CURRENT.colour, values: pad(pc.p99, length), dashed: true },
    ];
  };
  return (
    '<section id="over-time"><h2>Over time</h2><p class="how">Both runs second by second on shared axes, from each run\'s own start; vertical lines mark the current run\'s phases and faults.</p>' +
    timeChart({
      ...common,
      id: 'compare-ack-latency',
      title: 'Acknowledgement latency per second',
      how: 'Median (solid) and 99th percentile (dashed) of the time from the intended send time to the acknowledgement.',
      yLabel: 'Ack latency (ms)',
      durations: true,
      lines: percentileLines('ackLatency'),
    }) +
    timeChart({
      ...common,
      id: 'compare-staleness',
      title: 'Staleness per second',
      how: 'Median (solid) and 99th percentile (dashed) of the time from ACCEPTED to the first INDEXED acknowledgement covering it.',
      yLabel: 'Staleness (ms)',
      durations: true,
      lines: percentileLines('staleness'),
    }) +
    timeChart({
      ...common,
      id: 'compare-rate',
      title: 'Accepted observations per second',
      how: 'What the server accepted each second in each run.',
      yLabel: 'Observations per second (1/s)',
      lines: [
        {
          label: 'baseline accepted',
          colour: BASELINE.colour,
          values: pad(
            b.series.map((p) => p.accepted),
            length,
          ),
        },
        {
          label: 'current accepted',
          colour: CURRENT.colour,
          values: pad(
            c.series.map((p) => p.accepted),
            length,
          ),
        },
      ],
    }) +
    '</section>'
  );
}

function runsSection(c: Comparison): string {
  const row = (label: string, r: Comparison['baseline']) => ({
    cells: [label, r.file, r.startedAt, r.tool, r.verdict],
  });
  return `<section id="runs"><h2>The runs</h2>${table('Compared results files', ['run', 'file', 'started', 'tool version', "run's own verdict"], [row('baseline', c.baseline), row('current', c.current)], 'narrow')}</section>`;
}

function casesSection(c: ConformComparison): string {
  if (c.changes.length === 0) {
    return `<section id="changes"><h2>Changes</h2><p>No case changed its outcome (${c.unchanged} cases).</p></section>`;
  }
  const rows: RowSpec[] = c.changes.map((x) => ({
    cells: [
      { html: `<code>${escapeMarkup(x.id)}</code>` },
      x.baseline ?? '—',
      x.current ?? '—',
      badge(x.verdict),
      x.detail ?? '',
    ],
    attrs: `data-verdict="${escapeMarkup(x.verdict)}"`,
  }));
  return `<section id="changes"><h2>Changes</h2>${table(`Cases whose outcome changed, newly failing first; ${c.unchanged} unchanged`, ['case', 'baseline', 'current', 'verdict', 'detail'], rows)}</section>`;
}

export function renderCompareHtml(c: Comparison, baseline: Results, current: Results): string {
  if (c.kind === 'bench' && baseline.kind === 'bench' && current.kind === 'bench') {
    return page({
      title: `Comparison: ${c.scenario}`,
      subtitle: `engram-stream compare: baseline ${baseline.startedAt}, current ${current.startedAt}`,
      body: [
        verdictSection(c),
        changesTable(c),
        spectra(baseline, current),
        overTime(baseline, current),
        runsSection(c),
      ].join(''),
    });
  }
  return page({
    title: 'Comparison: conformance',
    subtitle: `engram-stream compare: baseline ${baseline.startedAt}, current ${current.startedAt}`,
    body: [verdictSection(c), c.kind === 'conform' ? casesSection(c) : '', runsSection(c)].join(''),
  });
}
