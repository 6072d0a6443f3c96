// What a case's stream needs from the case that opened it: the case's log and
// clock, the target, the answer timeout and the way to fail the case. An interface
// of its own, so the stream and the context that opens streams do not import each other.
import type * as grpc from '@grpc/grpc-js';
import type { RunClock } from '../protocol/run-clock.js';
import type { StreamClient } from '../protocol/stream-client.js';
import type { EventLog } from './event-log.js';

export interface StreamHost {
  readonly log: EventLog;
  readonly clock: RunClock;
  readonly env: { readonly streams: StreamClient; readonly metadata: grpc.Metadata };
  /** How long to wait for the answer to one message. */
  readonly answerMs: number;
  /** Ends the case now as a violation. */
  fail(expected: string, actual: string): never;
}
