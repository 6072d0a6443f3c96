// Thresholds and the verdict of merged shards are judged again, by the same judge as bench,
// on the merged histograms and counters: a p99 over all shards is not any shard's p99.

import type { BenchResults, ThresholdResult } from '../../results/results.js';
import { type EncodedHistogram, encodeHistogram, newHistogram } from '../../stats/histogram.js';
import { type EncodedCheckReport, mergeCheckReports } from '../check-merge.js';
import { judgeBench } from '../judge-bench.js';
import { sumScope } from '../scopes.js';
import type { Threshold } from '../thresholds/threshold.js';

const emptyEncoded = (): EncodedHistogram => encodeHistogram(newHistogram());

/** One shard's checker report as bench merged it, from its results. */
export function checkReportOf(r: BenchResults): EncodedCheckReport {
  return {
    findings: r.findings,
    counts: r.checkCounts,
    staleness: r.histograms.staleness ?? emptyEncoded(),
    stalenessProbe: r.histograms.staleness_probe ?? emptyEncoded(),
  };
}

/** The threshold as the scenario stated it, from the structured record in the results. */
function thresholdOf(t: ThresholdResult): Threshold {
  const { actual: _a, passed: _p, note: _n, ...spec } = t;
  return { ...spec, abortOnFail: false };
}

/** Replaces findings, thresholds and verdict of merged results with ones judged on the merged data. */
export function rejudge(shards: BenchResults[], merged: BenchResults): BenchResults {
  const check = mergeCheckReports(shards.map(checkReportOf));
  const abort = merged.markers.find((m) => m.kind === 'abort');
  const phasesEnd = Math.max(0, ...merged.phases.map((p) => p.startMs + p.durationMs));
  // Like bench: rates are over the scenario's length unless the run was aborted early.
  const runMs = abort || phasesEnd === 0 ? merged.durationMs : phasesEnd;
  const { thresholds, verdict, reasons } = judgeBench(
    merged.thresholds.map(thresholdOf),
    {
      run: sumScope(runMs, [merged]),
      phases: new Map(merged.phases.map((p) => [p.name, sumScope(p.durationMs, [p])])),
      check,
      unavailable: merged.unavailable,
    },
    { health: merged.generator, ...(abort ? { abortedBy: abort.label } : {}) },
  );
  return {
    ...merged,
    findings: check.findings,
    checkCounts: check.counts,
    thresholds,
    verdict,
    verdictReasons: reasons,
  };
}
