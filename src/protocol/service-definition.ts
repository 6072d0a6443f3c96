// The EngramService definition shared by server and clients. ObserveStream uses the
// hand-written codec; RecallStream, health and reflection use proto-loader.
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ObservationRequest, ObservationResponse } from './messages.js';
import {
  decodeObservationRequest,
  decodeObservationResponse,
  encodeObservationRequest,
  encodeObservationResponse,
  WireError,
} from './observation-codec.js';

/** proto/ lives two levels above both src/protocol and dist/protocol. */
export const PROTO_DIR = fileURLToPath(new URL('../../proto', import.meta.url));
export const SERVICE_PROTO = 'engram/v1/service.proto';
export const SERVICE_NAME = 'engram.v1.EngramService';
export const OBSERVE_STREAM_PATH = `/${SERVICE_NAME}/ObserveStream`;
export const RECALL_STREAM_PATH = `/${SERVICE_NAME}/RecallStream`;

export const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: String,
  enums: Number,
  defaults: true,
  arrays: true,
  oneofs: true,
  includeDirs: [PROTO_DIR],
};

let cached: protoLoader.PackageDefinition | undefined;

export function loadPackageDefinition(): protoLoader.PackageDefinition {
  cached ??= protoLoader.loadSync(SERVICE_PROTO, LOADER_OPTIONS);
  return cached;
}

/**
 * ObserveStream's request serializer also takes a Buffer: a frame the caller
 * encoded itself (encodeObservationFrame) is written as it is.
 */
export type ObservationWrite = ObservationRequest | Buffer;

function serializeRequest(value: ObservationWrite): Buffer {
  return Buffer.isBuffer(value) ? value : encodeObservationRequest(value);
}

/**
 * A frame that does not decode still reaches the handler, marked, so the server can end
 * the stream with INVALID_ARGUMENT and a reason; a throwing deserializer makes grpc-js end
 * it with INTERNAL, which wrongly says the server is at fault.
 */
function decodeOrMark(buf: Buffer): ObservationRequest {
  try {
    return decodeObservationRequest(buf);
  } catch (err) {
    if (!(err instanceof WireError)) throw err;
    return { memorySpaceId: '', sessionId: '', sequenceNumber: 0n, malformed: err.message };
  }
}

export function engramServiceDefinition(): grpc.ServiceDefinition {
  const loaded = loadPackageDefinition()[SERVICE_NAME] as grpc.ServiceDefinition;
  const recall = loaded.RecallStream;
  if (!recall) throw new Error(`${SERVICE_PROTO} has no RecallStream`);
  return {
    ObserveStream: {
      path: OBSERVE_STREAM_PATH,
      requestStream: true,
      responseStream: true,
      requestSerialize: serializeRequest,
      requestDeserialize: decodeOrMark,
      responseSerialize: (value: ObservationResponse) => encodeObservationResponse(value),
      responseDeserialize: (buf: Buffer) => decodeObservationResponse(buf),
      originalName: 'observeStream',
    },
    RecallStream: recall,
  };
}

export interface EngramClient extends grpc.Client {
  ObserveStream(
    metadata?: grpc.Metadata,
    options?: grpc.CallOptions,
  ): grpc.ClientDuplexStream<ObservationWrite, ObservationResponse>;
  RecallStream(
    request: unknown,
    metadata?: grpc.Metadata,
    options?: grpc.CallOptions,
  ): grpc.ClientReadableStream<unknown>;
}

export function makeEngramClient(
  target: string,
  credentials: grpc.ChannelCredentials = grpc.credentials.createInsecure(),
  options: grpc.ChannelOptions = {},
): EngramClient {
  const Ctor = grpc.makeGenericClientConstructor(engramServiceDefinition(), 'EngramService');
  return new Ctor(target, credentials, options) as unknown as EngramClient;
}
