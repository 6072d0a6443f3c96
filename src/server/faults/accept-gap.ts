// accept-gap: an observation ahead of the expected sequence is accepted as if it
// were next, so the session's accepted sequence skips the numbers in between.
import type { Mutant } from './mutant.js';

export const acceptGap: Mutant = {
  description: 'a sequence gap is ACCEPTED instead of rejected',
  apply: (c) => ({
    ...c,
    sequencer: {
      ...c.sequencer,
      check(session, seq) {
        const verdict = c.sequencer.check(session, seq);
        return verdict === 'gap' ? 'next' : verdict;
      },
    },
  }),
};
