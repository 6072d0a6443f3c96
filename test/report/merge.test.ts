import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { zeroCheckCounts } from '../../src/check/findings.js';
import { mergeResults } from '../../src/judge/merge/merge-results.js';
import type { BenchResults, SeriesPoint } from '../../src/results/results.js';
import { decodeHistogram, encodeHistogram, newHistogram, recordMs } from '../../src/stats/histogram.js';
import { UserError } from '../../src/util/user-error.js';
import { sampleBench } from '../support/sample-results.js';

const START = Date.UTC(2026, 10, 27, 18, 0, 0);

/** A shard whose histograms and series hold exactly the given values (ms), second by second. */
function shard(index: number, count: number, perSecond: number[][], offsetMs: number): BenchResults {
  const base = sampleBench(perSecond.length, START + offsetMs);
  const run = newHistogram();
  const series: SeriesPoint[] = perSecond.map((values, s) => {
    const h = newHistogram();
    for (const v of values) {
      recordMs(h, v);
      recordMs(run, v);
    }
    return {
      ...(base.series[s] as SeriesPoint),
      sent: values.length,
      accepted: values.length,
      rejected: {},
      ackLatency: encodeHistogram(h),
      staleness: encodeHistogram(h),
    };
  });
  const sent = perSecond.flat().length;
  return {
    ...base,
    verdict: 'passed',
    verdictReasons: [],
    findings: [],
    shard: { index, count },
    histograms: { ack_latency: encodeHistogram(run), staleness: encodeHistogram(run) },
    counters: { sent, accepted: sent, rejected: 0 },
    checkCounts: { ...zeroCheckCounts(), sent, accepted: sent },
    series,
    thresholds: [
      {
        expression: 'ack_latency.p99 < 30ms',
        scope: 'run',
        metric: 'ack_latency.p99',
        op: '<',
        value: 30,
        unit: 'ms',
        actual: 0,
        passed: true,
      },
      {
        expression: 'silent_drops == 0',
        scope: 'run',
        metric: 'silent_drops',
        op: '==',
        value: 0,
        unit: '',
        actual: 0,
        passed: true,
      },
    ],
    generator: { ...base.generator, bottleneck: false },
    unavailable: [],
  };
}

const latency = fc.double({ min: 0.001, max: 60_000, noNaN: true });
const secondValues = fc.array(latency, { maxLength: 40 });

describe('mergeResults', () => {
  it('N shards give the same percentiles as one run over the same values', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(secondValues, { minLength: 1, maxLength: 4 }), { minLength: 2, maxLength: 4 }),
        fc.array(fc.integer({ min: 0, max: 999 }), { minLength: 4, maxLength: 4 }),
        (shardSeconds, offsets) => {
          const n = shardSeconds.length;
          const shards = shardSeconds.map((secs, i) => shard(i, n, secs, offsets[i] as number));
          const merged = mergeResults(shards.reverse());
          const whole = newHistogram();
          for (const v of shardSeconds.flat(2)) recordMs(whole, v);
          const mergedRun = decodeHistogram(merged.histograms.ack_latency as never);
          expect(mergedRun.totalCount).toBe(whole.totalCount);
          for (const p of [0, 50, 90, 99, 99.9, 99.99, 100]) {
            expect(mergedRun.getValueAtPercentile(p)).toBe(whole.getValueAtPercentile(p));
          }
          expect(merged.counters.sent).toBe(whole.totalCount);
          // Per wall-clock second: the merged point holds every value recorded in that second.
          const bySecond = new Map<number, number>();
          shards.forEach((s) => {
            for (const p of s.series) {
              const key = Math.floor(p.epochMs / 1000);
              bySecond.set(key, (bySecond.get(key) ?? 0) + p.sent);
            }
          });
          expect(merged.series.map((p) => p.sent)).toEqual(
            [...bySecond.keys()].sort((a, b) => a - b).map((k) => bySecond.get(k)),
          );
          for (const p of merged.series) expect(p.ackLatency?.summary.count ?? 0).toBe(p.sent);
        },
      ),
      { numRuns: 15 },
    );
  });

  it('judges thresholds again on the merged data and lets them decide the verdict', () => {
    // The slow shard alone breaks p99 < 30ms (1 in 50 slow); merged with two fast ones, 1 in 150 is slow.
    const fast = Array.from({ length: 50 }, () => 1);
    const slow = [...Array.from({ length: 49 }, () => 1), 100];
    const shards = [shard(0, 3, [fast], 0), shard(1, 3, [fast], 0), shard(2, 3, [slow], 0)];
    const merged = mergeResults(shards, ['a.json', 'b.json', 'c.json']);
    const p99 = merged.thresholds.find((t) => t.metric === 'ack_latency.p99');
    expect(p99?.passed).toBe(true);
    expect(p99?.actual).toBeCloseTo(
      decodeHistogram(merged.histograms.ack_latency as never).getValueAtPercentile(99) / 1000,
    );
    const heavy = [shard(0, 2, [slow], 0), shard(1, 2, [slow], 0)];
    const failing = mergeResults(heavy);
    expect(failing.thresholds[0]?.passed).toBe(false);
    expect(failing.verdict).toBe('failed');
    expect(failing.mergedShards).toBe(2);
  });

  it('adds up findings of one kind across shards and fails the merged run', () => {
    const finding = {
      kind: 'silent-drop' as const,
      severity: 'fail' as const,
      count: 2,
      message: 'observations got no outcome',
      examples: [{ session: 's-1', seq: '7', note: 'no ack' }],
    };
    const shards = [shard(0, 2, [[1]], 0), shard(1, 2, [[1]], 0)].map((s) => ({
      ...s,
      findings: [finding],
      checkCounts: { ...s.checkCounts, silentDrops: 2 },
    }));
    const merged = mergeResults(shards);
    expect(merged.findings).toHaveLength(1);
    expect(merged.findings[0]?.count).toBe(4);
    expect(merged.thresholds.find((t) => t.metric === 'silent_drops')?.actual).toBe(4);
    expect(merged.verdict).toBe('failed');
  });

  it("adds the shards' checker counts as structured data, nested groups key by key", () => {
    const shards = [shard(0, 2, [[1]], 0), shard(1, 2, [[1]], 0)].map((s, i) => ({
      ...s,
      checkCounts: {
        ...s.checkCounts,
        resumes: i + 1,
        rejectedByReason: (i === 0 ? { OVERLOADED: 2 } : { OVERLOADED: 3, SEQUENCE_GAP: 1 }) as Record<
          string,
          number
        >,
      },
    }));
    const merged = mergeResults(shards);
    expect(merged.checkCounts.resumes).toBe(3);
    expect(merged.checkCounts.rejectedByReason).toEqual({ OVERLOADED: 5, SEQUENCE_GAP: 1 });
    expect(merged.checkCounts.sent).toBe(2);
  });

  it('refuses different scenarios, duplicate and missing shards with the file names', () => {
    const a = shard(0, 2, [[1]], 0);
    const b = shard(1, 2, [[1]], 0);
    const other = { ...b, scenario: { ...b.scenario, name: 'other', digest: 'ffff' } };
    expect(() => mergeResults([a, other], ['a.json', 'o.json'])).toThrow(/o\.json ran scenario 'other'/);
    expect(() => mergeResults([a, a], ['a.json', 'a2.json'])).toThrow(
      /a\.json and a2\.json are both shard 0\/2/,
    );
    expect(() => mergeResults([a], ['a.json'])).toThrow(/shard 1\/2 is missing/);
    expect(() => mergeResults([a, b, shard(0, 3, [[1]], 0)])).toThrow(UserError);
  });
});
