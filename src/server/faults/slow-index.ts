// slow-index: each indexed batch becomes visible (queue settled, INDEXED acks)
// only DELAY_MS after it is in the index, past the 100 ms staleness bound.
import type { Mutant } from './mutant.js';

export const SLOW_INDEX_DELAY_MS = 250;

export const slowIndex: Mutant = {
  description: `visibility is delayed by ${SLOW_INDEX_DELAY_MS} ms, past the 100 ms staleness bound`,
  apply: (c) => ({
    ...c,
    commit: (batch, makeVisible) => setTimeout(() => c.commit(batch, makeVisible), SLOW_INDEX_DELAY_MS),
  }),
};
