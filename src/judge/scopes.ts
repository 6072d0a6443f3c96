// A measured scope (the whole run, or one phase): the run's histograms added bucket by
// bucket and its counters summed, from the parts that measured it (bench's workers, or
// the results of shards), so a p99 is always taken over all the samples.
import { RUN_HISTOGRAMS, type RunHistogram } from '../results/run-histograms.js';
import {
  decodeHistogram,
  type EncodedHistogram,
  encodeHistogram,
  type Histogram,
  newHistogram,
} from '../stats/histogram.js';
import { sumCounters } from '../util/sum-counters.js';

export interface MeasuredScope {
  durationMs: number;
  histograms: Record<RunHistogram, Histogram>;
  counters: Record<string, number>;
}

/** What one part measured: encoded histograms (any may be missing) and counters. */
export interface ScopePart {
  histograms: Partial<Record<string, EncodedHistogram>>;
  counters: Record<string, number>;
}

function emptyHistograms(): Record<RunHistogram, Histogram> {
  return Object.fromEntries(RUN_HISTOGRAMS.map((h) => [h, newHistogram()])) as Record<
    RunHistogram,
    Histogram
  >;
}

/** One scope from the parts that measured it. */
export function sumScope(durationMs: number, parts: readonly ScopePart[]): MeasuredScope {
  const histograms = emptyHistograms();
  for (const p of parts) {
    for (const h of RUN_HISTOGRAMS) {
      const encoded = p.histograms[h];
      if (encoded) histograms[h].add(decodeHistogram(encoded));
    }
  }
  return { durationMs, histograms, counters: sumCounters(parts.map((p) => p.counters)) };
}

/**
 * The whole run: the phases' histograms added. Counters come apart from the phases
 * because the run counts more than its phases do (e.g. the drivers' own counts).
 */
export function runScope(
  durationMs: number,
  phases: readonly MeasuredScope[],
  counters: Record<string, number>,
): MeasuredScope {
  const histograms = emptyHistograms();
  for (const s of phases) for (const h of RUN_HISTOGRAMS) histograms[h].add(s.histograms[h]);
  return { durationMs, histograms, counters };
}

export function encodeScope(s: MeasuredScope): Record<RunHistogram, EncodedHistogram> {
  return Object.fromEntries(RUN_HISTOGRAMS.map((h) => [h, encodeHistogram(s.histograms[h])])) as Record<
    RunHistogram,
    EncodedHistogram
  >;
}
