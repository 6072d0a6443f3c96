// The per-stream writer of ObservationResponses: the one place responses leave a stream,
// and the one place a stream's RPC is finished.
import type * as grpc from '@grpc/grpc-js';
import type { ObservationRequest, ObservationResponse } from '../protocol/messages.js';

export type ObserveCall = grpc.ServerDuplexStream<ObservationRequest, ObservationResponse>;

/**
 * A plain object of functions (not a class), so a component can wrap it with
 * `{ ...inner, send(r) { ... } }`.
 */
export interface ResponseWriter {
  send(response: ObservationResponse): void;
  /**
   * Ends the RPC with OK after everything sent so far. Called once the client half-closed, so
   * every request it sent has been read and answered (or, after close, once the linger ran out).
   */
  end(): void;
  /** Ends the RPC with a status code and a message saying what was wrong. */
  fail(code: grpc.status, details: string): void;
  /** True once this side ended the RPC or the client cancelled it. */
  isEnded(): boolean;
}

/**
 * Wraps the writer a transport made for a stream; the correct server leaves it as it is,
 * a mutant changes what leaves (the same way over every transport).
 */
export type WriterWrapper = (transportWriter: ResponseWriter) => ResponseWriter;

/**
 * Every response is written, never dropped. grpc-js buffers what the peer has not
 * read yet; so that a slow reader cannot grow that buffer without bound, the
 * stream stops reading requests (call.pause) while write() reports a full buffer
 * and reads again on 'drain'. Every request already read still gets its answer.
 */
export function createResponseWriter(call: ObserveCall): ResponseWriter {
  let done = false;
  let paused = false;
  return {
    send(response) {
      if (done || call.cancelled) return;
      if (!call.write(response) && !paused) {
        paused = true;
        call.pause();
        call.once('drain', () => {
          paused = false;
          call.resume();
        });
      }
    },
    end() {
      if (done) return;
      done = true;
      call.end();
    },
    fail(code, details) {
      if (done) return;
      done = true;
      call.emit('error', { code, details });
    },
    isEnded: () => done || call.cancelled,
  };
}
