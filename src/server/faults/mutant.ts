// A mutant server breaks exactly one promise of the protocol by transforming the
// correct server's components (server/components.ts): the correct server never
// branches on faults. `serve --fault NAME` and the conformance mutant test use them.
import { AckStatus, type ObservationResponse } from '../../protocol/messages.js';
import type { ServerComponents } from '../components.js';

export interface Mutant {
  /** The promise it breaks, for --help and the conformance matrix. */
  description: string;
  apply(components: ServerComponents): ServerComponents;
}

/** An ACCEPTED or REJECTED ack: the one outcome an observation gets. */
export function isOutcomeAck(r: ObservationResponse): boolean {
  return (
    r.result?.case === 'ack' &&
    (r.result.ack.status === AckStatus.ACCEPTED || r.result.ack.status === AckStatus.REJECTED)
  );
}

export function isAccepted(r: ObservationResponse): boolean {
  return r.result?.case === 'ack' && r.result.ack.status === AckStatus.ACCEPTED;
}
