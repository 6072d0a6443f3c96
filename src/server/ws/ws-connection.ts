// One WebSocket on /v1/stream: its frames, decoded by the dialect, drive one
// ObserveStream on the shared session registry; the socket closing is the stream going
// away (the session detaches and stays resumable, over either transport).
import { status } from '@grpc/grpc-js';
import type WebSocket from 'ws';
import { encodeJsonHeartbeat } from '../../protocol/ws/json-responses.js';
import type { WsDialect } from '../../protocol/ws/subprotocols.js';
import { ObserveStream } from '../observe-stream.js';
import type { TokenGrant } from '../security/auth-tokens.js';
import { grantAllows } from '../security/token-authorizer.js';
import type { ServerCore } from '../server-core.js';
import { serverDialect } from './server-dialects.js';
import { createWsResponseWriter } from './ws-response-writer.js';

/** The public server's heartbeat period on its JSON endpoint; its clients may expect one. */
const JSON_HEARTBEAT_MS = 30_000;

export function serveWsConnection(
  core: ServerCore,
  ws: WebSocket,
  dialectName: WsDialect,
  grant: TokenGrant | undefined,
): void {
  const dialect = serverDialect(dialectName);
  const writer = createWsResponseWriter(ws, dialect, () => observe.sessionId);
  // WebSocket has no half-close: a finished close ends the socket at once (WS-7).
  const observe = new ObserveStream(core, writer, false);
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    const request = dialect.decode(data, isBinary);
    const seq = request.sequenceNumber;
    const aboutObservation = request.operation?.case === 'observation' || (request.malformed && seq !== 0n);
    writer.currentSequence = aboutObservation ? seq : undefined;
    // As the gRPC interceptor does: any request naming a space the token does not grant ends the stream.
    if (grant && request.memorySpaceId !== '' && !grantAllows(grant, request.memorySpaceId)) {
      writer.fail(status.PERMISSION_DENIED, `this token may not use memory space "${request.memorySpaceId}"`);
    } else {
      observe.onRequest(request);
    }
    writer.currentSequence = undefined;
  });
  // An oversize frame (maxPayload) or a protocol error: ws closes the socket itself (1009, 1002).
  ws.on('error', () => {});
  let heartbeat: NodeJS.Timeout | undefined;
  if (dialectName === 'json') {
    heartbeat = setInterval(() => {
      if (observe.sessionId && !writer.isEnded()) ws.send(encodeJsonHeartbeat(observe.sessionId));
    }, JSON_HEARTBEAT_MS);
    heartbeat.unref();
  }
  ws.on('close', () => {
    clearInterval(heartbeat);
    observe.onHalfClose();
    observe.onGone();
  });
}
