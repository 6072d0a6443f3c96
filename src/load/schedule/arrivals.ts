// The pacer's schedule: intended send times on the run's absolute timeline (ms from run
// start). The run has ONE global arrival process; global arrival k goes to session
// k mod sessionCount, so the union over sessions, and over shards (which run disjoint sets
// of sessions), is exactly the global process.

import { seededRandom } from '../../util/seeded-random.js';
import type { Phase, Scenario } from '../scenario/scenario.js';
import { cumulativeArrivals, type DeterministicShape, timeOfArrival } from './rate-shapes.js';

interface PhasePlan {
  phase: Phase;
  /** Global index of the phase's first arrival. */
  firstIndex: number;
  count: number;
  /** Poisson phases: the drawn arrival times, ms from the phase start. */
  drawn?: Float64Array;
}

/** Plans are pure functions of the scenario: computed once per scenario object and shared. */
const plans = new WeakMap<Scenario, PhasePlan[]>();

function planOf(scenario: Scenario): PhasePlan[] {
  let plan = plans.get(scenario);
  if (!plan) {
    plan = [];
    let firstIndex = 0;
    for (const phase of scenario.phases) {
      const drawn =
        phase.shape.kind === 'poisson' ? drawPoisson(phase, phase.shape.rate, phase.shape.seed) : undefined;
      const count = drawn ? drawn.length : deterministicCount(phase);
      plan.push({ phase, firstIndex, count, ...(drawn ? { drawn } : {}) });
      firstIndex += count;
    }
    plans.set(scenario, plan);
  }
  return plan;
}

/** Arrivals j = 0, 1, ... are due where the integral reaches j, for as long as that is inside the phase. */
function deterministicCount(phase: Phase): number {
  const expected = cumulativeArrivals(phase.shape as DeterministicShape, phase.durationMs, phase.durationMs);
  // Guard against the integral landing a rounding error above a whole number.
  return Math.max(0, Math.ceil(expected - 1e-9));
}

function drawPoisson(phase: Phase, rate: number, seed: number): Float64Array {
  if (rate <= 0) return new Float64Array(0);
  const random = seededRandom(seed);
  const times: number[] = [];
  let t = 0;
  for (;;) {
    t += (-Math.log(1 - random()) * 1000) / rate;
    if (t >= phase.durationMs) break;
    times.push(t);
  }
  return Float64Array.from(times);
}

function timeInPlan(p: PhasePlan, j: number): number {
  const local = p.drawn
    ? (p.drawn[j] as number)
    : timeOfArrival(p.phase.shape as DeterministicShape, p.phase.durationMs, j);
  return p.phase.startMs + local;
}

/** Arrivals per phase, in phase order (for Poisson phases: the count the seed gives). */
export function phaseArrivalCounts(scenario: Scenario): number[] {
  return planOf(scenario).map((p) => p.count);
}

/** Arrivals per phase that go to the given sessions (e.g. one shard's): k with k mod sessions in the set. */
export function phaseArrivalCountsFor(scenario: Scenario, sessions: readonly number[]): number[] {
  const n = scenario.sessions;
  const congruent = (lo: number, hi: number, s: number) => Math.ceil((hi - s) / n) - Math.ceil((lo - s) / n);
  return planOf(scenario).map((p) => {
    let count = 0;
    for (const s of sessions) count += congruent(p.firstIndex, p.firstIndex + p.count, s);
    return count;
  });
}

export function totalArrivals(scenario: Scenario): number {
  const plan = planOf(scenario);
  const last = plan[plan.length - 1];
  return last ? last.firstIndex + last.count : 0;
}

/** Intended time (ms from run start) of global arrival k, 0-based. */
export function arrivalTime(scenario: Scenario, k: number): number {
  if (!Number.isInteger(k) || k < 0 || k >= totalArrivals(scenario)) {
    throw new RangeError(`arrival ${k} is outside 0..${totalArrivals(scenario) - 1}`);
  }
  const plan = planOf(scenario);
  let lo = 0;
  let hi = plan.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((plan[mid] as PhasePlan).firstIndex <= k) lo = mid;
    else hi = mid - 1;
  }
  // An empty phase shares its firstIndex with the next, so the last phase starting at or before k holds k.
  const p = plan[lo] as PhasePlan;
  return timeInPlan(p, k - p.firstIndex);
}

/**
 * Intended send times (ms from run start, ascending) of one session: global arrivals
 * sessionIndex, sessionIndex + sessionCount, ... Lazy, so long runs cost no memory.
 */
export function* createArrivals(
  scenario: Scenario,
  sessionIndex: number,
  sessionCount: number,
): Generator<number> {
  if (!Number.isInteger(sessionCount) || sessionCount < 1)
    throw new RangeError(`sessionCount ${sessionCount} < 1`);
  if (!Number.isInteger(sessionIndex) || sessionIndex < 0 || sessionIndex >= sessionCount) {
    throw new RangeError(`sessionIndex ${sessionIndex} is outside 0..${sessionCount - 1}`);
  }
  let k = sessionIndex;
  for (const p of planOf(scenario)) {
    const end = p.firstIndex + p.count;
    for (; k < end; k += sessionCount) yield timeInPlan(p, k - p.firstIndex);
  }
}
