// The WebSocket endpoint's path and the subprotocols (Sec-WebSocket-Protocol values)
// that pick a dialect or carry a bearer token, shared by server and clients.

export const WS_STREAM_PATH = '/v1/stream';

export type WsDialect = 'json' | 'proto';

/** JSON text frames, a superset of the public Engram server's messages. */
export const JSON_SUBPROTOCOL = 'engram.v1.json';
/** Binary frames, each one protobuf ObservationRequest or ObservationResponse. */
export const PROTO_SUBPROTOCOL = 'engram.v1.proto';

const DIALECT_SUBPROTOCOL: Record<WsDialect, string> = {
  json: JSON_SUBPROTOCOL,
  proto: PROTO_SUBPROTOCOL,
};

/**
 * Browsers cannot set headers on a WebSocket, so a token may ride in the subprotocol
 * list as `base64url.bearer.<token>` (the form Kubernetes uses); the server never
 * selects it, so it is not echoed back.
 */
export const TOKEN_SUBPROTOCOL_PREFIX = 'base64url.bearer.';

export function dialectSubprotocol(dialect: WsDialect): string {
  return DIALECT_SUBPROTOCOL[dialect];
}

export function dialectOfSubprotocol(protocol: string): WsDialect | undefined {
  if (protocol === JSON_SUBPROTOCOL) return 'json';
  if (protocol === PROTO_SUBPROTOCOL) return 'proto';
  return undefined;
}

export function tokenSubprotocol(token: string): string {
  return `${TOKEN_SUBPROTOCOL_PREFIX}${Buffer.from(token, 'utf8').toString('base64url')}`;
}

/** The token of a `base64url.bearer.<token>` subprotocol, or undefined when it is not one. */
export function tokenOfSubprotocol(protocol: string): string | undefined {
  if (!protocol.startsWith(TOKEN_SUBPROTOCOL_PREFIX)) return undefined;
  const encoded = protocol.slice(TOKEN_SUBPROTOCOL_PREFIX.length);
  if (!/^[A-Za-z0-9_-]+$/.test(encoded)) return '';
  return Buffer.from(encoded, 'base64url').toString('utf8');
}

/**
 * The subprotocols a client offers: the dialects in order of preference, then the
 * token if there is one.
 */
export function offeredSubprotocols(dialects: readonly WsDialect[], token?: string): string[] {
  const offered = dialects.map(dialectSubprotocol);
  if (token !== undefined) offered.push(tokenSubprotocol(token));
  return offered;
}
