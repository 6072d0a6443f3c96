// The console rendering of a comparison: the runs, warnings, a table of every metric
// (or every case whose outcome changed) and the verdict with its reasons.
import type { BenchComparison, Comparison, ConformComparison } from '../../judge/compare/comparison.js';
import {
  formatChange,
  formatInterval,
  formatTolerance,
  formatValue,
  VERDICT_SYMBOL,
} from '../compare/format-change.js';

function table(rows: string[][]): string[] {
  const widths = (rows[0] ?? []).map((_, k) => Math.max(...rows.map((r) => (r[k] ?? '').length)));
  return rows.map((r) =>
    r
      .map((cell, k) => cell.padEnd(widths[k] ?? 0))
      .join('  ')
      .trimEnd(),
  );
}

function benchLines(c: BenchComparison): string[] {
  const confidence = `${Math.round(c.method.confidence * 100)}% interval`;
  const rows = [
    ['metric', 'baseline', 'current', 'change', confidence, 'tolerance', 'verdict'],
    ...c.metrics.map((m) => [
      m.metric,
      formatValue(m.baseline, m.unit),
      formatValue(m.current, m.unit),
      formatChange(m),
      formatInterval(m),
      formatTolerance(m),
      `${VERDICT_SYMBOL[m.verdict]} ${m.verdict}${m.note && m.verdict !== 'NO CHANGE' ? `: ${m.note}` : ''}`,
    ]),
  ];
  return [
    `compare ${c.scenario}: ${c.baseline.seconds} s baseline ${c.baseline.file} (${c.baseline.startedAt}) vs ${c.current.seconds} s current ${c.current.file} (${c.current.startedAt})`,
    ...table(rows),
  ];
}

function conformLines(c: ConformComparison): string[] {
  const head = `compare conformance: baseline ${c.baseline.file} (${c.baseline.startedAt}) vs current ${c.current.file} (${c.current.startedAt})`;
  if (c.changes.length === 0) return [head, `no case changed its outcome (${c.unchanged} cases)`];
  const rows = [
    ['case', 'baseline', 'current', 'verdict', 'detail'],
    ...c.changes.map((x) => [
      x.id,
      x.baseline ?? '—',
      x.current ?? '—',
      `${VERDICT_SYMBOL[x.verdict]} ${x.verdict}`,
      (x.detail ?? '').replace(/\s+/g, ' ').slice(0, 120),
    ]),
  ];
  return [head, ...table(rows), `${c.unchanged} case(s) unchanged`];
}

export function comparisonText(c: Comparison): string {
  const lines = [
    ...(c.kind === 'bench' ? benchLines(c) : conformLines(c)),
    ...c.warnings.map((w) => `warning: ${w}`),
    `verdict: ${c.verdict}`,
    ...c.reasons.map((r) => `  ${r}`),
  ];
  return `${lines.join('\n')}\n`;
}
