// A parsed threshold (SLO): `metric op value[unit]`, judged for the whole run or one phase.
import type { ThresholdOp } from '../../results/results.js';

export interface Threshold {
  /** As written, e.g. "staleness.p99 < 100ms". */
  expression: string;
  /** Canonical metric name, e.g. "staleness.p99", "rejected{OVERLOADED}", "silent_drops". */
  metric: string;
  op: ThresholdOp;
  /** In the metric's unit: milliseconds for durations, a plain number otherwise. */
  value: number;
  /** 'ms' for durations, '/s' for rates, '' for counts and ratios. */
  unit: string;
  /** 'run' or a phase name. */
  scope: string;
  /** Stop the run as soon as this threshold fails. */
  abortOnFail: boolean;
}
