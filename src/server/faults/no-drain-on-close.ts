// no-drain-on-close: a close with drain_queue ends at once, without waiting for the
// accepted observations to become visible and without the final INDEXED ack.
import type { Mutant } from './mutant.js';

export const noDrainOnClose: Mutant = {
  description: 'close with drain_queue ends at once, without waiting for indexing or the final INDEXED ack',
  apply: (c) => ({
    ...c,
    close: (steps) => c.close({ ...steps, drain: false }),
  }),
};
