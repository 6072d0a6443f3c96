// The event stream's framing read back by a standard parser (eventsource-parser), over a
// real node:http server: numbered events, the reconnection delay, replay after
// Last-Event-ID, and a viewer that never reads being disconnected at the bound.
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { type SseEvent, SseHub } from '../../src/util/sse/sse-hub.js';

interface Reader {
  events: EventSourceMessage[];
  retry: number[];
  close: () => void;
}

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

async function serve(hub: SseHub): Promise<number> {
  server = createServer((req, res) => hub.attach(req, res));
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', () => r()));
  return (server.address() as AddressInfo).port;
}

function read(port: number, lastEventId?: string): Promise<Reader> {
  return new Promise((resolve, reject) => {
    const reader: Reader = { events: [], retry: [], close: () => {} };
    const parser = createParser({
      onEvent: (e) => reader.events.push(e),
      onRetry: (ms) => reader.retry.push(ms),
    });
    const req = get(
      { port, host: '127.0.0.1', path: '/', headers: lastEventId ? { 'last-event-id': lastEventId } : {} },
      (res) => {
        expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => parser.feed(chunk));
        reader.close = () => req.destroy();
        resolve(reader);
      },
    );
    req.on('error', reject);
  });
}

async function until(what: string, condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('SseHub', () => {
  it('numbers events, sends retry, and replays what a reconnecting viewer missed', async () => {
    const log: SseEvent[] = [];
    const hub = new SseHub({
      retryMs: 1500,
      maxBufferedBytes: 1 << 20,
      replay: (lastId) => log.filter((e) => e.id > (lastId ?? 0)),
    });
    const port = await serve(hub);
    const first = await read(port);
    await until('the viewer to be attached', () => hub.viewers === 1);
    for (const n of [1, 2, 3]) log.push(hub.send('tick', JSON.stringify({ n, text: 'two\nlines' })));
    await until('three events', () => first.events.length === 3);
    expect(first.retry).toEqual([1500]);
    expect(first.events.map((e) => e.id)).toEqual(['1', '2', '3']);
    expect(first.events.map((e) => e.event)).toEqual(['tick', 'tick', 'tick']);
    expect(JSON.parse(first.events[2]?.data ?? '')).toEqual({ n: 3, text: 'two\nlines' });
    first.close();
    await until('the viewer to leave', () => hub.viewers === 0);

    // Events sent while it was away come first when it is back with Last-Event-ID.
    log.push(hub.send('tick', '4'), hub.send('tick', '5'));
    const back = await read(port, '3');
    await until('the missed events', () => back.events.length === 2);
    expect(back.events.map((e) => [e.id, e.data])).toEqual([
      ['4', '4'],
      ['5', '5'],
    ]);
    // A new viewer (no Last-Event-ID) gets everything; a garbled id counts as none.
    const fresh = await read(port, 'not-a-number');
    await until('the whole log', () => fresh.events.length === 5);
    back.close();
    fresh.close();
  });

  it('disconnects a viewer that does not read once it holds the bound, and forgets it', async () => {
    const bound = 256 * 1024;
    const hub = new SseHub({ retryMs: 1000, maxBufferedBytes: bound, replay: () => [] });
    const port = await serve(hub);
    // A client that sends its request and then never reads a byte.
    const socket = connect(port, '127.0.0.1');
    socket.pause();
    socket.write('GET / HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n');
    const reader = await read(port);
    await until('both viewers attached', () => hub.viewers === 2);
    const chunk = 'x'.repeat(32 * 1024);
    let sent = 0;
    // The kernel's socket buffers take a few MB before node has to hold anything itself.
    while (hub.droppedSlow === 0 && sent < 10_000) {
      hub.send('tick', chunk);
      sent++;
      await until('the reading viewer to keep up', () => reader.events.length === sent);
    }
    expect(hub.droppedSlow).toBe(1);
    expect(hub.viewers).toBe(1);
    // Read at last: the server has closed this connection.
    socket.resume();
    await until('the slow socket to be closed', () => socket.closed);
    // The reader that keeps reading got every event.
    await until('every event at the reader', () => reader.events.length === sent);
    reader.close();
    socket.destroy();
  });
});
