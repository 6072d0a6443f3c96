// Real runs compared: against a sink that holds every ack a known time, the measured
// change of ack latency is that delay; against the reference server with slow-index,
// staleness regresses; a real run compared with itself changes nothing.
//
// The delay is 100 ms, and the delay compared with is the one the sink applied, by its
// own clock (median hold): on a busy machine a timer fires late, which is a real delay the
// comparison must see, not an error of it. What is left is the difference of the two runs'
// client-side cost, which does not grow with the delay: measured here at load average
// 8-12, the change exceeded the applied delay by 0.6 ms at 20 ms, 1.4-1.7 ms at 50 ms and
// 1.2-1.3 ms at 100 ms (acks written one by one from timers cost the client more than acks
// written in a batch). The allowance, 5% + 0.5 ms, grows with the delay: 1.5 ms at 20 ms,
// 3 ms at 50 ms, 5.5 ms at 100 ms, so 100 ms leaves room for a busier machine.
import { afterEach, describe, expect, it } from 'vitest';
import { type AckSink, startAckSink } from '../../scripts/ack-sink-server.js';
import { compareBench } from '../../src/judge/compare/compare-bench.js';
import type { BenchComparison } from '../../src/judge/compare/comparison.js';
import { runBench } from '../../src/load/run/run-bench.js';
import { parseScenario } from '../../src/load/scenario/load-scenario.js';
import type { BenchResults } from '../../src/results/results.js';
import { componentsWithFaults } from '../../src/server/faults/fault-registry.js';
import { defaultServerConfig } from '../../src/server/server-config.js';
import { type RunningServer, startServer } from '../../src/server/start-server.js';

const DELAY_MS = 100;
const files = { baseline: 'baseline.json', current: 'current.json' };

function scenario(indexAcks: boolean) {
  return parseScenario(
    [
      'name: compare-proof',
      'memorySpaces: [compare-space]',
      'dim: 8',
      'sessions: 2',
      'sendWindow: 64',
      `indexAcks: ${indexAcks}`,
      'phases: [{ name: steady, duration: 6s, shape: constant, rate: 100 }]',
      'close: { drain: true }',
    ].join('\n'),
    'compare-proof.yaml',
  );
}

let sink: AckSink | undefined;
let server: RunningServer | undefined;
afterEach(async () => {
  await sink?.close();
  await server?.shutdown();
  sink = undefined;
  server = undefined;
});

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] as number;
}

/** A run against a sink holding each ack delayMs, and the median hold the sink applied. */
async function againstSink(delayMs: number): Promise<{ results: BenchResults; heldMs: number }> {
  const held: number[] = [];
  sink = await startAckSink({ dim: 8, delayMs, onAck: (_seq, _at, ms) => held.push(ms) });
  try {
    const results = await runBench({ scenario: scenario(false), target: sink.address, workers: 0 });
    return { results, heldMs: median(held) };
  } finally {
    await sink.close();
    sink = undefined;
  }
}

async function againstServer(faults: string[]): Promise<BenchResults> {
  const config = { ...defaultServerConfig(), port: 0, dim: 8, indexWorkers: 1, heartbeatIntervalMs: 60_000 };
  server = await startServer(config, componentsWithFaults(faults));
  try {
    return await runBench({ scenario: scenario(true), target: server.address, workers: 0 });
  } finally {
    await server.shutdown();
    server = undefined;
  }
}

const metric = (c: BenchComparison, name: string) => c.metrics.find((m) => m.metric === name);
const bottleneck = (...runs: BenchResults[]) => runs.some((r) => r.generator.bottleneck);

describe('compare on real runs', () => {
  it('measures an injected ack delay as the change of ack latency, within 5% + 0.5 ms', async () => {
    const fast = await againstSink(0);
    const slow = await againstSink(DELAY_MS);
    const [baseline, current] = [fast.results, slow.results];
    const injected = slow.heldMs - fast.heldMs;
    expect(injected).toBeGreaterThanOrEqual(DELAY_MS - 1);
    const c = compareBench({ baseline, current, files });
    const p50 = metric(c, 'ack_latency.p50');
    expect(p50?.change).not.toBeNull();
    expect(Math.abs((p50?.change as number) - injected)).toBeLessThanOrEqual(0.05 * injected + 0.5);
    // A generator that fell behind makes the figures its own: then undecided, never passed.
    expect(p50?.verdict).toBe(bottleneck(baseline, current) ? 'INCONCLUSIVE' : 'REGRESSED');
    expect(c.verdict).toBe(bottleneck(baseline, current) ? 'INCONCLUSIVE' : 'REGRESSED');
    // The sink has no index: staleness is measured in neither run and decides nothing.
    expect(metric(c, 'staleness.p50')?.note).toBe('measured in neither run');
    expect(metric(c, 'staleness.p50')?.decisive).toBe(false);

    // The same run against itself: nothing changed, and every decisive metric says so.
    const self = compareBench({ baseline: current, current, files });
    if (!bottleneck(current)) {
      expect(self.verdict).toBe('NO CHANGE');
      expect(self.metrics.filter((m) => m.decisive && m.verdict !== 'NO CHANGE')).toEqual([]);
    }
    expect(self.metrics.filter((m) => m.change !== null && m.change !== 0)).toEqual([]);
  });

  it('finds staleness REGRESSED against --fault slow-index', async () => {
    const baseline = await againstServer([]);
    const current = await againstServer(['slow-index']);
    const c = compareBench({ baseline, current, files });
    const p50 = metric(c, 'staleness.p50');
    // slow-index holds every batch 250 ms before it becomes visible.
    expect(p50?.change as number).toBeGreaterThan(200);
    expect(p50?.interval?.lo as number).toBeGreaterThan(0);
    expect(p50?.verdict).toBe(bottleneck(baseline, current) ? 'INCONCLUSIVE' : 'REGRESSED');
    expect(c.verdict).toBe(bottleneck(baseline, current) ? 'INCONCLUSIVE' : 'REGRESSED');
    // Nothing else broke: the checker found nothing new.
    expect(c.metrics.filter((m) => m.group === 'findings' && m.verdict === 'REGRESSED')).toEqual([]);
  });
});
