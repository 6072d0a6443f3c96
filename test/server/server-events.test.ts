// `serve --http-port`: GET /events streams the server's state once a second as SSE, read
// back here by a standard parser: numbered `state` events, retry, the second's accepted and
// indexed counts while a stream sends, replay after Last-Event-ID; and with --auth-tokens
// only a token granted every space ('*') may read it, in the header or the query.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedServer, startEmbeddedServer } from '../../src/endpoint/embedded-server.js';
import { DIM, startTestServer, type TestServer, TestStream } from './harness.js';

interface Reading {
  status: number;
  retry: number | undefined;
  events: EventSourceMessage[];
  body: string;
}

/** GETs /events and reads until `count` events came (or the answer was not a stream). */
function readEvents(
  address: string,
  o: {
    path?: string;
    headers?: Record<string, string>;
    count: number;
    until?: (e: EventSourceMessage) => boolean;
  },
): Promise<Reading> {
  return new Promise((resolve, reject) => {
    const out: Reading = { status: 0, retry: undefined, events: [], body: '' };
    const req = get(`http://${address}${o.path ?? '/events'}`, { headers: o.headers ?? {} }, (res) => {
      out.status = res.statusCode ?? 0;
      res.setEncoding('utf8');
      const parser = createParser({
        onRetry: (ms) => {
          out.retry = ms;
        },
        onEvent: (e) => {
          out.events.push(e);
          if (out.events.length >= o.count && (!o.until || o.until(e))) {
            req.destroy();
            resolve(out);
          }
        },
      });
      res.on('data', (chunk: string) => {
        if (out.status === 200) parser.feed(chunk);
        else out.body += chunk;
      });
      res.on('end', () => resolve(out));
    });
    req.on('error', (err) => {
      if (out.events.length < o.count) reject(err);
    });
    req.setTimeout(60_000, () => req.destroy(new Error('no event in time')));
  });
}

describe('GET /events', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ httpPort: 0 });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('sends numbered state events once a second with what the server did in that second', async () => {
    const address = t.server.httpAddress as string;
    const s = await TestStream.init(t.client, { indexAcks: true });
    // Send a little at a time until a second of the stream shows accepted observations.
    let reading = true;
    const sending = (async () => {
      for (let next = 1; reading; next += 20) {
        await s.sendRange(next, next + 19);
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    const r = await readEvents(address, {
      count: 2,
      until: (e) => (JSON.parse(e.data) as { accepted: number }).accepted > 0,
    }).finally(() => {
      reading = false;
    });
    await sending;
    expect(r.status).toBe(200);
    expect(r.retry).toBe(1000);
    const ids = r.events.map((e) => Number(e.id));
    for (let i = 1; i < ids.length; i++) expect(ids[i]).toBe((ids[i - 1] as number) + 1);
    expect(r.events.every((e) => e.event === 'state')).toBe(true);
    const states = r.events.map((e) => JSON.parse(e.data));
    const last = states.at(-1);
    expect(last.queue.capacity).toBe(1000);
    expect(last.pressure).toBe('ACTIVE');
    expect(last.sessions.attached).toBe(1);
    expect(states.reduce((a: number, x: { accepted: number }) => a + x.accepted, 0)).toBeGreaterThan(0);

    // Back with Last-Event-ID: what came meanwhile first, no repeat.
    const seen = r.events.at(-1)?.id as string;
    const back = await readEvents(address, { headers: { 'last-event-id': seen }, count: 1 });
    expect(Number(back.events[0]?.id)).toBe(Number(seen) + 1);
  }, 120_000);
});

const EVERY = 'every-space-0123456789abcdef';
const ONE = 'one-space-0123456789abcdef';

describe('GET /events with --auth-tokens', () => {
  let dir: string;
  let server: EmbeddedServer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'engram-events-'));
    const tokens = join(dir, 'tokens.txt');
    writeFileSync(tokens, `${EVERY} *\n${ONE} space-a\n`);
    server = await startEmbeddedServer({
      args: ['--dim', String(DIM), '--index-workers', '1', '--http-port', '0', '--auth-tokens', tokens],
    });
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('needs a token granted every space, in the Authorization header or the query', async () => {
    const address = server.httpAddress as string;
    const none = await readEvents(address, { count: 1 });
    expect(none.status).toBe(401);
    expect(none.body).toContain('?token=');
    const one = await readEvents(address, { headers: { authorization: `Bearer ${ONE}` }, count: 1 });
    expect(one.status).toBe(403);
    const wrong = await readEvents(address, { path: '/events?token=nope', count: 1 });
    expect(wrong.status).toBe(401);
    const header = await readEvents(address, {
      headers: { authorization: `Bearer ${EVERY}` },
      count: 1,
    });
    expect(header.status).toBe(200);
    expect(header.events[0]?.event).toBe('state');
    const query = await readEvents(address, { path: `/events?token=${EVERY}`, count: 1 });
    expect(query.status).toBe(200);
  }, 120_000);
});
