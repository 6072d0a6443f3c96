// The behaviour-deciding parts of the server, passed to startServer as one object.
// The correct server uses defaultComponents(); a test double or a deliberately
// faulty server replaces or wraps single parts, so the server itself never
// branches on faults.
import { type CloseHandler, closeStream } from './close-handler.js';
import type { CommitStep, InsertStep } from './index-pipeline.js';
import { createResponseWriter, type WriterFactory } from './response-writer.js';
import { createSequencer, type Sequencer } from './sequencer.js';
import type { Session } from './session.js';

/**
 * A resume passed its checks (RES-2, RES-3): returns the session's position after
 * the resume, which becomes its last accepted sequence and the init ack's
 * initial_sequence (RES-4).
 */
export type ResumePosition = (session: Session, claimed: bigint) => bigint;

export interface ServerComponents {
  sequencer: Sequencer;
  createWriter: WriterFactory;
  resumePosition: ResumePosition;
  commit: CommitStep;
  insert: InsertStep;
  close: CloseHandler;
}

export function defaultComponents(): ServerComponents {
  return {
    sequencer: createSequencer(),
    createWriter: createResponseWriter,
    resumePosition: (session) => session.lastAccepted,
    commit: (_batch, makeVisible) => makeVisible(),
    insert: (_batch, insertNow) => insertNow(),
    close: closeStream,
  };
}
