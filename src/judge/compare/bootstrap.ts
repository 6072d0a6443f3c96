// Bootstrap of the change between two runs: each run's seconds are resampled with
// replacement within their strata (phases, so a ramp's quiet seconds never stand in
// for its busy ones), a statistic is computed on each resample of each run, and the
// spread of the differences is the noise. Pure and seeded: the same runs give the same
// interval on every machine.
import { seededRandom } from '../../util/seeded-random.js';

export interface BootstrapOptions {
  /** Resamples per run. */
  replicates: number;
  /** Two-sided confidence of the interval, e.g. 0.95. */
  confidence: number;
  seed: number;
}

export const DEFAULT_BOOTSTRAP: BootstrapOptions = { replicates: 2000, confidence: 0.95, seed: 0x5eed };

export interface Interval {
  lo: number;
  hi: number;
}

/** A resample: from each stratum as many items as it has, drawn with replacement. */
export function resample<T>(strata: readonly (readonly T[])[], random: () => number): T[] {
  const out: T[] = [];
  for (const s of strata) {
    for (let i = 0; i < s.length; i++) out.push(s[Math.floor(random() * s.length)] as T);
  }
  return out;
}

/** The value at quantile q (0..1) of sorted values, interpolated between neighbours. */
export function quantileOfSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = q * (sorted.length - 1);
  const below = Math.floor(pos);
  const above = Math.min(below + 1, sorted.length - 1);
  const a = sorted[below] as number;
  const b = sorted[above] as number;
  return a + (b - a) * (pos - below);
}

/**
 * Percentile-bootstrap intervals for current − baseline of each statistic that `statistic`
 * returns (several at once, so one resample serves every percentile of a histogram).
 * A statistic may return NaN for a resample without data; those resamples are left out.
 */
export function bootstrapChange<T>(
  baseline: readonly (readonly T[])[],
  current: readonly (readonly T[])[],
  statistic: (sample: readonly T[]) => readonly number[],
  options: BootstrapOptions = DEFAULT_BOOTSTRAP,
): Interval[] {
  const random = seededRandom(options.seed);
  const diffs: number[][] = [];
  for (let r = 0; r < options.replicates; r++) {
    const b = statistic(resample(baseline, random));
    const c = statistic(resample(current, random));
    for (let k = 0; k < c.length; k++) {
      const d = (c[k] as number) - (b[k] as number);
      if (!Number.isFinite(d)) continue;
      let list = diffs[k];
      if (!list) {
        list = [];
        diffs[k] = list;
      }
      list.push(d);
    }
  }
  const tail = (1 - options.confidence) / 2;
  const width = statistic(baseline.flat()).length;
  const out: Interval[] = [];
  for (let k = 0; k < width; k++) {
    const sorted = (diffs[k] ?? []).sort((x, y) => x - y);
    out.push({ lo: quantileOfSorted(sorted, tail), hi: quantileOfSorted(sorted, 1 - tail) });
  }
  return out;
}
