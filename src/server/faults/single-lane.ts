// single-lane: importance is ignored, so every observation takes the normal lane:
// an important one is refused at 90% depth like any other (FLOW-9) and waits behind
// the backlog queued before it (IDX-7).
import type { Mutant } from './mutant.js';

export const singleLane: Mutant = {
  description: 'one queue lane: importance >= 0.8 is neither admitted above 90% nor indexed first',
  apply: (c) => ({ ...c, isHighPriority: () => false }),
};
