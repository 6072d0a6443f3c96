// The server's side of the two WebSocket dialects: a frame to an ObservationRequest
// (undecodable frames come back marked, as over gRPC: WIRE-8), a response to a frame,
// and the frame that says why a stream ends.
import { status } from '@grpc/grpc-js';
import {
  emptyStatus,
  type ObservationRequest,
  type ObservationResponse,
  StreamState,
} from '../../protocol/messages.js';
import {
  decodeObservationRequest,
  encodeObservationResponse,
  WireError,
} from '../../protocol/observation-codec.js';
import { JsonMessageError } from '../../protocol/ws/json-fields.js';
import { decodeJsonRequest, SequencedJsonError } from '../../protocol/ws/json-requests.js';
import { encodeJsonError, encodeJsonResponse } from '../../protocol/ws/json-responses.js';
import { JSON_SUBPROTOCOL, PROTO_SUBPROTOCOL, type WsDialect } from '../../protocol/ws/subprotocols.js';

export interface ServerDialect {
  readonly name: WsDialect;
  /** A frame as the request it carries, `malformed` set when it is not one. */
  decode(data: Buffer, isBinary: boolean): ObservationRequest;
  encode(response: ObservationResponse): string | Buffer;
  /** The frame sent before the socket closes with an error status. */
  failure(code: status, details: string, sessionId: string, sequence: bigint | undefined): string | Buffer;
}

function malformed(reason: string, sequenceNumber = 0n): ObservationRequest {
  return { memorySpaceId: '', sessionId: '', sequenceNumber, malformed: reason };
}

const jsonDialect: ServerDialect = {
  name: 'json',
  decode(data, isBinary) {
    if (isBinary) {
      return malformed(`a binary frame on the ${JSON_SUBPROTOCOL} dialect; send JSON text frames`);
    }
    try {
      return decodeJsonRequest(data.toString('utf8'));
    } catch (err) {
      if (err instanceof SequencedJsonError) return malformed(err.message, err.sequence);
      if (err instanceof JsonMessageError) return malformed(err.message);
      throw err;
    }
  },
  encode: encodeJsonResponse,
  failure: (code, details, sessionId, sequence) =>
    encodeJsonError({
      message: details,
      sessionId,
      code: status[code] ?? String(code),
      ...(sequence === undefined ? {} : { sequence }),
    }),
};

const protoDialect: ServerDialect = {
  name: 'proto',
  decode(data, isBinary) {
    if (!isBinary) {
      return malformed(`a text frame on the ${PROTO_SUBPROTOCOL} dialect; send binary protobuf frames`);
    }
    try {
      return decodeObservationRequest(data);
    } catch (err) {
      if (err instanceof WireError) return malformed(err.message);
      throw err;
    }
  },
  encode: encodeObservationResponse,
  failure: (_code, details, sessionId) =>
    encodeObservationResponse({
      result: { case: 'status', status: { ...emptyStatus(), state: StreamState.ERROR, message: details } },
      sessionId,
      sequenceNumber: 0n,
      serverTimestampMs: Date.now(),
    }),
};

export function serverDialect(name: WsDialect): ServerDialect {
  return name === 'json' ? jsonDialect : protoDialect;
}
