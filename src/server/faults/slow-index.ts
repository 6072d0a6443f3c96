// slow-index: each batch goes into the index DELAY_MS late, so recall finds it
// and its INDEXED ack goes out only then, past the 100 ms staleness bound.
import type { Mutant } from './mutant.js';

export const SLOW_INDEX_DELAY_MS = 250;

export const slowIndex: Mutant = {
  description: `indexing is delayed by ${SLOW_INDEX_DELAY_MS} ms, past the 100 ms staleness bound`,
  apply: (c) => ({
    ...c,
    insert: (batch, insertNow) => setTimeout(() => c.insert(batch, insertNow), SLOW_INDEX_DELAY_MS),
  }),
};
