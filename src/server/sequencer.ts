// Decides each observation's fate by its sequence number (SEQ-1..SEQ-5).
import type { RejectReason } from '../protocol/messages.js';
import type { Session } from './session.js';

export type SequenceVerdict = 'next' | 'gap' | 'duplicate';

export interface Sequencer {
  check(session: Session, seq: bigint): SequenceVerdict;
  /** The observation was accepted: it is now the session's last accepted sequence. */
  accepted(session: Session, seq: bigint): void;
  /** The observation was rejected for `reason`. */
  rejected(session: Session, seq: bigint, reason: RejectReason): void;
}

export function createSequencer(): Sequencer {
  return {
    check(session, seq) {
      const expected = session.expected;
      if (seq === expected) return 'next';
      return seq > expected ? 'gap' : 'duplicate';
    },
    accepted(session, seq) {
      session.lastAccepted = seq;
    },
    // SEQ-5: a rejection consumes nothing; the client retries the same number.
    rejected() {},
  };
}
