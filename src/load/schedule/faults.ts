// The fault schedule: each fault of the scenario with its time on the run's timeline and
// the sessions it affects. Both are functions of the scenario alone, so every shard and
// worker agrees on them.
import type { FaultEvent, Scenario } from '../scenario/scenario.js';
import { arrivalTime } from './arrivals.js';

export type ScheduledFault = FaultEvent & {
  /** ms from run start: the given time, or for `after: N` the intended time of the N-th observation. */
  atMs: number;
  /** Global session indices affected, ascending (see affectedSessions). */
  sessions: number[];
};

/**
 * ceil(share * sessionCount) sessions (at least one), consecutive from `offset` (wrapping):
 * consecutive indices fall evenly on the shards (session s runs in shard s mod N) and on the
 * memory spaces (s mod spaces), so every shard and space gets its part of the fault.
 */
export function affectedSessions(share: number, sessionCount: number, offset = 0): number[] {
  const n = Math.min(sessionCount, Math.max(1, Math.ceil(share * sessionCount - 1e-9)));
  return Array.from({ length: n }, (_, j) => (offset + j) % sessionCount).sort((a, b) => a - b);
}

/** Time of a fault; afterCount must be within the scenario's arrivals (the loader checks it). */
export function faultTime(scenario: Scenario, fault: FaultEvent): number {
  if (fault.atMs !== undefined) return fault.atMs;
  return arrivalTime(scenario, (fault.afterCount as number) - 1);
}

/**
 * All faults in time order (ties keep the scenario's order). Each fault starts its sessions
 * where the previous one (in the file) ended, so successive faults hit different sessions.
 */
export function resolveFaults(scenario: Scenario): ScheduledFault[] {
  let offset = 0;
  return scenario.faults
    .map((f) => {
      const sessions = affectedSessions(f.share, scenario.sessions, offset);
      offset += sessions.length;
      return { ...f, atMs: faultTime(scenario, f), sessions };
    })
    .sort((a, b) => a.atMs - b.atMs || a.index - b.index);
}
