// A bench run's per-second series as the units the bootstrap resamples: seconds,
// grouped by the phase they belong to (seconds after the schedule, while the run
// drained, form their own group). Long runs are cut into blocks of consecutive seconds
// so that a resample costs the same for a one-hour soak as for a minute, and so that
// slow drifts inside a block stay together.
import type { BenchResults } from '../../results/results.js';
import { BucketAxis, type SparseCounts } from './bucket-counts.js';
import type { SeriesHistogram } from './compared-metrics.js';

/** One second, or a block of consecutive seconds of one phase. */
export interface RunSeconds {
  seconds: number;
  /** Seconds inside the schedule (the achieved rate is taken over these only). */
  scheduled: number;
  accepted: number;
  rejected: Record<string, number>;
  histograms: Partial<Record<SeriesHistogram, SparseCounts>>;
}

export interface RunStrata {
  strata: RunSeconds[][];
  /** Seconds that had samples of each histogram. */
  secondsWith: Record<SeriesHistogram, number>;
  scheduledSeconds: number;
}

/** Resampled units in a run at most: above this, seconds are grouped into blocks. */
export const MAX_UNITS = 400;

const KEY: Record<SeriesHistogram, 'ackLatency' | 'staleness'> = {
  ack_latency: 'ackLatency',
  staleness: 'staleness',
};

function scheduleEndMs(r: BenchResults): number {
  return r.phases.reduce((end, p) => Math.max(end, p.startMs + p.durationMs), 0);
}

function mergeSparse(parts: readonly SparseCounts[]): SparseCounts | undefined {
  if (parts.length === 0) return undefined;
  if (parts.length === 1) return parts[0];
  const sums = new Map<number, number>();
  for (const p of parts) {
    p.index.forEach((ix, i) => {
      sums.set(ix, (sums.get(ix) ?? 0) + (p.count[i] as number));
    });
  }
  const index = Int32Array.from(sums.keys());
  const count = Float64Array.from(sums.values());
  return { index, count, total: parts.reduce((s, p) => s + p.total, 0) };
}

function mergeSeconds(parts: readonly RunSeconds[]): RunSeconds {
  const rejected: Record<string, number> = {};
  for (const p of parts) {
    for (const [k, n] of Object.entries(p.rejected)) rejected[k] = (rejected[k] ?? 0) + n;
  }
  const histograms: RunSeconds['histograms'] = {};
  for (const h of Object.keys(KEY) as SeriesHistogram[]) {
    const merged = mergeSparse(parts.flatMap((p) => (p.histograms[h] ? [p.histograms[h]] : [])));
    if (merged) histograms[h] = merged;
  }
  return {
    seconds: parts.reduce((s, p) => s + p.seconds, 0),
    scheduled: parts.reduce((s, p) => s + p.scheduled, 0),
    accepted: parts.reduce((s, p) => s + p.accepted, 0),
    rejected,
    histograms,
  };
}

/**
 * Both runs' seconds, with histogram buckets on axes shared by the two runs (one axis per
 * histogram), so resamples of either run add up on the same array.
 */
export function runStrata(runs: readonly BenchResults[]): {
  runs: RunStrata[];
  axes: Record<SeriesHistogram, readonly number[]>;
} {
  const axes = { ack_latency: new BucketAxis(), staleness: new BucketAxis() };
  const raw = runs.map((r) =>
    r.series.map((p) => ({
      p,
      h: Object.fromEntries(
        (Object.keys(KEY) as SeriesHistogram[]).flatMap((h) => {
          const e = p[KEY[h]];
          return e && e.summary.count > 0 ? [[h, axes[h].add(e)]] : [];
        }),
      ) as Partial<Record<SeriesHistogram, { values: number[]; counts: number[] }>>,
    })),
  );
  const out = runs.map((r, k) => {
    const end = scheduleEndMs(r);
    const byStratum = new Map<string, RunSeconds[]>();
    const secondsWith = { ack_latency: 0, staleness: 0 };
    let scheduledSeconds = 0;
    for (const { p, h } of raw[k] ?? []) {
      // A second counts as scheduled when it starts inside the schedule.
      const scheduled = p.second * 1000 < end ? 1 : 0;
      scheduledSeconds += scheduled;
      const histograms: RunSeconds['histograms'] = {};
      for (const name of Object.keys(h) as SeriesHistogram[]) {
        histograms[name] = axes[name].sparse(h[name] as { values: number[]; counts: number[] });
        secondsWith[name]++;
      }
      const stratum = scheduled ? `phase ${p.phase}` : 'after the schedule';
      const list = byStratum.get(stratum) ?? [];
      list.push({ seconds: 1, scheduled, accepted: p.accepted, rejected: p.rejected, histograms });
      byStratum.set(stratum, list);
    }
    const total = r.series.length;
    const block = Math.max(1, Math.ceil(total / MAX_UNITS));
    const strata = [...byStratum.values()].map((seconds) => {
      if (block === 1) return seconds;
      const blocks: RunSeconds[] = [];
      for (let i = 0; i < seconds.length; i += block) blocks.push(mergeSeconds(seconds.slice(i, i + block)));
      return blocks;
    });
    return { strata, secondsWith, scheduledSeconds };
  });
  return { runs: out, axes: { ack_latency: axes.ack_latency.finish(), staleness: axes.staleness.finish() } };
}
