// GET /v1/stream: the WebSocket endpoint. Before the upgrade: the token (Authorization
// header, or a base64url.bearer.<token> subprotocol for browsers) and the dialect
// (Sec-WebSocket-Protocol); a refusal is an HTTP error, so no session ever exists for a
// refused client. After it: one ObserveStream per socket, on the shared session registry.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import {
  dialectOfSubprotocol,
  JSON_SUBPROTOCOL,
  PROTO_SUBPROTOCOL,
  TOKEN_SUBPROTOCOL_PREFIX,
  tokenOfSubprotocol,
  type WsDialect,
} from '../../protocol/ws/subprotocols.js';
import { refuseUpgrade, type UpgradeHandler } from '../http/http-listener.js';
import { memorySpaceOfRequest } from '../http/request-space.js';
import type { TokenGrant } from '../security/auth-tokens.js';
import { type Authentication, grantAllows, type TokenAuthorizer } from '../security/token-authorizer.js';
import type { ServerCore } from '../server-core.js';
import { SHUTTING_DOWN } from '../server-core.js';
import { serveWsConnection } from './ws-connection.js';

export interface WsEndpoint {
  upgrade: UpgradeHandler;
  /** Closes every socket still open (after their streams were told to end). */
  terminate(): void;
  readonly openSockets: number;
}

/** What the upgrade request asked for, once it passed every check. */
interface Admission {
  dialect: WsDialect;
  /** The subprotocol to echo; none for a client of the public server that offered none. */
  protocol: string | undefined;
  /** With --auth-tokens: what the client's token grants. */
  grant: TokenGrant | undefined;
}

type Check = { ok: true; admission: Admission } | { ok: false; code: number; message: string };

const UNAUTHENTICATED: Record<Exclude<Authentication, { ok: true }>['reason'], string> = {
  missing: `missing bearer token: send "Authorization: Bearer <token>" or the subprotocol ${TOKEN_SUBPROTOCOL_PREFIX}<base64url token>`,
  malformed: 'the Authorization header is not of the form "Bearer <token>"',
  unknown: 'unknown bearer token',
};

export function wsEndpoint(core: ServerCore, authorizer: TokenAuthorizer | undefined): WsEndpoint {
  const admissions = new WeakMap<IncomingMessage, Admission>();
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: core.config.maxMessageBytes,
    perMessageDeflate: false,
    handleProtocols: (_offered, req) => admissions.get(req)?.protocol ?? false,
  });
  const check = (req: IncomingMessage, url: URL): Check => {
    if (core.shuttingDown) return { ok: false, code: 503, message: SHUTTING_DOWN };
    const offered = (req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== '');
    let grant: TokenGrant | undefined;
    if (authorizer) {
      const auth = authorize(authorizer, req, url, offered);
      if (!auth.ok) return auth;
      grant = auth.grant;
    }
    const others = offered.filter((p) => tokenOfSubprotocol(p) === undefined);
    const protocol = others.find((p) => dialectOfSubprotocol(p) !== undefined);
    if (protocol === undefined && offered.length > 0) {
      return {
        ok: false,
        code: 400,
        message: `no dialect among the offered subprotocols; offer ${PROTO_SUBPROTOCOL} or ${JSON_SUBPROTOCOL}${others.length < offered.length ? ' beside the token' : ''}`,
      };
    }
    const dialect = protocol === undefined ? 'json' : (dialectOfSubprotocol(protocol) as WsDialect);
    return { ok: true, admission: { dialect, protocol, grant } };
  };
  return {
    upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL) {
      const verdict = check(req, url);
      if (!verdict.ok) {
        refuseUpgrade(
          socket,
          verdict.code,
          verdict.message,
          verdict.code === 401 ? { 'WWW-Authenticate': 'Bearer' } : {},
        );
        return;
      }
      admissions.set(req, verdict.admission);
      wss.handleUpgrade(req, socket, head, (ws) =>
        serveWsConnection(core, ws, verdict.admission.dialect, verdict.admission.grant),
      );
    },
    terminate() {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
    get openSockets() {
      return wss.clients.size;
    },
  };
}

/** The token of the request: the Authorization header, else a token subprotocol. */
function authenticate(
  authorizer: TokenAuthorizer,
  req: IncomingMessage,
  offered: readonly string[],
): Authentication {
  const header = req.headers.authorization;
  if (header !== undefined) return authorizer.authenticateHeader([header]);
  const token = offered.map(tokenOfSubprotocol).find((t) => t !== undefined);
  if (token === undefined) return { ok: false, reason: 'missing' };
  if (token === '') return { ok: false, reason: 'malformed' };
  return authorizer.authenticateToken(token);
}

/** 401 without a known token; 403 when the request already names a space the token does not grant. */
function authorize(
  authorizer: TokenAuthorizer,
  req: IncomingMessage,
  url: URL,
  offered: readonly string[],
): { ok: true; grant: TokenGrant } | { ok: false; code: number; message: string } {
  const auth = authenticate(authorizer, req, offered);
  if (!auth.ok) return { ok: false, code: 401, message: UNAUTHENTICATED[auth.reason] };
  const space = memorySpaceOfRequest(req, url);
  if (space !== '' && !grantAllows(auth.grant, space)) {
    return { ok: false, code: 403, message: `this token may not use memory space "${space}"` };
  }
  return auth;
}
