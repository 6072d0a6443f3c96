// `serve --http-port --tls-cert --tls-key --auth-tokens`: wss:// with the same
// certificate, bearer tokens in the Authorization header or (for browsers) in the
// subprotocol list, refusals before the upgrade, and the same grants on HTTP recall.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type EmbeddedServer, startEmbeddedServer } from '../../src/endpoint/embedded-server.js';
import { tokenSubprotocol } from '../../src/protocol/ws/subprotocols.js';
import { WsDuplex } from '../../src/protocol/ws/ws-duplex.js';
import { type CertFiles, hasOpenssl, makeSelfSignedCert } from './self-signed.js';

const DIM = 4;
const TOKEN_A = 'tok-ws-a-7f3c9e21d4b8a6f0';

interface Outcome {
  protocol?: string;
  refused?: { status: number; body: string };
  frames: string[];
  closed?: number;
}

describe.skipIf(!hasOpenssl())('WebSocket with TLS and bearer tokens', () => {
  let dir: string;
  let cert: CertFiles;
  let server: EmbeddedServer;
  let ca: Buffer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'engram-ws-sec-'));
    cert = makeSelfSignedCert(dir);
    ca = readFileSync(cert.certPath);
    const tokens = join(dir, 'tokens.txt');
    writeFileSync(tokens, `${TOKEN_A} space-a\n`);
    server = await startEmbeddedServer({
      args: [
        '--dim',
        String(DIM),
        '--index-workers',
        '1',
        '--http-port',
        '0',
        '--tls-cert',
        cert.certPath,
        '--tls-key',
        cert.keyPath,
        '--auth-tokens',
        tokens,
      ],
    });
  });

  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Connects, optionally inits in `space`, and reports what happened. */
  function attempt(o: {
    protocols?: string[];
    headers?: Record<string, string>;
    space?: string;
  }): Promise<Outcome> {
    return new Promise((resolve) => {
      const out: Outcome = { frames: [] };
      const ws = new WebSocket(`wss://${server.httpAddress}/v1/stream`, o.protocols ?? [], {
        ca,
        headers: o.headers,
      });
      ws.on('open', () => {
        out.protocol = ws.protocol;
        ws.send(JSON.stringify({ type: 'init', memory_space_id: o.space ?? 'space-a' }));
      });
      ws.on('message', (d: Buffer) => {
        out.frames.push(d.toString('utf8'));
        if (d.toString('utf8').includes('init_ack')) ws.close();
      });
      ws.on('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (c: Buffer) => {
          body += c.toString('utf8');
        });
        res.on('end', () => {
          out.refused = { status: res.statusCode ?? 0, body };
          resolve(out);
        });
      });
      ws.on('error', () => {});
      ws.on('close', (code) => {
        out.closed = code;
        resolve(out);
      });
    });
  }

  it('refuses before the upgrade: no token, an unknown token (401), a space the token does not grant (403)', async () => {
    const none = await attempt({});
    expect(none.refused?.status).toBe(401);
    expect(none.refused?.body).toMatch(/missing bearer token/);
    const unknown = await attempt({ headers: { authorization: 'Bearer tok-unknown-0000000000' } });
    expect(unknown.refused).toEqual({ status: 401, body: 'unknown bearer token\n' });
    const other = await attempt({
      headers: { authorization: `Bearer ${TOKEN_A}`, 'x-memory-space': 'space-b' },
    });
    expect(other.refused?.status).toBe(403);
    expect(JSON.stringify([none, unknown, other])).not.toContain(TOKEN_A);
  });

  it('serves wss:// with the token in the Authorization header or beside the dialect in the subprotocol', async () => {
    const header = await attempt({ headers: { authorization: `Bearer ${TOKEN_A}` } });
    expect(header.frames[0]).toMatch(/"type":"init_ack"/);
    const browser = await attempt({ protocols: ['engram.v1.json', tokenSubprotocol(TOKEN_A)] });
    // The dialect is chosen; the token is never echoed back.
    expect(browser.protocol).toBe('engram.v1.json');
    expect(browser.frames[0]).toMatch(/"type":"init_ack"/);
    const tokenOnly = await attempt({ protocols: [tokenSubprotocol(TOKEN_A)] });
    expect(tokenOnly.refused?.status).toBe(400);
    expect(tokenOnly.refused?.body).toMatch(/beside the token/);
  });

  it('an init in a space the token does not grant ends with PERMISSION_DENIED and no session', async () => {
    const denied = await attempt({ headers: { authorization: `Bearer ${TOKEN_A}` }, space: 'space-b' });
    expect(denied.closed).toBe(4000 + status.PERMISSION_DENIED);
    expect(JSON.parse(denied.frames[0] ?? '{}')).toMatchObject({
      type: 'error',
      code: 'PERMISSION_DENIED',
      session_id: '',
    });
  });

  it('a proto-dialect client (WsDuplex) is refused with UNAUTHENTICATED without a token', async () => {
    const duplex = new WsDuplex({ url: `wss://${server.httpAddress}/v1/stream`, dialects: ['proto'], ca });
    const end = await new Promise<{ code: number; details: string }>((resolve) => duplex.onEnd(resolve));
    expect(end.code).toBe(status.UNAUTHENTICATED);
    expect(end.details).toMatch(/HTTP 401: missing bearer token/);
  });

  it('HTTP recall takes the same tokens and grants', async () => {
    const url = `https://${server.httpAddress}/api/v1/memories/recall?embedding=[1,0,0,0]&space=space-a`;
    const get = (headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        import('node:https').then(({ get }) =>
          get(url, { ca, headers }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          }).on('error', reject),
        );
      });
    expect(await get({})).toBe(401);
    expect(await get({ authorization: `Bearer ${TOKEN_A}` })).toBe(200);
    expect(await get({ authorization: `Bearer ${TOKEN_A}`, 'x-memory-space': 'space-b' })).toBe(403);
  });
});
