// A WebSocket target as a StreamClient: every ObserveStream a socket on /v1/stream,
// every recall over gRPC when a recall target was named, else HTTP recall on the
// same host and port. Call metadata (authorization, --header) becomes upgrade and
// request headers.
import type * as grpc from '@grpc/grpc-js';
import type { EngramClient } from '../service-definition.js';
import { grpcRecall, type StreamClient } from '../stream-client.js';
import { httpRecall } from './http-recall.js';
import type { WsDialect } from './subprotocols.js';
import { WsDuplex } from './ws-duplex.js';

export interface WsTarget {
  /** ws://HOST:PORT/v1/stream or wss://... */
  url: string;
  /** Offered in this order. */
  dialects: readonly WsDialect[];
  /** PEM CA to trust for wss:// (--tls-ca); the system roots otherwise. */
  ca?: Buffer;
  maxPayload?: number;
}

function headersOf(metadata: grpc.Metadata | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata?.getMap() ?? {})) headers[key] = String(value);
  return headers;
}

export function wsStreamClient(target: WsTarget, recallClient?: EngramClient): StreamClient {
  const origin = new URL(target.url);
  origin.protocol = origin.protocol === 'wss:' ? 'https:' : 'http:';
  return {
    info: { transport: 'ws', dialect: target.dialects[0] ?? 'proto' },
    openObserve: (metadata) =>
      new WsDuplex({
        url: target.url,
        dialects: target.dialects,
        headers: headersOf(metadata),
        ...(target.ca ? { ca: target.ca } : {}),
        ...(target.maxPayload ? { maxPayload: target.maxPayload } : {}),
      }),
    recall: (c) =>
      recallClient
        ? grpcRecall(recallClient, c)
        : httpRecall(
            {
              origin: origin.origin,
              headers: headersOf(c.metadata),
              ...(target.ca ? { ca: target.ca } : {}),
            },
            c,
          ),
    close: () => recallClient?.close(),
  };
}
