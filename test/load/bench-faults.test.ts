// Each fault kind bench injects, run against the real reference server (startServer,
// port 0): the faults happen, the server answers them as the protocol says, and the
// checker finds nothing wrong: nothing lost, nothing duplicated, every observation of
// the schedule accepted exactly once.
import { afterEach, describe, expect, it } from 'vitest';
import { runBench } from '../../src/load/run/run-bench.js';
import { parseScenario } from '../../src/load/scenario/load-scenario.js';
import type { BenchResults } from '../../src/results/results.js';
import { defaultServerConfig, type ServerConfig } from '../../src/server/server-config.js';
import { type RunningServer, startServer } from '../../src/server/start-server.js';

const SESSIONS = 2;

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.shutdown();
  server = undefined;
});

async function bench(yaml: string[], config: Partial<ServerConfig> = {}, window = 32): Promise<BenchResults> {
  server = await startServer({
    ...defaultServerConfig(),
    port: 0,
    dim: 8,
    indexWorkers: 1,
    sessionIdleTimeoutMs: 10_000,
    heartbeatIntervalMs: 60_000,
    ...config,
  });
  const scenario = parseScenario(
    [
      'name: faults',
      'memorySpaces: [fault-space]',
      'dim: 8',
      `sessions: ${SESSIONS}`,
      `sendWindow: ${window}`,
      'close: { drain: true }',
      ...yaml,
    ].join('\n'),
    'faults.yaml',
  );
  return runBench({ scenario, target: server.address, workers: 0 });
}

const STEADY = 'phases: [{ name: steady, duration: 1500ms, shape: constant, rate: 100 }]';

function expectClean(r: BenchResults): void {
  expect(r.findings).toEqual([]);
  expect(r.checkCounts.silentDrops).toBe(0);
  // Every scheduled observation was accepted, once: by its ACCEPTED ack, or, where a cut
  // stream lost the ack, by the resume's initial_sequence.
  const c = (name: string) => r.counters[name] ?? 0;
  expect(c('accepted') + c('settled_by_resume')).toBe(c('offered'));
  expect(r.checkCounts.accepted + r.checkCounts.acceptedAckLost).toBe(c('offered'));
  expect(r.counters.offered).toBe(150);
}

describe('bench faults against the reference server', () => {
  it('[SEQ-3] injected gaps come back SEQUENCE_GAP and the sessions carry on', async () => {
    const r = await bench([STEADY, 'faults: [{ at: 500ms, kind: gap, share: 1, count: 2 }]']);
    expectClean(r);
    expect(r.counters.injected_gaps).toBe(2 * SESSIONS);
    expect(r.counters['injected_rejected{SEQUENCE_GAP}']).toBe(2 * SESSIONS);
  });

  it('[SEQ-4] injected duplicates come back DUPLICATE_SEQUENCE', async () => {
    const r = await bench([STEADY, 'faults: [{ at: 500ms, kind: duplicate, share: 1, count: 2 }]']);
    expectClean(r);
    expect(r.counters['injected_rejected{DUPLICATE_SEQUENCE}']).toBe(2 * SESSIONS);
  });

  it('[RES-1] a cut stream resumes and loses nothing', async () => {
    const r = await bench([
      STEADY,
      'faults: [{ at: 500ms, kind: disconnect, cut: stream, resumeAfter: 200ms, share: 1 }]',
    ]);
    expectClean(r);
    expect(r.counters.disconnects).toBe(SESSIONS);
    expect(r.counters.resumes).toBe(SESSIONS);
    expect(r.checkCounts.resumes).toBe(SESSIONS);
    // Sends due while disconnected waited for the resume, and were counted so.
    expect(r.counters.deferred_sends).toBeGreaterThan(0);
  });

  it('[RES-1] a cut channel resumes on a new connection and loses nothing', async () => {
    const r = await bench([
      STEADY,
      'faults: [{ at: 500ms, kind: disconnect, cut: channel, resumeAfter: 200ms, share: 0.5 }]',
    ]);
    expectClean(r);
    expect(r.counters.disconnects).toBe(1);
    expect(r.counters.resumes).toBe(1);
  });

  it('[SEQ-3][SEQ-4] a gap or duplicate due while its session is between streams goes out on the next one', async () => {
    // Cut at 500 ms, resumed at 800 ms: the gap (600 ms) and the duplicates (650 ms) fall
    // due in between, and must wait for the resumed stream rather than be skipped.
    const r = await bench([
      STEADY,
      'faults:',
      '  - { at: 500ms, kind: disconnect, cut: stream, resumeAfter: 300ms, share: 1 }',
      '  - { at: 600ms, kind: gap, share: 1, count: 2 }',
      '  - { at: 650ms, kind: duplicate, share: 1, count: 2 }',
    ]);
    expectClean(r);
    expect(r.counters.resumes).toBe(SESSIONS);
    expect(r.counters['injected_rejected{SEQUENCE_GAP}']).toBe(2 * SESSIONS);
    expect(r.counters['injected_rejected{DUPLICATE_SEQUENCE}']).toBe(2 * SESSIONS);
  });

  it('a hold defers sends, then they go out as a burst', async () => {
    const r = await bench([STEADY, 'faults: [{ at: 500ms, kind: hold, for: 300ms, share: 1 }]']);
    expectClean(r);
    expect(r.counters.holds).toBe(SESSIONS);
    // About 300 ms at 50/s per session were held.
    expect(r.counters.deferred_sends).toBeGreaterThanOrEqual(SESSIONS * 10);
  });

  it('[FLOW-3] above capacity, OVERLOADED rejections are retried and nothing is lost', async () => {
    const r = await bench(
      ['phases: [{ name: flood, duration: 250ms, shape: constant, rate: 4000 }]'],
      { queueCapacity: 8 },
      256,
    );
    expect(r.findings).toEqual([]);
    expect(r.counters['rejected{OVERLOADED}']).toBeGreaterThan(0);
    expect(r.counters.retries).toBeGreaterThan(0);
    expect(r.counters.accepted).toBe(r.counters.offered);
    expect(r.counters.offered).toBe(1000);
  });
});
