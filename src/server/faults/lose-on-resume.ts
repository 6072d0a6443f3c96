// lose-on-resume: a resume reports one more sequence than was accepted, so the
// client skips a number the server never received: that observation is lost.
import type { Mutant } from './mutant.js';

export const loseOnResume: Mutant = {
  description: 'a resume reports initial_sequence one above the last accepted sequence',
  apply: (c) => ({
    ...c,
    resumePosition: (session, claimed) => c.resumePosition(session, claimed) + 1n,
  }),
};
