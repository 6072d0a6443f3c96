// Which phase a moment of the run belongs to.
import type { Phase, Scenario } from '../scenario/scenario.js';

/** The phase running at tMs (ms from run start); undefined before 0 and from scenario.totalMs on. */
export function phaseAt(scenario: Scenario, tMs: number): Phase | undefined {
  if (tMs < 0 || tMs >= scenario.totalMs) return undefined;
  let lo = 0;
  let hi = scenario.phases.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((scenario.phases[mid] as Phase).startMs <= tMs) lo = mid;
    else hi = mid - 1;
  }
  return scenario.phases[lo];
}
