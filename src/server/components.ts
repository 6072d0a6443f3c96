// The behaviour-deciding parts of the server, passed to startServer as one object.
// The correct server uses defaultComponents(); a test double or a deliberately
// faulty server replaces or wraps single parts, so the server itself never
// branches on faults.

import type { Episode } from '../protocol/messages.js';
import { type CloseHandler, closeStream } from './close-handler.js';
import type { CommitStep, InsertStep } from './index-pipeline.js';
import type { WriterWrapper } from './response-writer.js';
import { createSequencer, type Sequencer } from './sequencer.js';
import { HIGH_PRIORITY_IMPORTANCE } from './server-config.js';
import type { Session } from './session.js';

/**
 * A resume passed its checks (RES-2, RES-3): returns the session's position after
 * the resume, which becomes its last accepted sequence and the init ack's
 * initial_sequence (RES-4).
 */
export type ResumePosition = (session: Session, claimed: bigint) => bigint;

/** Whether an observation takes the high-priority lane: admitted to full capacity, indexed first (FLOW-9, IDX-7). */
export type PriorityRule = (episode: Episode) => boolean;

export interface ServerComponents {
  sequencer: Sequencer;
  isHighPriority: PriorityRule;
  wrapWriter: WriterWrapper;
  resumePosition: ResumePosition;
  commit: CommitStep;
  insert: InsertStep;
  close: CloseHandler;
}

export function defaultComponents(): ServerComponents {
  return {
    sequencer: createSequencer(),
    isHighPriority: (episode) => episode.importance >= HIGH_PRIORITY_IMPORTANCE,
    wrapWriter: (writer) => writer,
    resumePosition: (session) => session.lastAccepted,
    commit: (_batch, makeVisible) => makeVisible(),
    insert: (_batch, insertNow) => insertNow(),
    close: closeStream,
  };
}
