// Many sessions at once, and idle sessions that expire. Memory per idle session is
// measured by `npm run robustness:sessions` (docs/reliability.md); here the
// assertions are about correctness, and about memory coming back after expiry.
import * as grpc from '@grpc/grpc-js';
import { afterAll, describe, expect, it } from 'vitest';
import { createChecker } from '../../src/check/checker.js';
import { type EmbeddedServer, startEmbeddedServer } from '../../src/endpoint/embedded-server.js';
import type { HistoryEvent } from '../../src/history/history.js';
import { runClock } from '../../src/protocol/run-clock.js';
import { makeEngramClient } from '../../src/protocol/service-definition.js';
import { forkServer } from '../support/forked-server.js';
import { openSessions, streamAndClose } from '../support/session-fleet.js';

const DIM = 8;
const stops: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const stop of stops) await stop();
});

describe('many sessions', () => {
  it('[SES-5][CLS-1][ACK-1] 1,000 concurrent sessions over 50 channels stream and close cleanly', async () => {
    const server: EmbeddedServer = await startEmbeddedServer({
      args: ['--dim', String(DIM), '--queue-capacity', '20000', '--index-workers', '1'],
    });
    stops.push(() => server.stop());
    const clients = Array.from({ length: 50 }, () => makeEngramClient(server.address));
    const checker = createChecker();
    const fleet = {
      clients,
      memorySpaceId: 'many-sessions',
      sink: (e: HistoryEvent) => checker.observe(e),
      clock: runClock(),
    };
    const streams = await openSessions(fleet, 'm', 1000);
    const ends = await Promise.all(streams.map((s) => streamAndClose(s, 5, DIM)));
    for (const c of clients) c.close();
    const report = checker.finish();
    expect(ends.filter((e) => e.code !== grpc.status.OK)).toEqual([]);
    expect(report.findings.filter((f) => f.severity === 'fail')).toEqual([]);
    expect(report.counts.sessions).toBe(1000);
    expect(report.counts.accepted).toBe(5000);
    expect(report.counts.silentDrops).toBe(0);
    // Every session's final INDEXED mark covered all five (CLS-1).
    expect(report.counts.indexedCovered).toBe(5000);
    expect(server.process.exitCode).toBeNull();
  }, 120_000);
});

describe('idle sessions', () => {
  it('[SES-11] expire after the idle timeout, are gone for resume, and their memory comes back', async () => {
    const server = await forkServer({
      dim: DIM,
      indexWorkers: 1,
      sessionIdleTimeoutMs: 1000,
      heartbeatIntervalMs: 60_000,
    });
    stops.push(() => server.stop());
    const clients = Array.from({ length: 10 }, () => makeEngramClient(server.address));
    const fleet = { clients, memorySpaceId: 'idle-sessions', sink: () => {}, clock: runClock() };
    // Warm up code paths and pools so the baseline is not the cold process.
    for (const s of await openSessions(fleet, 'warm', 200)) s.halfClose();
    await new Promise((r) => setTimeout(r, 2500));
    const baseline = await server.memory();
    const count = 2000;
    const streams = await openSessions(fleet, 'idle', count);
    // Measured while attached (an attached session never expires), then all detach.
    const held = await server.memory();
    expect(held.backlog.sessions).toBe(count);
    for (const s of streams) s.halfClose();
    await Promise.all(streams.map((s) => s.ended));
    await new Promise((r) => setTimeout(r, 3000));
    const after = await server.memory();
    expect(after.backlog.sessions).toBe(0);
    // Resuming an expired session is NOT_FOUND (RES-2).
    const [probe] = await openSessionsExpectingEnd(fleet, 'idle-7');
    expect(probe).toBe(grpc.status.NOT_FOUND);
    const grown = held.usage.heapUsed - baseline.usage.heapUsed;
    const left = after.usage.heapUsed - baseline.usage.heapUsed;
    expect(grown).toBeGreaterThan(0);
    expect(left).toBeLessThan(grown * 0.25);
    for (const c of clients) c.close();
  }, 60_000);
});

async function openSessionsExpectingEnd(
  fleet: { clients: grpc.Client[]; memorySpaceId: string },
  sessionId: string,
): Promise<number[]> {
  const { RecordedStream } = await import('../../src/protocol/recorded-stream.js');
  const s = RecordedStream.open(fleet.clients[0] as never, {
    stream: 0,
    session: sessionId,
    sink: () => {},
    clock: runClock(),
  });
  s.init({ memorySpaceId: fleet.memorySpaceId, sessionId, resume: true });
  return [(await s.ended).code];
}
