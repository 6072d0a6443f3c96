// Histograms as sparse bucket counts over one shared value axis, so that resampled
// seconds add up with a few array additions instead of decoding and merging HDR
// histograms thousands of times. Bucket values are HDR's highest equivalent values,
// as getValueAtPercentile reports them.
import { decodeHistogram, type EncodedHistogram, recordedBuckets } from '../../stats/histogram.js';

/** One histogram: indexes into the shared axis and the counts there. */
export interface SparseCounts {
  index: Int32Array;
  count: Float64Array;
  total: number;
}

/** Collects bucket values (µs) from several histograms onto one sorted axis. */
export class BucketAxis {
  private readonly positions = new Map<number, number>();
  private values: number[] = [];
  private sorted = true;

  /** Decodes a histogram into raw (value, count) pairs and registers its values. */
  add(encoded: EncodedHistogram): { values: number[]; counts: number[] } {
    const { values, counts } = recordedBuckets(decodeHistogram(encoded));
    for (const v of values) {
      if (!this.positions.has(v)) {
        this.positions.set(v, -1);
        this.values.push(v);
        this.sorted = false;
      }
    }
    return { values, counts };
  }

  /** The axis, ascending; call after every add. */
  finish(): readonly number[] {
    if (!this.sorted) {
      this.values = [...this.values].sort((a, b) => a - b);
      this.values.forEach((v, i) => {
        this.positions.set(v, i);
      });
      this.sorted = true;
    }
    return this.values;
  }

  sparse(raw: { values: number[]; counts: number[] }): SparseCounts {
    this.finish();
    const index = new Int32Array(raw.values.length);
    const count = new Float64Array(raw.counts);
    raw.values.forEach((v, i) => {
      index[i] = this.positions.get(v) as number;
    });
    return { index, count, total: raw.counts.reduce((s, c) => s + c, 0) };
  }
}

/**
 * The values at percentiles (0..100) of dense counts on `axis`, with HdrHistogram's rank
 * rule (the smallest value with at least ceil(p% of the total) at or below it); NaN when empty.
 */
export function percentilesOfCounts(
  axis: readonly number[],
  dense: ArrayLike<number>,
  percentiles: readonly number[],
): number[] {
  let total = 0;
  for (let i = 0; i < dense.length; i++) total += dense[i] as number;
  if (total === 0) return percentiles.map(() => Number.NaN);
  const ranks = percentiles.map((p) => Math.max(1, Math.ceil((p / 100) * total - 1e-9)));
  const order = ranks.map((_, k) => k).sort((a, b) => (ranks[a] as number) - (ranks[b] as number));
  const out = new Array<number>(percentiles.length).fill(Number.NaN);
  let cumulative = 0;
  let next = 0;
  for (let i = 0; i < dense.length && next < order.length; i++) {
    cumulative += dense[i] as number;
    while (next < order.length && cumulative >= (ranks[order[next] as number] as number)) {
      out[order[next] as number] = axis[i] as number;
      next++;
    }
  }
  return out;
}

/** Adds sparse counts into a dense array (in place). */
export function addSparse(dense: Float64Array, s: SparseCounts): void {
  for (let i = 0; i < s.index.length; i++) {
    const j = s.index[i] as number;
    dense[j] = (dense[j] as number) + (s.count[i] as number);
  }
}
