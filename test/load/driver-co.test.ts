// Coordinated-omission correction: against a sink server that holds every ack for
// a known delay, the latency bench reports from the intended send time must match
// what the schedule and the sink's own ack times say (P50 within 5% + 0.5 ms),
// also when the in-flight window makes sends queue behind the slow acks.
import { afterEach, describe, expect, it } from 'vitest';
import { type AckSink, startAckSink } from '../../scripts/ack-sink-server.js';
import { runBench } from '../../src/load/run/run-bench.js';
import { parseScenario } from '../../src/load/scenario/load-scenario.js';
import type { Scenario } from '../../src/load/scenario/scenario.js';
import { createArrivals } from '../../src/load/schedule/arrivals.js';
import { decodeHistogram } from '../../src/stats/histogram.js';

const DELAY_MS = 25;

function scenario(rate: number, window: number, duration: string): Scenario {
  return parseScenario(
    [
      'name: co',
      'memorySpaces: [co-space]',
      'dim: 8',
      'sessions: 1',
      `sendWindow: ${window}`,
      'indexAcks: false',
      `phases: [{ name: p, duration: ${duration}, shape: constant, rate: ${rate} }]`,
      'close: { drain: false }',
    ].join('\n'),
    'co.yaml',
  );
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] as number;
}

let sink: AckSink | undefined;
afterEach(async () => {
  await sink?.close();
  sink = undefined;
});

/** Runs the scenario on the main thread against a delaying sink; returns measured and expected P50s (ms). */
async function measure(s: Scenario) {
  const ackAt = new Map<bigint, number>();
  sink = await startAckSink({ dim: 8, delayMs: DELAY_MS, onAck: (seq, at) => ackAt.set(seq, at) });
  let origin = 0;
  const results = await runBench({
    scenario: s,
    target: sink.address,
    workers: 0,
    onStart: (o) => {
      origin = o;
    },
  });
  const intended = [...createArrivals(s, 0, 1)];
  // What a correct measurement from the intended send time must give, from the sink's clock.
  const expected = intended.map((t, k) => (ackAt.get(BigInt(k + 1)) as number) - (origin + t));
  const p50 = (name: string) =>
    decodeHistogram(results.histograms[name] as never).getValueAtPercentile(50) / 1000;
  return {
    results,
    expectedP50: median(expected),
    intendedP50: p50('ack_latency'),
    actualP50: p50('ack_latency_actual'),
  };
}

describe('coordinated-omission correction', () => {
  it('without queueing, latency from the intended send time is the injected delay', async () => {
    const m = await measure(scenario(100, 64, '1s'));
    expect(m.results.counters.accepted).toBe(100);
    expect(m.expectedP50).toBeGreaterThanOrEqual(DELAY_MS);
    expect(Math.abs(m.intendedP50 - m.expectedP50)).toBeLessThanOrEqual(0.05 * m.expectedP50 + 0.5);
  });

  it('with sends queued behind a window of 1, latency counts the wait from the intended time', async () => {
    // 50/s offered, but one ack per 25 ms allows only 40/s: each send waits longer than the last.
    const m = await measure(scenario(50, 1, '1s'));
    expect(m.results.counters.accepted).toBe(50);
    expect(m.results.counters.held_by_send_window).toBeGreaterThan(0);
    expect(Math.abs(m.intendedP50 - m.expectedP50)).toBeLessThanOrEqual(0.05 * m.expectedP50 + 0.5);
    // The uncorrected figure (from the actual send) hides the queueing: it stays near the delay.
    expect(m.actualP50).toBeLessThan(m.intendedP50 / 2);
    expect(m.actualP50).toBeGreaterThanOrEqual(DELAY_MS);
  });
});
