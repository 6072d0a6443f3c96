// The ResponseWriter of a WebSocket stream. Every response is written, never dropped.
// WebSocket has no flow control of its own: while more than HIGH_WATER_BYTES wait to
// reach a peer that does not read its answers, the socket stops being read (as the
// gRPC writer pauses its call), and reads again once the backlog has been written.
import type { status } from '@grpc/grpc-js';
import WebSocket from 'ws';
import { closeCodeOf, closeReason } from '../../protocol/ws/close-codes.js';
import type { ResponseWriter } from '../response-writer.js';
import type { ServerDialect } from './server-dialects.js';

const HIGH_WATER_BYTES = 1024 * 1024;

export interface WsResponseWriter extends ResponseWriter {
  /** The sequence of the request being handled: an error caused by it names it. */
  currentSequence: bigint | undefined;
}

export function createWsResponseWriter(
  ws: WebSocket,
  dialect: ServerDialect,
  sessionId: () => string,
): WsResponseWriter {
  let done = false;
  let ending = false;
  let paused = false;
  const open = (): boolean => ws.readyState === WebSocket.OPEN;
  const resume = (): void => {
    paused = false;
    ws.resume();
  };
  // Runs once the frame it was passed with was written to the socket: everything before it is too.
  const resumeWhenWritten = (): void => {
    if (paused && !done && ws.bufferedAmount < HIGH_WATER_BYTES / 2) resume();
  };
  const writer: WsResponseWriter = {
    currentSequence: undefined,
    send(response) {
      if (done || !open()) return;
      const frame = dialect.encode(response);
      if (!paused && !ending && ws.bufferedAmount > HIGH_WATER_BYTES) {
        paused = true;
        ws.pause();
      }
      ws.send(frame, paused ? resumeWhenWritten : undefined);
    },
    end() {
      if (done || ending) return;
      ending = true;
      // As over gRPC: requests that arrived while reading was paused still get their answers.
      if (paused) resume();
      setImmediate(() =>
        setImmediate(() => {
          if (done) return;
          done = true;
          if (open()) ws.close(1000);
        }),
      );
    },
    fail(code: status, details: string) {
      if (done) return;
      done = true;
      if (!open()) return;
      ws.send(dialect.failure(code, details, sessionId(), writer.currentSequence));
      ws.close(closeCodeOf(code), closeReason(details));
    },
    isEnded: () => done || !open(),
  };
  return writer;
}
