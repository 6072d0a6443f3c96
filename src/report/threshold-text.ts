import type { BenchResults, ThresholdResult } from '../results/results.js';

/** Metrics named after a histogram (e.g. "staleness.p99") are durations in ms. */
export function thresholdUnit(results: BenchResults, t: ThresholdResult): string {
  const base = t.metric.split('.')[0] ?? t.metric;
  return base in results.histograms ? 'ms' : '';
}

/** The measured value with its unit, or why there is none. */
export function formatThresholdActual(results: BenchResults, t: ThresholdResult): string {
  if (t.actual === null) return t.note ? `not measured: ${t.note}` : 'not measured';
  const unit = thresholdUnit(results, t);
  const value = String(Number(t.actual.toPrecision(4)));
  return unit ? `${value} ${unit}` : value;
}
