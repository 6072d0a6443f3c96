// The one explanation of a flood that decided nothing, shared by the flow cases.
import { STALL_MATTERS_MS, testerStalled } from '../tester-stall.js';
import type { FloodResult } from './flood.js';

/** Why a flood that ended without OVERLOADED decides nothing, with what it offered. */
export function noOverload(result: FloodResult): string {
  const full = result.lanes.find((l) => l.spaceFull);
  if (full)
    return (
      `the flood never reached OVERLOADED: a memory space said SPACE_FULL after ${full.lastAccepted} ` +
      "observations, before the queue filled (give conform the target's --max-elements so the flood stays under it); " +
      result.offered
    );
  if (result.stallMs >= STALL_MATTERS_MS)
    return `the flood never reached OVERLOADED: ${testerStalled(result.stallMs)} while offering; ${result.offered}`;
  return (
    'the flood never reached OVERLOADED (the target indexed as fast as this tester could offer, ' +
    `or its queue is larger than the flood): ${result.offered}`
  );
}
