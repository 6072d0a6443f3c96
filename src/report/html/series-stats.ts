// Per-second figures derived from the results' time series. Percentiles come from each
// second's own histogram, so they stay exact after shards are merged.

import type { SeriesPoint } from '../../results/results.js';
import { decodeHistogram } from '../../stats/histogram.js';

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
  const out: PercentileSeries = { p50: [], p99: [], max: [] };
  for (const point of series) {
    const encoded = point[key];
    if (!encoded || encoded.summary.count === 0) {
      out.p50.push(null);
      out.p99.push(null);
      out.max.push(null);
      continue;
    }
    const h = decodeHistogram(encoded);
    out.p50.push(h.getValueAtPercentile(50) / 1000);
    out.p99.push(h.getValueAtPercentile(99) / 1000);
    out.max.push(h.maxValue / 1000);
  }
  return out;
}

/** Every reject reason seen in the run, sorted, each with its count per second. */
export function rejectionsPerSecond(series: SeriesPoint[]): Map<string, number[]> {
  const reasons = [...new Set(series.flatMap((p) => Object.keys(p.rejected)))].sort();
  return new Map(reasons.map((r) => [r, series.map((p) => p.rejected[r] ?? 0)]));
}
