// A parsed threshold (SLO): `metric op value[unit]`, judged for the whole run or one phase.
import type { ThresholdSpec } from '../../results/results.js';

export interface Threshold extends ThresholdSpec {
  /** Stop the run as soon as this threshold fails. */
  abortOnFail: boolean;
}
