// bench over WebSocket against the real reference server (startServer with its HTTP
// listener, port 0), in both dialects: the same scenario with gaps, duplicates, a
// disconnect (the socket closes) and resume (a new socket re-inits the session), recall
// probes by HTTP recall; the checker finds nothing and every observation is accepted once.
import { afterEach, describe, expect, it } from 'vitest';
import { runBench } from '../../src/load/run/run-bench.js';
import { parseScenario } from '../../src/load/scenario/load-scenario.js';
import { defaultServerConfig } from '../../src/server/server-config.js';
import { type RunningServer, startServer } from '../../src/server/start-server.js';

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.shutdown();
  server = undefined;
});

describe('bench over WebSocket', () => {
  for (const dialect of ['proto', 'json'] as const) {
    it(`${dialect}: faults, resume on a new socket and HTTP recall probes, nothing lost or doubled`, async () => {
      server = await startServer({
        ...defaultServerConfig(),
        port: 0,
        httpPort: 0,
        dim: 8,
        indexWorkers: 1,
        sessionIdleTimeoutMs: 10_000,
        heartbeatIntervalMs: 60_000,
      });
      const scenario = parseScenario(
        [
          'name: ws',
          'memorySpaces: [ws-space]',
          'dim: 8',
          'sessions: 2',
          'sendWindow: 32',
          'indexAcks: true',
          'close: { drain: true }',
          'phases: [{ name: steady, duration: 1500ms, shape: constant, rate: 100 }]',
          'faults:',
          '  - { at: 300ms, kind: gap, share: 1, count: 1 }',
          '  - { at: 600ms, kind: duplicate, share: 1, count: 1 }',
          '  - { at: 900ms, kind: disconnect, share: 1, resumeAfter: 100ms }',
          'probes: { share: 0.1, pollInterval: 5ms, timeout: 5s }',
        ].join('\n'),
        'ws.yaml',
      );
      const r = await runBench({
        scenario,
        target: `ws://${server.httpAddress}/v1/stream`,
        transport: { wsDialect: dialect },
        workers: 0,
      });
      const c = (name: string) => r.counters[name] ?? 0;
      expect(r.findings).toEqual([]);
      expect(r.target).toMatchObject({ transport: 'ws', dialect });
      expect(c('offered')).toBe(150);
      expect(c('accepted') + c('settled_by_resume')).toBe(c('offered'));
      expect(c('injected_rejected{SEQUENCE_GAP}')).toBe(2);
      expect(c('injected_rejected{DUPLICATE_SEQUENCE}')).toBe(2);
      expect(r.checkCounts.resumes).toBe(2);
      expect(c('probes')).toBeGreaterThan(0);
      expect(r.checkCounts.probesFound).toBe(c('probes'));
    }, 60_000);
  }
});
