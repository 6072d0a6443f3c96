import type { ThresholdResult } from '../results/results.js';

/** Short axis and table labels: 1234 -> "1.23k", 0.0123 -> "0.0123", 12.5 -> "12.5". */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 1e9) return `${Number((v / 1e9).toPrecision(3))}G`;
  if (a >= 1e6) return `${Number((v / 1e6).toPrecision(3))}M`;
  if (a >= 1e4) return `${Number((v / 1e3).toPrecision(3))}k`;
  if (a === 0) return '0';
  return String(Number(v.toPrecision(3)));
}

// How numbers read for people, one way for every rendering (console, HTML, JUnit).

/** Milliseconds for people: "0.412 ms", "12.3 ms", and seconds from 1 s on: "1.52 s". */
function formatMs(ms: number, digits: number): string {
  if (Math.abs(ms) >= 1000) return `${Number((ms / 1000).toPrecision(digits))} s`;
  return `${Number(ms.toPrecision(digits))} ms`;
}

/** Microseconds from a histogram: "0.412 ms", "12.3 ms", "1.52 s". */
export function formatMicros(us: number): string {
  return formatMs(us / 1000, 3);
}

/** A measured value in its unit ('ms', '/s' or '' as results record it): "6.607 s", "0.02", "120.5/s". */
export function formatMeasured(value: number, unit: string): string {
  if (unit === 'ms') return formatMs(value, 4);
  const v = String(Number(value.toPrecision(4)));
  if (unit === '' || unit.startsWith('/')) return `${v}${unit}`;
  return `${v} ${unit}`;
}

/** A threshold's measured value with its unit, or why there is none. */
export function formatThresholdActual(t: ThresholdResult): string {
  if (t.actual === null) return t.note ? `not measured: ${t.note}` : 'not measured';
  return formatMeasured(t.actual, t.unit);
}
