// The end-of-run summary on the console: latency and staleness percentiles, the
// counts that matter, thresholds, findings, what could not be measured, and the
// verdict. Made from the results JSON alone, like every other rendering.
import chalk from 'chalk';
import type { BenchResults, Verdict } from '../../results/results.js';
import type { HistogramSummary } from '../../stats/histogram.js';
import { formatMeasured } from '../format-number.js';
import { startText } from './start-text.js';

const HISTOGRAM_ROWS: Array<[string, string]> = [
  ['ack_latency', 'ack latency (from intended send)'],
  ['ack_latency_actual', 'ack latency (from actual send)'],
  ['staleness', 'staleness (INDEXED acks)'],
  ['staleness_probe', 'staleness (recall probes)'],
];
/** Shown only when the run had network faults. */
const NETWORK_ROWS: Array<[string, string]> = [
  ['recovery_time', 'recovery after network faults'],
  ['detection_time', 'silenced connection noticed'],
];
const COLUMNS: Array<[keyof HistogramSummary, string]> = [
  ['p50', 'p50'],
  ['p90', 'p90'],
  ['p99', 'p99'],
  ['p999', 'p99.9'],
  ['p9999', 'p99.99'],
  ['max', 'max'],
];

const VERDICT_STYLE: Record<Verdict, (s: string) => string> = {
  passed: chalk.green.bold,
  failed: chalk.red.bold,
  inconclusive: chalk.yellow.bold,
  error: chalk.red.bold,
};

function ms(us: number): string {
  return (us / 1000).toFixed(us < 10_000 ? 2 : 1);
}

function histogramTable(r: BenchResults): string[] {
  const rows = r.checkCounts.networkFaults > 0 ? [...HISTOGRAM_ROWS, ...NETWORK_ROWS] : HISTOGRAM_ROWS;
  const label = Math.max(...rows.map(([, l]) => l.length));
  const head = `${'(ms)'.padEnd(label)} ${'count'.padStart(9)} ${COLUMNS.map(([, c]) => c.padStart(8)).join(' ')}`;
  const lines = [chalk.bold(head)];
  for (const [key, name] of rows) {
    const s = r.histograms[key]?.summary;
    if (!s || s.count === 0) {
      const why = r.unavailable.find((u) => u.metric === key)?.why ?? 'no samples';
      lines.push(`${name.padEnd(label)} ${chalk.dim(why)}`);
      continue;
    }
    lines.push(
      `${name.padEnd(label)} ${String(s.count).padStart(9)} ${COLUMNS.map(([k]) => ms(s[k]).padStart(8)).join(' ')}`,
    );
  }
  return lines;
}

function counterLine(c: Record<string, number>): string {
  const n = (k: string) => c[k] ?? 0;
  const byReason = Object.entries(c)
    .filter(([k]) => k.startsWith('rejected{'))
    .map(([k, v]) => `${k.slice(9, -1)} ${v}`)
    .join(', ');
  return (
    `offered ${n('offered')}, sent ${n('sent')} (retries ${n('retries')}), accepted ${n('accepted')}` +
    (n('settled_by_resume') ? ` (+${n('settled_by_resume')} whose ack a cut lost, settled by resume)` : '') +
    ', ' +
    `rejected ${n('rejected')}${byReason ? ` (${byReason})` : ''}; late ${n('late_sends')}, ` +
    `held by window ${n('held_by_send_window')}, deferred ${n('deferred_sends')}`
  );
}

/** written: where the results JSON (and the HTML, when asked) went. */
export function renderSummary(r: BenchResults, written: { json?: string; html?: string } = {}): string {
  const c = r.counters;
  const n = (k: string) => c[k] ?? 0;
  const k = r.checkCounts;
  const out: string[] = [];
  const shard = r.shard.count > 1 ? `, shard ${r.shard.index}/${r.shard.count}` : '';
  out.push(
    chalk.bold(`bench ${r.scenario.name}`) +
      ` against ${r.target.address}${r.target.embedded ? ' (embedded reference server)' : ''}, ` +
      `${(r.durationMs / 1000).toFixed(1)} s, ${n('sessions')} session(s)${shard}`,
  );
  if (r.start) {
    const line = startText(r.start);
    out.push(line.includes('STARTED LATE') ? chalk.yellow(line) : line);
  }
  out.push('', ...histogramTable(r), '');
  out.push(counterLine(c));
  out.push(
    `checker: silent drops ${k.silentDrops}, indeterminate ${k.indeterminate}, ` +
      `resumes ${k.resumes}, probes found ${k.probesFound}/${k.probes}`,
  );
  const g = r.generator;
  out.push(
    `generator: event-loop delay p99 ${g.eventLoopLagP99Ms} ms (max ${g.eventLoopLagMaxMs}), CPU ${g.cpuPercent}%, ` +
      `late sends ${(g.lateSendShare * 100).toFixed(2)}%${g.note ? chalk.yellow(` — ${g.note}`) : ''}`,
  );
  if (r.thresholds.length > 0) {
    out.push('', chalk.bold('thresholds'));
    for (const t of r.thresholds) {
      const mark =
        t.passed === true ? chalk.green('✓') : t.passed === false ? chalk.red('✗') : chalk.yellow('?');
      const actual =
        t.actual === null ? (t.note ?? 'not measured') : `actual ${formatMeasured(t.actual, t.unit)}`;
      out.push(`  ${mark} [${t.scope}] ${t.expression}: ${actual}`);
    }
  }
  if (r.findings.length > 0) {
    out.push('', chalk.bold('findings'));
    for (const f of r.findings) {
      out.push(`  ${chalk.red(f.kind)} (${f.count}): ${f.message}`);
      for (const e of f.examples.slice(0, 2))
        out.push(chalk.dim(`      ${e.session} seq ${e.seq ?? '-'}: ${e.note}`));
    }
  }
  if (r.unavailable.length > 0) {
    out.push('', chalk.bold('not measured'));
    for (const u of r.unavailable) out.push(`  ${u.metric}: ${u.why}`);
  }
  out.push('', `${VERDICT_STYLE[r.verdict](r.verdict.toUpperCase())}: ${r.verdictReasons.join('; ')}`);
  if (written.json) out.push(chalk.dim(`results: ${written.json}`));
  if (written.html) out.push(chalk.dim(`html: ${written.html}`));
  return `${out.join('\n')}\n`;
}
