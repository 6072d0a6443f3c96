// HDR histograms in microseconds, 3 significant digits, auto-resizing. Results keep
// the compressed encoding so histograms from shards merge exactly by addition.
import * as hdr from 'hdr-histogram-js';

export type Histogram = hdr.Histogram;

/** One hour in microseconds: anything slower is recorded as this value and flagged by max. */
export const HIGHEST_TRACKABLE_US = 3_600_000_000;

export function newHistogram(): Histogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_TRACKABLE_US,
    numberOfSignificantValueDigits: 3,
    autoResize: true,
  });
}

/** Record a duration given in milliseconds (fractional), as whole microseconds, at least 1. */
export function recordMs(h: Histogram, ms: number): void {
  const us = Math.round(ms * 1000);
  h.recordValue(Math.min(Math.max(us, 1), HIGHEST_TRACKABLE_US));
}

export interface HistogramSummary {
  count: number;
  /** All in microseconds. */
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  p9999: number;
  max: number;
}

export interface EncodedHistogram {
  unit: 'us';
  /** HdrHistogram V2 compressed, base64: decodeHistogram() restores it exactly. */
  encoded: string;
  summary: HistogramSummary;
}

export function summarize(h: Histogram): HistogramSummary {
  const count = h.totalCount;
  if (count === 0) return { count: 0, min: 0, mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, p9999: 0, max: 0 };
  // A percentile is reported as its bucket's highest equivalent value, which can
  // lie above the largest value recorded: clamp so that p99.99 <= max always holds.
  const max = h.maxValue;
  const at = (p: number) => Math.min(h.getValueAtPercentile(p), max);
  return {
    count,
    min: h.minNonZeroValue,
    mean: h.mean,
    p50: at(50),
    p90: at(90),
    p99: at(99),
    p999: at(99.9),
    p9999: at(99.99),
    max,
  };
}

export function encodeHistogram(h: Histogram): EncodedHistogram {
  return { unit: 'us', encoded: hdr.encodeIntoCompressedBase64(h), summary: summarize(h) };
}

export function decodeHistogram(e: EncodedHistogram): Histogram {
  const decoded = hdr.decodeFromCompressedBase64(e.encoded);
  // Re-home into an auto-resizing histogram so further adds never overflow.
  const h = newHistogram();
  h.add(decoded);
  return h;
}

/** Exact merge: counts are added bucket by bucket, never percentiles averaged. */
export function mergeEncoded(parts: readonly EncodedHistogram[]): EncodedHistogram {
  const h = newHistogram();
  for (const p of parts) h.add(decodeHistogram(p));
  return encodeHistogram(h);
}

/** HdrHistogram's percentile-distribution text (.hgrm), values in milliseconds. */
export function percentileDistribution(h: Histogram): string {
  return h.outputPercentileDistribution(5, 1000);
}

/**
 * The recorded buckets of a histogram, ascending: each bucket's highest equivalent value
 * (as getValueAtPercentile reports it) and its count.
 */
export function recordedBuckets(h: Histogram): { values: number[]; counts: number[] } {
  if (!(h instanceof hdr.JsHistogram)) throw new Error('recordedBuckets needs a JavaScript histogram');
  const values: number[] = [];
  const counts: number[] = [];
  const it = h.recordedValuesIterator;
  it.reset();
  while (it.hasNext()) {
    const v = it.next();
    values.push(v.valueIteratedTo);
    counts.push(v.countAtValueIteratedTo);
  }
  return { values, counts };
}
