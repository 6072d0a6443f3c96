// Test harness for the WebSocket endpoint: a raw `ws` client that sends JSON text (as a
// client of the public server would) and keeps every frame and the close, and
// RecordedStreams over WsDuplex for the proto and JSON dialects.
import WebSocket from 'ws';
import { RecordedStream } from '../../src/protocol/recorded-stream.js';
import type { WsDialect } from '../../src/protocol/ws/subprotocols.js';
import { WsDuplex } from '../../src/protocol/ws/ws-duplex.js';
import type { StreamOpener, TestServer } from './harness.js';

export function wsUrl(t: TestServer): string {
  return `ws://${t.server.httpAddress}/v1/stream`;
}

export function httpUrl(t: TestServer, path: string): string {
  return `http://${t.server.httpAddress}${path}`;
}

export interface Closed {
  code: number;
  reason: string;
}

/** A raw socket with every text frame kept as it arrived (raw) and parsed. */
export class RawSocket {
  readonly ws: WebSocket;
  readonly raw: string[] = [];
  readonly binary: Buffer[] = [];
  closed: Closed | undefined;
  refused: { status: number; body: string } | undefined;
  private waiters: Array<() => void> = [];
  readonly opened: Promise<void>;

  constructor(url: string, protocols: string[] = [], headers: Record<string, string> = {}) {
    this.ws = new WebSocket(url, protocols, { headers, perMessageDeflate: false });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('close', () => reject(new Error('closed before open')));
    });
    this.opened.catch(() => {});
    this.ws.on('message', (data: Buffer, isBinary) => {
      if (isBinary) this.binary.push(data);
      else this.raw.push(data.toString('utf8'));
      this.wake();
    });
    this.ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c.toString('utf8');
      });
      res.on('end', () => {
        this.refused = { status: res.statusCode ?? 0, body };
        this.wake();
      });
    });
    this.ws.on('error', () => {});
    this.ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString('utf8') };
      this.wake();
    });
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  get messages(): Array<Record<string, unknown>> {
    return this.raw.map((r) => JSON.parse(r) as Record<string, unknown>);
  }

  ofType(type: string): Array<Record<string, unknown>> {
    return this.messages.filter((m) => m.type === type);
  }

  send(message: Record<string, unknown> | string): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  async until(ready: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!ready()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; got ${this.raw.join('\n')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  untilClosed(): Promise<void> {
    return this.until(() => this.closed !== undefined || this.refused !== undefined, 'the close');
  }

  /** Inits a session over JSON and waits for init_ack; returns the session id. */
  async init(fields: Record<string, unknown>): Promise<string> {
    await this.opened;
    this.send({ type: 'init', ...fields });
    await this.until(() => this.ofType('init_ack').length > 0 || this.closed !== undefined, 'init_ack');
    return String(this.ofType('init_ack')[0]?.session_id);
  }
}

/** Opens TestStreams over the server's WebSocket endpoint in one dialect. */
export function overWs(t: TestServer, dialect: WsDialect): StreamOpener {
  return (_client, opts) => RecordedStream.over(new WsDuplex({ url: wsUrl(t), dialects: [dialect] }), opts);
}
