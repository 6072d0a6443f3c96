// drop-silently: every Nth outcome on a stream is never sent. The observation is
// still processed (accepted or rejected); only its ack vanishes, the silent drop the
// protocol exists to rule out.
import type { Mutant } from './mutant.js';
import { isOutcomeAck } from './mutant.js';

export const DROP_EVERY = 10;

export const dropSilently: Mutant = {
  description: `every ${DROP_EVERY}th observation on a stream gets no ack`,
  apply: (c) => ({
    ...c,
    wrapWriter(transportWriter) {
      const inner = c.wrapWriter(transportWriter);
      let outcomes = 0;
      return {
        ...inner,
        send(r) {
          if (isOutcomeAck(r) && ++outcomes % DROP_EVERY === 0) return;
          inner.send(r);
        },
      };
    },
  }),
};
