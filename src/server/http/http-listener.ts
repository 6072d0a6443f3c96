// The HTTP listener of `serve --http-port`: one port, a table of routes (plain requests
// and WebSocket upgrades by method and path), plaintext or TLS. A feature adds a route;
// nothing else here changes.
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { UserError } from '../../util/user-error.js';
import type { TlsPair } from '../security/tls-credentials.js';

export type HttpHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => void | Promise<void>;
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer, url: URL) => void;

export class HttpRoutes {
  private readonly plain = new Map<string, Map<string, HttpHandler>>();
  private readonly upgrades = new Map<string, UpgradeHandler>();

  get(path: string, handler: HttpHandler): this {
    return this.on('GET', path, handler);
  }

  on(method: string, path: string, handler: HttpHandler): this {
    const byMethod = this.plain.get(path) ?? new Map<string, HttpHandler>();
    byMethod.set(method, handler);
    this.plain.set(path, byMethod);
    return this;
  }

  /** A WebSocket (or other Upgrade) endpoint; a plain GET of the same path is answered 426. */
  upgrade(path: string, handler: UpgradeHandler): this {
    this.upgrades.set(path, handler);
    if (!this.plain.get(path)?.has('GET')) {
      this.get(path, (_req, res) =>
        sendText(res, 426, `${path} is a WebSocket endpoint; connect with a WebSocket client\n`, {
          upgrade: 'websocket',
        }),
      );
    }
    return this;
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    const url = requestUrl(req);
    const byMethod = this.plain.get(url.pathname);
    if (!byMethod) {
      sendText(res, 404, `no ${url.pathname} here; served: ${[...this.plain.keys()].sort().join(', ')}\n`);
      return;
    }
    const handler =
      byMethod.get(req.method ?? '') ?? (req.method === 'HEAD' ? byMethod.get('GET') : undefined);
    if (!handler) {
      sendText(res, 405, `${req.method} is not served on ${url.pathname}\n`, {
        allow: [...byMethod.keys()].join(', '),
      });
      return;
    }
    Promise.resolve()
      .then(() => handler(req, res, url))
      .catch((err: Error) => {
        if (!res.headersSent) sendText(res, 500, `${err.message}\n`);
        else res.destroy(err);
      });
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = requestUrl(req);
    const handler = this.upgrades.get(url.pathname);
    if (!handler) {
      refuseUpgrade(
        socket,
        404,
        `no WebSocket endpoint at ${url.pathname}; use ${[...this.upgrades.keys()].join(', ')}`,
      );
      return;
    }
    handler(req, socket, head, url);
  }
}

function requestUrl(req: IncomingMessage): URL {
  // The host is irrelevant to routing; a fixed base keeps a hostile Host header out of it.
  return new URL(req.url ?? '/', 'http://listener');
}

export function sendText(
  res: ServerResponse,
  code: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(code, { 'content-type': 'text/plain; charset=utf-8', ...headers }).end(text);
}

export function sendJson(
  res: ServerResponse,
  code: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(code, { 'content-type': 'application/json', ...headers }).end(body);
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  503: 'Service Unavailable',
};

/** Answers an upgrade request with a plain HTTP error, before any WebSocket exists. */
export function refuseUpgrade(
  socket: Duplex,
  code: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  const body = `${message}\n`;
  const lines = [
    `HTTP/1.1 ${code} ${REASONS[code] ?? 'Error'}`,
    'Content-Type: text/plain; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
}

/** A recall query carries its embedding in the URL: 768 floats as JSON take about 16 KiB. */
const MAX_HEADER_BYTES = 256 * 1024;

export interface HttpListener {
  port: number;
  close(): Promise<void>;
}

export async function startHttpListener(
  routes: HttpRoutes,
  host: string,
  port: number,
  tls: TlsPair | undefined,
): Promise<HttpListener> {
  const options = { maxHeaderSize: MAX_HEADER_BYTES };
  const server: Server = tls
    ? createHttpsServer({ ...options, cert: tls.cert, key: tls.key }, (req, res) => routes.handle(req, res))
    : createHttpServer(options, (req, res) => routes.handle(req, res));
  server.on('upgrade', (req, socket, head) => {
    // A peer that resets mid-handshake must not take the process down.
    socket.on('error', () => {});
    routes.handleUpgrade(req, socket, head);
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) =>
      reject(new UserError(`cannot serve HTTP on ${host}:${port}: ${err.message}; pick another --http-port`)),
    );
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
