// The metrics `compare` judges with an interval: percentiles of the per-second
// histograms, the achieved rate and rejections by reason. Each has a direction in
// which it gets worse and a default tolerance that a change must exceed to count.
import { REJECT_REASONS } from '../thresholds/metrics.js';

export type CompareUnit = 'ms' | '/s' | 'count';

export interface ComparedMetric {
  name: string;
  unit: CompareUnit;
  /** 'up': larger is worse (latency, rejections); 'down': smaller is worse (rate). */
  worse: 'up' | 'down';
}

/** Histograms that the results keep per second, so their percentiles can be resampled. */
export const SERIES_HISTOGRAMS = ['ack_latency', 'staleness'] as const;
export type SeriesHistogram = (typeof SERIES_HISTOGRAMS)[number];

export const COMPARED_PERCENTILES = [
  { stat: 'p50', percentile: 50 },
  { stat: 'p90', percentile: 90 },
  { stat: 'p99', percentile: 99 },
  { stat: 'p999', percentile: 99.9 },
] as const;

export function comparedMetrics(): ComparedMetric[] {
  const durations = SERIES_HISTOGRAMS.flatMap((h) =>
    COMPARED_PERCENTILES.map((p) => ({ name: `${h}.${p.stat}`, unit: 'ms' as const, worse: 'up' as const })),
  );
  return [
    ...durations,
    { name: 'achieved_rate', unit: '/s', worse: 'down' },
    ...REJECT_REASONS.map((r) => ({ name: `rejected{${r}}`, unit: 'count' as const, worse: 'up' as const })),
  ];
}

export function findComparedMetric(name: string): ComparedMetric | undefined {
  return comparedMetrics().find((m) => m.name === name);
}

/**
 * Samples a percentile needs before a change in it means anything: ten beyond it
 * (p99: 1,000; p99.9: 10,000). With fewer, it is the few slowest samples' accident.
 */
export function samplesNeeded(percentile: number): number {
  return Math.ceil(10 / (1 - percentile / 100));
}
