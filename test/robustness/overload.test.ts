// Overload, short: a few seconds at several times what the server can index. The
// 60 s run at twice the measured sustainable rate is `npm run robustness:overload`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedServer, startEmbeddedServer } from '../../src/endpoint/embedded-server.js';
import { runOverload } from '../support/overload-run.js';

const DIM = 384;
let server: EmbeddedServer;

beforeAll(async () => {
  server = await startEmbeddedServer({
    args: [
      '--dim',
      String(DIM),
      '--queue-capacity',
      '1000',
      '--index-workers',
      '1',
      '--ef-construction',
      '200',
    ],
  });
});

afterAll(async () => {
  await server?.stop();
});

describe('overload', () => {
  it('[FLOW-2][FLOW-3][FLOW-4][FLOW-5][FLOW-6] says BACKPRESSURE and OVERLOADED in-band, drops nothing, and is ACTIVE again after the load', async () => {
    const r = await runOverload({
      address: server.address,
      serverPid: server.process.pid,
      dim: DIM,
      sessions: 8,
      rate: 8000,
      durationMs: 5000,
      memorySpaceId: 'overload-test',
    });
    expect(r.states.BACKPRESSURE).toBeGreaterThan(0);
    expect(r.states.OVERLOADED).toBeGreaterThan(0);
    expect(r.rejected.OVERLOADED).toBeGreaterThan(0);
    expect(r.maxQueueDepth).toBeLessThanOrEqual(r.queueCapacity);
    expect(r.check.counts.silentDrops).toBe(0);
    expect(r.check.findings.filter((f) => f.severity === 'fail')).toEqual([]);
    expect(r.activeAfterStopMs).toBeDefined();
    expect(r.senders.every((s) => s.lastEnd?.code === 0)).toBe(true);
    expect(server.process.exitCode).toBeNull();
  }, 120_000);
});
