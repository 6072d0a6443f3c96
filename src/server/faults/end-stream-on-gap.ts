// end-stream-on-gap (the public server's behaviour): a sequence gap ends the whole
// RPC with INVALID_ARGUMENT instead of an in-band SEQUENCE_GAP rejection.
import { status } from '@grpc/grpc-js';
import { RejectReason } from '../../protocol/messages.js';
import type { Mutant } from './mutant.js';

export const endStreamOnGap: Mutant = {
  description: 'a sequence gap ends the stream with INVALID_ARGUMENT',
  apply: (c) => ({
    ...c,
    wrapWriter(transportWriter) {
      const inner = c.wrapWriter(transportWriter);
      return {
        ...inner,
        send(r) {
          const ack = r.result?.case === 'ack' ? r.result.ack : undefined;
          if (ack?.reason === RejectReason.SEQUENCE_GAP) {
            inner.fail(
              status.INVALID_ARGUMENT,
              `sequence gap: got ${r.sequenceNumber}, expected ${ack.expectedSequence}`,
            );
          } else {
            inner.send(r);
          }
        },
      };
    },
  }),
};
