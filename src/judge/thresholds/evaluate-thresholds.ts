// Judges thresholds against measured values. A metric the run could not measure gives
// passed = null with the reason: an unmeasured SLO is never a silent pass.
import type { ThresholdOp, ThresholdResult } from '../../results/results.js';
import type { Threshold } from './threshold.js';

/** A measured value in the metric's unit (ms for durations), or why there is none. */
export type MetricValue = number | { unavailable: string };

/** Looks up a canonical metric name (see metrics.ts) for 'run' or a phase name. */
export type MetricLookup = (metric: string, scope: string) => MetricValue;

const COMPARE: Record<ThresholdOp, (a: number, b: number) => boolean> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
};

export function evaluateThreshold(t: Threshold, lookup: MetricLookup): ThresholdResult {
  const base = {
    expression: t.expression,
    scope: t.scope,
    metric: t.metric,
    op: t.op,
    value: t.value,
    unit: t.unit,
  };
  const measured = lookup(t.metric, t.scope);
  if (typeof measured !== 'number') {
    return { ...base, actual: null, passed: null, note: measured.unavailable };
  }
  if (Number.isNaN(measured)) {
    return { ...base, actual: null, passed: null, note: `${t.metric} has no value (no samples)` };
  }
  return { ...base, actual: measured, passed: COMPARE[t.op](measured, t.value) };
}

export function evaluateThresholds(
  thresholds: readonly Threshold[],
  lookup: MetricLookup,
): ThresholdResult[] {
  return thresholds.map((t) => evaluateThreshold(t, lookup));
}
