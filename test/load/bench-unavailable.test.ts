// Against a server without resume, INDEXED acks or recall (here the ack-only sink,
// which says so in its capabilities and answers RecallStream UNIMPLEMENTED), bench
// still runs, measures what it can, and lists what it could not measure and why;
// thresholds on those metrics are not judged, so the run cannot pass.
import { afterEach, describe, expect, it } from 'vitest';
import { type AckSink, startAckSink } from '../../scripts/ack-sink-server.js';
import { runBench } from '../../src/load/run/run-bench.js';
import { parseScenario } from '../../src/load/scenario/load-scenario.js';

let sink: AckSink | undefined;
afterEach(async () => {
  await sink?.close();
  sink = undefined;
});

describe('bench against a server with fewer features', () => {
  it('[IDX-1] [REC-1] [RES-1] says which measurements it could not make, and why', async () => {
    sink = await startAckSink({ dim: 8 });
    const scenario = parseScenario(
      [
        'name: minimal-server',
        'memorySpaces: [plain-space]',
        'dim: 8',
        'sessions: 2',
        'indexAcks: true',
        'phases: [{ name: steady, duration: 1s, shape: constant, rate: 100 }]',
        'faults: [{ at: 400ms, kind: disconnect, resumeAfter: 100ms, share: 1 }]',
        'probes: { share: 0.2, pollInterval: 5ms, timeout: 1s }',
        "thresholds: ['staleness.p99 < 1s', 'staleness_probe.p99 < 1s', 'ack_latency.p99 < 10s']",
        'close: { drain: false }',
      ].join('\n'),
      'minimal.yaml',
    );
    const r = await runBench({ scenario, target: sink.address, workers: 0 });
    const why = Object.fromEntries(r.unavailable.map((u) => [u.metric, u.why]));
    expect(why.staleness).toContain('INDEXED');
    expect(why.staleness_probe).toContain('RecallStream');
    expect(why.resume).toContain('resume');
    // What it could measure, it did: every observation accepted, latency recorded.
    expect(r.counters.accepted).toBe(100);
    expect(r.histograms.ack_latency?.summary.count).toBe(100);
    expect(r.counters.disconnects ?? 0).toBe(0);
    const [staleness, probe, latency] = r.thresholds;
    expect(staleness?.passed).toBeNull();
    expect(staleness?.note).toContain('INDEXED');
    expect(probe?.passed).toBeNull();
    expect(latency?.passed).toBe(true);
    expect(['inconclusive', 'failed']).toContain(r.verdict);
    expect(r.verdict).not.toBe('passed');
  });
});
