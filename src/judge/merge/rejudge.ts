// Thresholds and the verdict of merged shards are judged again, with bench's own metric
// lookup, threshold evaluator and verdict rules, on the merged histograms and counters:
// a p99 over all shards is not any shard's p99.
import type { CheckCounts } from '../../check/check-types.js';
import type { BenchResults, ThresholdResult } from '../../results/results.js';
import { RUN_HISTOGRAMS, type RunHistogram } from '../../results/run-histograms.js';
import {
  decodeHistogram,
  type EncodedHistogram,
  encodeHistogram,
  newHistogram,
} from '../../stats/histogram.js';
import { UserError } from '../../util/user-error.js';
import { type EncodedCheckReport, mergeCheckReports } from '../check-merge.js';
import { type MeasuredScope, metricLookup } from '../metric-lookup.js';
import { evaluateThreshold, type MetricLookup, type MetricValue } from '../thresholds/evaluate-thresholds.js';
import { parseThresholdExpression } from '../thresholds/parse-threshold.js';
import type { Threshold } from '../thresholds/threshold.js';
import { judgeRun } from '../verdict.js';

const CHECKER_PREFIX = 'checker.';
const NESTED = /^([^{]+)\{(.*)\}$/;

/** The checker's counts, from the flat "checker.*" counters bench writes. */
function checkCounts(counters: Record<string, number>): CheckCounts {
  const counts: Record<string, number | Record<string, number>> = {};
  for (const [key, value] of Object.entries(counters)) {
    if (!key.startsWith(CHECKER_PREFIX)) continue;
    const name = key.slice(CHECKER_PREFIX.length);
    const nested = NESTED.exec(name);
    if (nested) {
      const [, group, sub] = nested as unknown as [string, string, string];
      counts[group] = { ...(counts[group] as Record<string, number> | undefined), [sub]: value };
    } else {
      counts[name] = value;
    }
  }
  return counts as unknown as CheckCounts;
}

const emptyEncoded = (): EncodedHistogram => encodeHistogram(newHistogram());

/** One shard's checker report as bench merged it, rebuilt from its results. */
export function checkReportOf(r: BenchResults): EncodedCheckReport {
  return {
    findings: r.findings,
    counts: checkCounts(r.counters),
    staleness: r.histograms.staleness ?? emptyEncoded(),
    stalenessProbe: r.histograms.staleness_probe ?? emptyEncoded(),
  };
}

function scopeOf(
  durationMs: number,
  histograms: Record<string, EncodedHistogram>,
  counters: Record<string, number>,
): MeasuredScope {
  const decoded = Object.fromEntries(
    RUN_HISTOGRAMS.map((h) => [h, histograms[h] ? decodeHistogram(histograms[h]) : newHistogram()]),
  ) as Record<RunHistogram, ReturnType<typeof newHistogram>>;
  return { durationMs, histograms: decoded, counters };
}

/** The threshold as the scenario wrote it, parsed again from the results. */
function thresholdOf(t: ThresholdResult): Threshold {
  const parsed = parseThresholdExpression(t.expression);
  if (!parsed.ok)
    throw new UserError(
      `merge: threshold '${t.expression}' in the results does not parse: ${parsed.message}`,
    );
  return { expression: t.expression, scope: t.scope, abortOnFail: false, ...parsed.parsed };
}

/** Replaces findings, thresholds and verdict of merged results with ones judged on the merged data. */
export function rejudge(shards: BenchResults[], merged: BenchResults): BenchResults {
  const check = mergeCheckReports(shards.map(checkReportOf));
  const abort = merged.markers.find((m) => m.kind === 'abort');
  const phasesEnd = Math.max(0, ...merged.phases.map((p) => p.startMs + p.durationMs));
  // Like bench: rates are over the scenario's length unless the run was aborted early.
  const runMs = abort || phasesEnd === 0 ? merged.durationMs : phasesEnd;
  const lookup = metricLookup({
    run: scopeOf(runMs, merged.histograms, merged.counters),
    phases: new Map(merged.phases.map((p) => [p.name, scopeOf(p.durationMs, p.histograms, p.counters)])),
    check,
    unavailable: merged.unavailable,
  });
  // Results from elsewhere may lack a counter bench writes: then the threshold is not judged.
  const lookupOrWhy: MetricLookup = (metric, scope) =>
    (lookup(metric, scope) as MetricValue | undefined) ?? {
      unavailable: `the shard results hold no value for ${metric}`,
    };
  const thresholds = merged.thresholds.map((t) => evaluateThreshold(thresholdOf(t), lookupOrWhy));
  const { verdict, reasons } = judgeRun({
    findings: check.findings,
    thresholds,
    health: merged.generator,
    ...(abort ? { abortedBy: abort.label } : {}),
  });
  return { ...merged, findings: check.findings, thresholds, verdict, verdictReasons: reasons };
}
