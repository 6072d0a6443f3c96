// A threshold with abortOnFail is judged live, once a second, and stops the run as
// soon as it fails: the schedule ends early, what was in flight still gets its
// outcome, and the results mark the abort.
import { afterEach, describe, expect, it } from 'vitest';
import { type AckSink, startAckSink } from '../../scripts/ack-sink-server.js';
import { runBench } from '../../src/load/run/run-bench.js';
import { parseScenario } from '../../src/load/scenario/load-scenario.js';

let sink: AckSink | undefined;
afterEach(async () => {
  await sink?.close();
  sink = undefined;
});

describe('abortOnFail', () => {
  it('stops the run when a live threshold fails', async () => {
    sink = await startAckSink({ dim: 8, delayMs: 5 });
    const scenario = parseScenario(
      [
        'name: abort',
        'memorySpaces: [abort-space]',
        'dim: 8',
        'sessions: 1',
        'indexAcks: false',
        'phases: [{ name: long, duration: 20s, shape: constant, rate: 50 }]',
        "thresholds: [{ expr: 'ack_latency.p99 < 1ms', abortOnFail: true }, 'silent_drops == 0']",
        'close: { drain: false }',
      ].join('\n'),
      'abort.yaml',
    );
    const r = await runBench({ scenario, target: sink.address, workers: 0 });
    const abort = r.markers.find((m) => m.kind === 'abort');
    expect(abort?.label).toContain('ack_latency.p99 < 1ms');
    // Far fewer than the 1,000 observations of the whole schedule, and none lost.
    expect(r.counters.offered).toBeLessThan(500);
    expect(r.counters.accepted).toBe(r.counters.offered);
    expect(r.thresholds[0]?.passed).toBe(false);
    expect(r.thresholds[1]?.passed).toBe(true);
    expect(r.verdict).not.toBe('passed');
    expect(r.verdictReasons.join(' ')).toContain('aborted');
  });
});
