// A network fault while it is on: which fault, on which routes, and its seed.
import type { Direction, NetworkFault } from './network-fault.js';
import { appliesDown, appliesUp } from './network-fault.js';

export interface ActiveFault {
  /** Names the fault in decisions and the timeline, e.g. its index in the scenario. */
  id: number;
  fault: NetworkFault;
  routes: ReadonlySet<number>;
  seed: number;
}

/** A random choice the proxy made for a fault: the record that makes a run reproducible. */
export interface FaultDecision {
  fault: number;
  route: number;
  connection: number;
  /** e.g. 'up delay', 'down cut'. */
  what: string;
  value: number;
}

export function faultDirections(fault: NetworkFault): { up: boolean; down: boolean } {
  const direction: Direction = 'direction' in fault ? fault.direction : 'both';
  return { up: appliesUp(direction), down: appliesDown(direction) };
}
