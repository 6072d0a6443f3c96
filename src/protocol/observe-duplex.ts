// The client's side of one ObserveStream, whatever carries it: a gRPC call or a
// WebSocket in either dialect. RecordedStream records through this, so history,
// checker and reports are the same over every transport.
import type * as grpc from '@grpc/grpc-js';
import type { Episode, ObservationRequest, ObservationResponse } from './messages.js';
import { encodeEpisode, encodeObservationFrame } from './observation-codec.js';

/** An episode encoded once (encodeEpisode) and sent many times under new sequences. */
export interface PreEncodedEpisode {
  id: string;
  bytes: Uint8Array;
}

/** How a stream ended, in gRPC status terms over every transport. */
export interface DuplexEnd {
  code: number;
  details: string;
}

export interface ObserveDuplex {
  /** For the history's stream-open event: 'grpc', or 'ws:' and the dialects offered. */
  readonly transport: string;
  /** A request, or (over gRPC and WebSocket proto) a frame the caller encoded itself. */
  write(message: ObservationRequest | Buffer): boolean;
  writeObservation(
    memorySpaceId: string,
    sessionId: string,
    seq: bigint,
    episode: Episode | PreEncodedEpisode,
  ): boolean;
  /** Ends this side: a gRPC half-close, a WebSocket close handshake. */
  end(): void;
  /** Cuts the stream at once, as a disconnect would. */
  cancel(): void;
  onResponse(listener: (r: ObservationResponse) => void): void;
  /** Called once, when the stream has ended for any reason. */
  onEnd(listener: (end: DuplexEnd) => void): void;
  once(event: 'drain', listener: () => void): void;
  off(event: 'drain', listener: () => void): void;
}

export function episodeBytes(episode: Episode | PreEncodedEpisode): Uint8Array {
  return 'bytes' in episode ? episode.bytes : encodeEpisode(episode);
}

/** An ObserveStream gRPC call as an ObserveDuplex. */
export function grpcDuplex(
  call: grpc.ClientDuplexStream<ObservationRequest | Buffer, ObservationResponse>,
): ObserveDuplex {
  // Errors also arrive as 'status'; the listener keeps them from being thrown.
  call.on('error', () => {});
  return {
    transport: 'grpc',
    write: (message) => call.write(message),
    writeObservation: (space, session, seq, episode) =>
      call.write(encodeObservationFrame(space, session, seq, episodeBytes(episode))),
    end: () => call.end(),
    cancel: () => call.cancel(),
    onResponse: (listener) => call.on('data', listener),
    onEnd: (listener) =>
      call.on('status', (s: grpc.StatusObject) => listener({ code: s.code, details: s.details })),
    once: (event, listener) => call.once(event, listener),
    off: (event, listener) => call.off(event, listener),
  };
}
