// --shard i/N: each shard runs its sessions and exactly their arrivals of the one
// global schedule, so the shards together offer what one run would, and their
// histograms add up to one.
import { afterEach, describe, expect, it } from 'vitest';
import { type AckSink, startAckSink } from '../../scripts/ack-sink-server.js';
import { runBench } from '../../src/load/run/run-bench.js';
import { parseScenario } from '../../src/load/scenario/load-scenario.js';
import { totalArrivals } from '../../src/load/schedule/arrivals.js';
import type { BenchResults } from '../../src/results/results.js';
import { mergeEncoded } from '../../src/stats/histogram.js';

let sink: AckSink | undefined;
afterEach(async () => {
  await sink?.close();
  sink = undefined;
});

describe('shards', () => {
  it('together offer exactly the global schedule, and their histograms add', async () => {
    sink = await startAckSink({ dim: 8 });
    const scenario = parseScenario(
      [
        'name: shards',
        'memorySpaces: [shard-space]',
        'dim: 8',
        'sessions: 5',
        'indexAcks: false',
        'phases:',
        '  - { name: ramp, duration: 600ms, shape: ramp, from: 50, to: 250 }',
        '  - { name: poisson, duration: 600ms, shape: poisson, rate: 200, seed: 3 }',
        'faults: [{ at: 300ms, kind: gap, share: 1, count: 1 }]',
        'close: { drain: false }',
      ].join('\n'),
      'shards.yaml',
    );
    const runs: BenchResults[] = [];
    for (let index = 0; index < 3; index++) {
      runs.push(await runBench({ scenario, target: sink.address, workers: 0, shard: { index, count: 3 } }));
    }
    const sum = (name: string) => runs.reduce((n, r) => n + (r.counters[name] ?? 0), 0);
    expect(sum('offered')).toBe(totalArrivals(scenario));
    expect(sum('accepted')).toBe(totalArrivals(scenario));
    // Sessions 0..4 over 3 shards: 2, 2 and 1 of them, each injecting its one gap.
    expect(runs.map((r) => r.counters.sessions)).toEqual([2, 2, 1]);
    expect(sum('injected_gaps')).toBe(5);
    const merged = mergeEncoded(runs.map((r) => r.histograms.ack_latency as never));
    expect(merged.summary.count).toBe(totalArrivals(scenario));
    expect(runs.map((r) => r.shard)).toEqual([
      { index: 0, count: 3 },
      { index: 1, count: 3 },
      { index: 2, count: 3 },
    ]);
  });
});
