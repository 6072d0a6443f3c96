// Per-second figures derived from the results' time series. Percentiles come from each
// second's own histogram, so they stay exact after shards are merged.

import type { SeriesPoint } from '../../results/results.js';
import { decodeHistogram, type EncodedHistogram } from '../../stats/histogram.js';

export interface Percentiles {
  /** All in ms. */
  p50: number;
  p99: number;
  max: number;
}

/** p50, p99 and max of one encoded histogram in ms; null without samples. */
export function percentilesOf(encoded: EncodedHistogram | undefined): Percentiles | null {
  if (!encoded || encoded.summary.count === 0) return null;
  const h = decodeHistogram(encoded);
  return {
    p50: h.getValueAtPercentile(50) / 1000,
    p99: h.getValueAtPercentile(99) / 1000,
    max: h.maxValue / 1000,
  };
}

export interface PercentileSeries {
  p50: (number | null)[];
  p99: (number | null)[];
  max: (number | null)[];
}

/** p50, p99 and max per second in ms; null for seconds without samples. */
export function percentilesPerSecond(
  series: SeriesPoint[],
  key: 'ackLatency' | 'staleness',
): PercentileSeries {
  const each = series.map((p) => percentilesOf(p[key]));
  return {
    p50: each.map((p) => p?.p50 ?? null),
    p99: each.map((p) => p?.p99 ?? null),
    max: each.map((p) => p?.max ?? null),
  };
}

/** Every reject reason seen in the run, sorted, each with its count per point. */
export function rejectionsPerSecond(series: Pick<SeriesPoint, 'rejected'>[]): Map<string, number[]> {
  const reasons = [...new Set(series.flatMap((p) => Object.keys(p.rejected)))].sort();
  return new Map(reasons.map((r) => [r, series.map((p) => p.rejected[r] ?? 0)]));
}
