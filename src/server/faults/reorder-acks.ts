// reorder-acks: ACCEPTED acks leave in swapped pairs (2 before 1, 4 before 3). An
// ACCEPTED ack with no successor within HOLD_MS, or followed by any other
// response, goes out as it is: nothing is lost, only the order is wrong.
import type { ObservationResponse } from '../../protocol/messages.js';
import type { Mutant } from './mutant.js';
import { isAccepted } from './mutant.js';

const HOLD_MS = 20;

export const reorderAcks: Mutant = {
  description: 'ACCEPTED acks are sent in swapped pairs',
  apply: (c) => ({
    ...c,
    wrapWriter(transportWriter) {
      const inner = c.wrapWriter(transportWriter);
      let held: ObservationResponse | undefined;
      let timer: NodeJS.Timeout | undefined;
      const flush = (): void => {
        clearTimeout(timer);
        if (!held) return;
        const r = held;
        held = undefined;
        inner.send(r);
      };
      return {
        ...inner,
        send(r) {
          if (!isAccepted(r)) {
            flush();
            inner.send(r);
          } else if (held) {
            inner.send(r);
            flush();
          } else {
            held = r;
            timer = setTimeout(flush, HOLD_MS);
          }
        },
        end() {
          flush();
          inner.end();
        },
        fail(code, details) {
          flush();
          inner.fail(code, details);
        },
      };
    },
  }),
};
