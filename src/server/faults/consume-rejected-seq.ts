// consume-rejected-seq (the public server's behaviour): an observation rejected at
// the expected sequence (invalid, overloaded, space full, closing) still uses up its
// number, so the client's retry of it is called a duplicate.
import type { Mutant } from './mutant.js';

export const consumeRejectedSeq: Mutant = {
  description: 'a rejected observation at the expected sequence consumes its number',
  apply: (c) => ({
    ...c,
    sequencer: {
      ...c.sequencer,
      rejected(session, seq, reason) {
        c.sequencer.rejected(session, seq, reason);
        if (seq === session.expected) session.lastAccepted = seq;
      },
    },
  }),
};
