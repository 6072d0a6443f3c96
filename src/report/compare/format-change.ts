// The words and numbers of a comparison, one way for every rendering (console, HTML,
// JUnit): values with their units, signed changes, intervals, verdict words.
import type { MetricChange } from '../../judge/compare/comparison.js';
import { formatNumber } from '../format-number.js';

export function formatValue(v: number | null, unit: string): string {
  if (v === null) return '—';
  if (unit === '') return v === 1 ? 'yes' : v === 0 ? 'no' : formatNumber(v);
  if (unit === 'count' || unit === 'number') return formatNumber(v);
  if (unit === 'ms' && Math.abs(v) >= 1000) return `${formatNumber(v / 1000)} s`;
  return `${formatNumber(v)} ${unit}`;
}

const signed = (v: number, unit: string) =>
  `${v > 0 ? '+' : v < 0 ? '−' : '±'}${formatValue(Math.abs(v), unit)}`;

export function formatChange(m: MetricChange): string {
  if (m.group === 'thresholds') return m.note ?? '—';
  if (m.change === null) return '—';
  if (m.unit === '') return m.change === 0 ? 'same' : 'changed';
  const rel =
    m.relative !== null && m.change !== 0
      ? ` (${m.relative > 0 ? '+' : '−'}${formatNumber(Math.abs(m.relative) * 100)}%)`
      : '';
  return `${signed(m.change, m.unit)}${rel}`;
}

export function formatInterval(m: MetricChange): string {
  if (!m.interval) return '—';
  return `[${signed(m.interval.lo, m.unit)}, ${signed(m.interval.hi, m.unit)}]`;
}

export function formatTolerance(m: MetricChange): string {
  if (!m.tolerance) return '—';
  return m.tolerance.source === 'default' ? m.tolerance.text : `${m.tolerance.text} (${m.tolerance.source})`;
}

/** Symbols beside the words, so the verdict never rests on colour alone. */
export const VERDICT_SYMBOL: Record<MetricChange['verdict'], string> = {
  REGRESSED: '✗',
  IMPROVED: '↑',
  'NO CHANGE': '=',
  INCONCLUSIVE: '?',
};
