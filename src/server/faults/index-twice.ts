// index-twice: a duplicate (an already accepted or old sequence) is accepted and
// indexed again instead of rejected; the session's position does not move back.
import type { Mutant } from './mutant.js';

export const indexTwice: Mutant = {
  description: 'a duplicate sequence is ACCEPTED and indexed a second time',
  apply: (c) => ({
    ...c,
    sequencer: {
      ...c.sequencer,
      check(session, seq) {
        const verdict = c.sequencer.check(session, seq);
        return verdict === 'duplicate' ? 'next' : verdict;
      },
      accepted(session, seq) {
        if (seq > session.lastAccepted) c.sequencer.accepted(session, seq);
      },
    },
  }),
};
