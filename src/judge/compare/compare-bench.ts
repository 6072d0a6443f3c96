// Compares two bench runs of one scenario metric by metric: the change, a bootstrap
// confidence interval over the runs' seconds, and a verdict against the tolerance.
// The checker's findings and the thresholds are compared as facts: a new finding is a
// regression whatever the numbers.
import type { BenchResults } from '../../results/results.js';
import { type BootstrapOptions, bootstrapChange, DEFAULT_BOOTSTRAP, type Interval } from './bootstrap.js';
import { addSparse, percentilesOfCounts } from './bucket-counts.js';
import { assertComparable, environmentWarnings } from './comparable-runs.js';
import {
  COMPARED_PERCENTILES,
  type ComparedMetric,
  comparedMetrics,
  SERIES_HISTOGRAMS,
  type SeriesHistogram,
  samplesNeeded,
} from './compared-metrics.js';
import { type BenchComparison, COMPARISON_VERSION, type MetricChange } from './comparison.js';
import { findingChanges, generatorChanges, relative, thresholdChanges } from './fact-changes.js';
import { judgeChange, overallVerdict } from './judge-change.js';
import { type RunSeconds, type RunStrata, runStrata } from './run-seconds.js';
import { scenarioToleranceRules } from './scenario-tolerances.js';
import { allowance, type ToleranceRule, toleranceFor } from './tolerance.js';

/** Seconds with data each run needs before its per-second spread says anything. */
export const MIN_SECONDS = 5;

export interface CompareBenchInput {
  baseline: BenchResults;
  current: BenchResults;
  files: { baseline: string; current: string };
  /** From --tolerance, applied after the current scenario's compare: block. */
  tolerances?: readonly ToleranceRule[];
  bootstrap?: BootstrapOptions;
}

interface Estimate {
  metric: ComparedMetric;
  group: MetricChange['group'];
  baseline: number;
  current: number;
  interval: Interval;
  /** Why the data cannot decide, when they cannot. */
  insufficient?: string;
  /** The insufficiency concerns the whole run, so it decides the comparison. */
  runWide?: boolean;
}

function histogramStatistic(h: SeriesHistogram, axis: readonly number[]) {
  const dense = new Float64Array(axis.length);
  const percentiles = COMPARED_PERCENTILES.map((p) => p.percentile);
  return (sample: readonly RunSeconds[]): number[] => {
    dense.fill(0);
    for (const s of sample) {
      const counts = s.histograms[h];
      if (counts) addSparse(dense, counts);
    }
    return percentilesOfCounts(axis, dense, percentiles).map((us) => us / 1000);
  };
}

function histogramEstimates(
  h: SeriesHistogram,
  axis: readonly number[],
  runs: readonly [RunStrata, RunStrata],
  options: BootstrapOptions,
): Estimate[] {
  const statistic = histogramStatistic(h, axis);
  const [b, c] = runs;
  const totals = runs.map((r) =>
    r.strata.flat().reduce((sum, s) => sum + (s.histograms[h]?.total ?? 0), 0),
  ) as [number, number];
  const bValues = statistic(b.strata.flat());
  const cValues = statistic(c.strata.flat());
  const enoughSeconds = Math.min(b.secondsWith[h], c.secondsWith[h]) >= MIN_SECONDS;
  const intervals = enoughSeconds
    ? bootstrapChange(b.strata, c.strata, statistic, options)
    : COMPARED_PERCENTILES.map(() => ({ lo: Number.NaN, hi: Number.NaN }));
  return COMPARED_PERCENTILES.map((p, k) => {
    const metric = comparedMetrics().find((m) => m.name === `${h}.${p.stat}`) as ComparedMetric;
    const e: Estimate = {
      metric,
      group: h,
      baseline: bValues[k] as number,
      current: cValues[k] as number,
      interval: intervals[k] as Interval,
    };
    const measured = totals.map((n) => n > 0);
    if (!measured[0] && !measured[1]) e.insufficient = 'measured in neither run';
    else if (!measured[0] || !measured[1]) {
      e.insufficient = `measured only in the ${measured[0] ? 'baseline' : 'current'} run`;
      e.runWide = true;
    } else if (!enoughSeconds) {
      e.insufficient = `too few seconds with samples (baseline ${b.secondsWith[h]}, current ${c.secondsWith[h]}; needs ${MIN_SECONDS})`;
      e.runWide = true;
    } else if (Math.min(...totals) < samplesNeeded(p.percentile)) {
      e.insufficient = `too few samples for ${p.stat} (baseline ${totals[0]}, current ${totals[1]}; needs ${samplesNeeded(p.percentile)})`;
    }
    return e;
  });
}

