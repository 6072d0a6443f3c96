// Many slow readers on the WebSocket endpoint of a server in its own process: each stops
// reading its acks and keeps sending, the server stops reading each of them, its memory
// stays within a per-socket bound, and once they read again every frame is answered.
// (ws-response-writer.test.ts checks the writer alone over one socket; the figures with
// 1,000 sockets come from `npm run robustness:ws`, docs/reliability.md.)
import { afterAll, describe, expect, it } from 'vitest';
import { decodeObservationResponse } from '../../src/protocol/observation-codec.js';
import { forkServer } from '../support/forked-server.js';
import { residentBytes } from '../support/process-memory.js';
import {
  closeFleet,
  type FleetSocket,
  openFleet,
  paddedSessionId,
  pushWhileNotReading,
  resumeReading,
} from '../support/ws-slow-fleet.js';

const SLOW = 30;
const DIM = 8;
const SPACE = 'ws-slow';
const MIB = 1024 * 1024;
/**
 * Each slow reader offers this much. The kernel's loopback buffers take up to about 16 MiB
 * of it on this machine before the server has to read; a server that never stopped reading
 * would hold the acks for the rest, well over PER_SOCKET_BOUND each.
 */
const MAX_PUSH = 40 * MIB;
/** The writer's 1 MiB high-water mark, allocation slack, and room for a busy machine. */
const PER_SOCKET_BOUND = 8 * MIB;

const stops: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const stop of stops) await stop();
});

describe('slow readers on the WebSocket endpoint', () => {
  it('[WS-9][FLOW-2] are no longer read once their backlog is full; the server holds a bounded amount for each, and answers every frame once they read', async () => {
    const server = await forkServer({ dim: DIM, indexWorkers: 1, httpPort: 0 });
    stops.push(() => server.stop());
    const url = `ws://${server.httpAddress}/v1/stream`;
    const sockets = await openFleet(url, SPACE, SLOW, (i) => paddedSessionId(`slow-${i}`, 2048));
    stops.unshift(() => closeFleet(sockets));
    const before = residentBytes(server.child.pid);
    expect(before).toBeDefined();

    const pushes = await Promise.all(
      sockets.map((s) =>
        pushWhileNotReading(s, { space: SPACE, dim: DIM, maxBytes: MAX_PUSH, stallMs: 3000 }),
      ),
    );
    // The server stopped reading each one: its sends stopped going out before it offered all it had.
    for (const p of pushes) {
      expect(p.stalled).toBe(true);
      expect(p.pushed).toBeLessThan(MAX_PUSH);
    }
    const grown = (residentBytes(server.child.pid) ?? Number.POSITIVE_INFINITY) - (before ?? 0);
    expect(grown).toBeLessThan(SLOW * PER_SOCKET_BOUND);

    // Nothing was dropped while they were not read: every resend of observation 1 is answered.
    const answered = sockets.map(countAnswers);
    for (const s of sockets) resumeReading(s);
    const deadline = Date.now() + 60_000;
    const done = () => answered.every((a, i) => a.count === (pushes[i]?.frames ?? 0));
    while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(answered.map((a) => a.count)).toEqual(pushes.map((p) => p.frames));
  });
});

/** Counts the acks of observation 1 (ACCEPTED once, then DUPLICATE_SEQUENCE) from now on. */
function countAnswers(s: FleetSocket): { count: number } {
  const answered = { count: 0 };
  s.ws.on('message', (data: Buffer) => {
    const r = decodeObservationResponse(data);
    if (r.result?.case === 'ack' && r.sequenceNumber === 1n) answered.count++;
  });
  return answered;
}
