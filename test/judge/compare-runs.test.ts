// Real runs compared: against a sink that holds every ack a known time, the measured
// change of ack latency is that delay; against the reference server with slow-index,
// staleness regresses; a real run compared with itself changes nothing.
//
// The delay is 50 ms: the change is the difference of two runs on one busy machine, and
// what is not the delay (the timer firing late, the event loop turning) is a millisecond
// or two whatever the delay, while the allowance, 5% + 0.5 ms, grows with it: 3 ms at
// 50 ms, against 1.5 ms at 20 ms, where a loaded machine's timer slop alone can use it up.
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

const DELAY_MS = 50;
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

async function againstSink(delayMs: number): Promise<BenchResults> {
  sink = await startAckSink({ dim: 8, delayMs });
  try {
    return await runBench({ scenario: scenario(false), target: sink.address, workers: 0 });
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
    const baseline = await againstSink(0);
    const current = await againstSink(DELAY_MS);
    const c = compareBench({ baseline, current, files });
    const p50 = metric(c, 'ack_latency.p50');
    expect(p50?.change).not.toBeNull();
    expect(Math.abs((p50?.change as number) - DELAY_MS)).toBeLessThanOrEqual(0.05 * DELAY_MS + 0.5);
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
