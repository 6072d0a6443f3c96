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
  /** Ends the RPC with OK after everything sent so far. */
  end(): void;
  /** Ends the RPC with a status code and a message saying what was wrong. */
  fail(code: grpc.status, details: string): void;
  /** True once this side ended the RPC or the client cancelled it. */
  isEnded(): boolean;
}

export type WriterFactory = (call: ObserveCall) => ResponseWriter;

/**
 * Every response is written, never dropped. grpc-js buffers what the peer has not
 * read yet; so that a slow reader cannot grow that buffer without bound, the
 * stream stops reading requests (call.pause) while write() reports a full buffer
 * and reads again on 'drain'. Every request already read still gets its answer.
 */
export const createResponseWriter: WriterFactory = (call) => {
  let done = false;
  let ending = false;
  let paused = false;
  const resume = (): void => {
    paused = false;
    call.resume();
  };
  return {
    send(response) {
      if (done || call.cancelled) return;
      // While ending, read on: what is left to read is bounded by what the peer sent before the end.
      if (!call.write(response) && !paused && !ending) {
        paused = true;
        call.pause();
        call.once('drain', resume);
      }
    },
    end() {
      if (done || ending) return;
      ending = true;
      // Requests that arrived while reading was paused (a drained close behind a full write
      // buffer) must still get their answers (ACK-1, CLS-4): read them, then end. One turn of
      // the event loop lets the buffered ones and those in the transport's buffer through.
      if (paused) resume();
      setImmediate(() =>
        setImmediate(() => {
          if (done) return;
          done = true;
          call.end();
        }),
      );
    },
    fail(code, details) {
      if (done) return;
      done = true;
      call.emit('error', { code, details });
    },
    isEnded: () => done || call.cancelled,
  };
};