function countEstimates(runs: readonly [RunStrata, RunStrata], options: BootstrapOptions): Estimate[] {
  const reasons = new Set<string>();
  for (const r of runs) {
    for (const s of r.strata.flat()) {
      for (const [reason, n] of Object.entries(s.rejected)) if (n > 0) reasons.add(reason);
    }
  }
  const metrics = comparedMetrics();
  const rejectMetrics = [...reasons]
    .sort()
    .flatMap((reason) => metrics.filter((m) => m.name === `rejected{${reason}}`));
  const statistic = (sample: readonly RunSeconds[]): number[] => {
    let accepted = 0;
    let scheduled = 0;
    const rejected = rejectMetrics.map(() => 0);
    for (const s of sample) {
      if (s.scheduled > 0) {
        accepted += s.accepted;
        scheduled += s.scheduled;
      }
      rejectMetrics.forEach((m, k) => {
        rejected[k] = (rejected[k] as number) + (s.rejected[m.name.slice(9, -1)] ?? 0);
      });
    }
    return [scheduled > 0 ? accepted / scheduled : Number.NaN, ...rejected];
  };
  const [b, c] = runs;
  const enough = Math.min(b.scheduledSeconds, c.scheduledSeconds) >= MIN_SECONDS;
  const bValues = statistic(b.strata.flat());
  const cValues = statistic(c.strata.flat());
  const intervals = enough ? bootstrapChange(b.strata, c.strata, statistic, options) : [];
  const rate = metrics.find((m) => m.name === 'achieved_rate') as ComparedMetric;
  return [rate, ...rejectMetrics].map((metric, k) => ({
    metric,
    group: k === 0 ? 'rate' : 'rejections',
    baseline: bValues[k] as number,
    current: cValues[k] as number,
    interval: intervals[k] ?? { lo: Number.NaN, hi: Number.NaN },
    ...(enough
      ? {}
      : {
          insufficient: `too few seconds in the schedule (baseline ${b.scheduledSeconds}, current ${c.scheduledSeconds}; needs ${MIN_SECONDS})`,
          runWide: true,
        }),
  }));
}

function judgeEstimate(
  e: Estimate,
  rules: readonly ToleranceRule[],
  bottleneck: string | undefined,
): MetricChange {
  const tolerance = toleranceFor(e.metric, rules);
  const change = e.current - e.baseline;
  const allowed = Number.isFinite(e.baseline) ? allowance(tolerance, e.baseline) : 0;
  const base: MetricChange = {
    metric: e.metric.name,
    group: e.group,
    unit: e.metric.unit,
    baseline: Number.isFinite(e.baseline) ? e.baseline : null,
    current: Number.isFinite(e.current) ? e.current : null,
    change: Number.isFinite(change) ? change : null,
    relative: Number.isFinite(change) ? relative(change, e.baseline) : null,
    interval: Number.isFinite(e.interval.lo) ? e.interval : null,
    tolerance: { text: tolerance.text, source: tolerance.source, allowance: allowed },
    verdict: 'NO CHANGE',
    decisive: true,
  };
  if (e.insufficient) {
    return {
      ...base,
      verdict: 'INCONCLUSIVE',
      decisive: e.runWide === true || tolerance.source !== 'default',
      note: e.insufficient,
    };
  }
  if (bottleneck) return { ...base, verdict: 'INCONCLUSIVE', note: bottleneck };
  return {
    ...base,
    verdict: judgeChange({
      change,
      interval: e.interval,
      allowance: allowed,
      worse: e.metric.worse,
    }),
  };
}

/** One line per distinct cause, naming every metric it concerns. */
function grouped(metrics: readonly MetricChange[], say: string): string[] {
  const byNote = new Map<string, string[]>();
  for (const m of metrics) byNote.set(m.note ?? '', [...(byNote.get(m.note ?? '') ?? []), m.metric]);
  return [...byNote].map(([note, names]) => `${names.join(', ')} ${say}${note ? `: ${note}` : ''}`);
}

function reasonsFor(metrics: readonly MetricChange[], verdict: MetricChange['verdict']): string[] {
  const pick = (v: MetricChange['verdict']) => metrics.filter((m) => m.verdict === v && m.decisive);
  if (verdict === 'REGRESSED')
    return pick('REGRESSED').map((m) => `${m.metric} regressed${m.note ? `: ${m.note}` : ''}`);
  if (verdict === 'INCONCLUSIVE') return grouped(pick('INCONCLUSIVE'), 'could not be judged');
  if (verdict === 'IMPROVED') return grouped(pick('IMPROVED'), 'improved');
  return ['no metric changed beyond its tolerance and the noise'];
}

export function compareBench(input: CompareBenchInput): BenchComparison {
  const { baseline: b, current: c, files } = input;
  assertComparable(b, c, files);
  const options = input.bootstrap ?? DEFAULT_BOOTSTRAP;
  const rules = [
    ...scenarioToleranceRules(c.scenario.source, `${files.current} (scenario ${c.scenario.file})`),
    ...(input.tolerances ?? []),
  ];
  const strata = runStrata([b, c]);
  const runs = strata.runs as [RunStrata, RunStrata];
  const bottleneck =
    b.generator.bottleneck || c.generator.bottleneck
      ? 'the generator was the bottleneck, so the figures describe the generator'
      : undefined;
  const estimates = [
    ...SERIES_HISTOGRAMS.flatMap((h) => histogramEstimates(h, strata.axes[h], runs, options)),
    ...countEstimates(runs, options),
  ];
  const metrics = [
    ...estimates.map((e) => judgeEstimate(e, rules, bottleneck)),
    ...findingChanges(b, c),
    ...thresholdChanges(b, c),
    ...generatorChanges(b, c),
  ];
  const verdict = overallVerdict(metrics);
  const identity = (r: BenchResults, file: string) => ({
    file,
    startedAt: r.startedAt,
    tool: r.tool.version,
    verdict: r.verdict,
    seconds: r.series.length,
  });
  return {
    kind: 'bench',
    comparisonVersion: COMPARISON_VERSION,
    scenario: c.scenario.name,
    baseline: identity(b, files.baseline),
    current: identity(c, files.current),
    method: { replicates: options.replicates, confidence: options.confidence, minSeconds: MIN_SECONDS },
    warnings: environmentWarnings(b, c),
    metrics,
    verdict,
    reasons: reasonsFor(metrics, verdict),
  };
}
