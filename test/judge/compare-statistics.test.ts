// The comparison's statistics as properties: a run compared with itself never changes,
// two runs drawn from one distribution never regress, and a shift beyond the tolerance
// is found in the right direction and measured to within the histograms' precision.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bootstrapChange, quantileOfSorted, resample } from '../../src/judge/compare/bootstrap.js';
import { compareBench } from '../../src/judge/compare/compare-bench.js';
import { judgeChange, overallVerdict } from '../../src/judge/compare/judge-change.js';
import { seededRandom } from '../../src/util/seeded-random.js';
import { syntheticRun, uniformModel } from './synthetic-run.js';

const files = { baseline: 'base.json', current: 'current.json' };
const quick = { replicates: 300, confidence: 0.95, seed: 1 };

describe('bootstrap', () => {
  it('resamples each stratum to its own size, only from its own items', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer(), { minLength: 1, maxLength: 8 }), { maxLength: 5 }),
        fc.nat(),
        (strata, seed) => {
          const out = resample(strata, seededRandom(seed));
          expect(out).toHaveLength(strata.reduce((n, s) => n + s.length, 0));
          let at = 0;
          for (const s of strata) {
            for (const x of out.slice(at, at + s.length)) expect(s).toContain(x);
            at += s.length;
          }
        },
      ),
    );
  });

  it('gives an interval of width zero for constant data and a wide one for spread data', () => {
    const mean = (xs: readonly number[]) => [xs.reduce((a, b) => a + b, 0) / xs.length];
    const flat = [[5, 5, 5, 5, 5, 5]];
    expect(bootstrapChange(flat, flat, mean, quick)).toEqual([{ lo: 0, hi: 0 }]);
    const spread = [[1, 9, 2, 8, 3, 7]];
    const [i] = bootstrapChange(spread, spread, mean, quick);
    expect(i?.lo).toBeLessThan(-1);
    expect(i?.hi).toBeGreaterThan(1);
  });

  it('interpolates quantiles of sorted values', () => {
    expect(quantileOfSorted([0, 10], 0.5)).toBe(5);
    expect(quantileOfSorted([1, 2, 3], 1)).toBe(3);
    expect(quantileOfSorted([], 0.5)).toBeNaN();
  });
});

describe('judgeChange', () => {
  const finite = fc.double({ min: -1000, max: 1000, noNaN: true });
  it('never calls a change whose interval holds zero anything but NO CHANGE', () => {
    fc.assert(
      fc.property(
        finite,
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 50, noNaN: true }),
        fc.constantFrom('up' as const, 'down' as const),
        (change, below, above, allowance, worse) => {
          const v = judgeChange({ change, interval: { lo: -below, hi: above }, allowance, worse });
          expect(v).toBe('NO CHANGE');
        },
      ),
    );
  });

  it('is symmetric: a worsening of a rising metric is the same verdict as the mirror of a falling one', () => {
    fc.assert(
      fc.property(
        finite,
        finite,
        finite,
        fc.double({ min: 0, max: 50, noNaN: true }),
        (change, a, b, allowance) => {
          const interval = { lo: Math.min(a, b), hi: Math.max(a, b) };
          const up = judgeChange({ change, interval, allowance, worse: 'up' });
          const down = judgeChange({
            change: -change,
            interval: { lo: -interval.hi, hi: -interval.lo },
            allowance,
            worse: 'down',
          });
          expect(down).toBe(up);
        },
      ),
    );
  });

  it('regresses beyond the tolerance with the interval wholly on the worse side', () => {
    expect(judgeChange({ change: 5, interval: { lo: 3, hi: 7 }, allowance: 1, worse: 'up' })).toBe(
      'REGRESSED',
    );
    expect(judgeChange({ change: 5, interval: { lo: 3, hi: 7 }, allowance: 6, worse: 'up' })).toBe(
      'NO CHANGE',
    );
    expect(judgeChange({ change: -5, interval: { lo: -7, hi: -3 }, allowance: 1, worse: 'up' })).toBe(
      'IMPROVED',
    );
    expect(judgeChange({ change: -5, interval: { lo: -7, hi: -3 }, allowance: 1, worse: 'down' })).toBe(
      'REGRESSED',
    );
  });

  it('puts a regression before an undecided decisive metric, before an improvement', () => {
    const v = (verdict: 'REGRESSED' | 'IMPROVED' | 'NO CHANGE' | 'INCONCLUSIVE', decisive = true) => ({
      verdict,
      decisive,
    });
    expect(overallVerdict([v('IMPROVED'), v('INCONCLUSIVE'), v('REGRESSED')])).toBe('REGRESSED');
    expect(overallVerdict([v('IMPROVED'), v('INCONCLUSIVE')])).toBe('INCONCLUSIVE');
    expect(overallVerdict([v('IMPROVED'), v('INCONCLUSIVE', false)])).toBe('IMPROVED');
    expect(overallVerdict([v('NO CHANGE')])).toBe('NO CHANGE');
  });
});

describe('compareBench on synthetic runs', () => {
  it('a run compared with itself is NO CHANGE on every metric', () => {
    fc.assert(
      fc.property(
        fc.nat(),
        fc.integer({ min: 6, max: 12 }),
        fc.integer({ min: 1700, max: 2500 }),
        (seed, seconds, rate) => {
          const run = syntheticRun(uniformModel(seed, seconds, rate));
          const c = compareBench({ baseline: run, current: run, files, bootstrap: quick });
          for (const m of c.metrics) {
            expect({ metric: m.metric, verdict: m.verdict, change: m.change }).toEqual({
              metric: m.metric,
              verdict: 'NO CHANGE',
              change: 0,
            });
          }
          expect(c.verdict).toBe('NO CHANGE');
        },
      ),
      { numRuns: 4 },
    );
  });

  it('two runs drawn from one distribution never regress', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), (a, b) => {
        const c = compareBench({
          baseline: syntheticRun(uniformModel(a)),
          current: syntheticRun(uniformModel(b + 1_000_003)),
          files,
          bootstrap: quick,
        });
        expect(c.metrics.filter((m) => m.verdict === 'REGRESSED').map((m) => m.metric)).toEqual([]);
      }),
      { numRuns: 4 },
    );
  });

  it('finds a shift of ack latency beyond the tolerance, in the right direction, measured to 0.1%', () => {
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 3, max: 40 }), (seed, shift) => {
        const base = uniformModel(seed);
        const slower = { ...base, ackMs: (u: number) => base.ackMs(u) + shift };
        const worse = compareBench({
          baseline: syntheticRun(base),
          current: syntheticRun(slower),
          files,
          bootstrap: quick,
        });
        const better = compareBench({
          baseline: syntheticRun(slower),
          current: syntheticRun(base),
          files,
          bootstrap: quick,
        });
        const p50 = (c: typeof worse) => c.metrics.find((m) => m.metric === 'ack_latency.p50');
        expect(p50(worse)?.verdict).toBe('REGRESSED');
        expect(p50(better)?.verdict).toBe('IMPROVED');
        expect(worse.verdict).toBe('REGRESSED');
        // HDR buckets at 3 significant digits: each value within 0.1% of the true one.
        expect(Math.abs((p50(worse)?.change as number) - shift)).toBeLessThanOrEqual(0.001 * (shift + 5) * 2);
        // Staleness did not move.
        expect(worse.metrics.filter((m) => m.group === 'staleness' && m.verdict !== 'NO CHANGE')).toEqual([]);
      }),
      { numRuns: 5 },
    );
  });
});
