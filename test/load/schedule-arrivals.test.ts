import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../src/load/scenario/scenario.js';
import {
  arrivalTime,
  createArrivals,
  phaseArrivalCounts,
  phaseArrivalCountsFor,
  totalArrivals,
} from '../../src/load/schedule/arrivals.js';
import { phaseAt } from '../../src/load/schedule/phases.js';
import { cumulativeArrivals } from '../../src/load/schedule/rate-shapes.js';
import { shardSessions } from '../../src/load/schedule/shard.js';
import { scenarioOf } from './scenario-helpers.js';

function globalTimes(s: Scenario): number[] {
  return [...createArrivals(s, 0, 1)];
}

/** Arrivals of all sessions merged by time, each tagged with its session. */
function unionOverSessions(s: Scenario, sessions: number[]): { t: number; session: number }[] {
  return sessions
    .flatMap((session) => [...createArrivals(s, session, s.sessions)].map((t) => ({ t, session })))
    .sort((a, b) => a.t - b.t || a.session - b.session);
}

function countIn(times: number[], from: number, to: number): number {
  return times.filter((t) => t >= from && t < to).length;
}

describe('pacer: deterministic shapes follow the integral of the rate', () => {
  it('constant 1000/s for 10 s: 10,000 arrivals, arrival k at exactly k ms', () => {
    const s = scenarioOf(['{ name: c, duration: 10s, shape: constant, rate: 1000 }']);
    const times = globalTimes(s);
    expect(times.length).toBe(10_000);
    times.forEach((t, k) => {
      expect(t).toBeCloseTo(k, 9);
    });
    expect(phaseArrivalCounts(s)).toEqual([10_000]);
  });

  it('constant with a fractional expected count rounds up: 3/s for 1.5 s gives 5 (4.5 expected)', () => {
    const s = scenarioOf(['{ name: c, duration: 1500ms, shape: constant, rate: 3 }']);
    expect(globalTimes(s)).toEqual([0, 1000 / 3, 2000 / 3, 1000, 4000 / 3]);
  });

  it.each([
    ['up', 100, 1000],
    ['down', 1000, 100],
    ['from zero', 0, 500],
  ])('ramp %s (%d -> %d/s over 10 s): arrival k is where the integral reaches k', (_, from, to) => {
    const s = scenarioOf([`{ name: r, duration: 10s, shape: ramp, from: ${from}, to: ${to} }`]);
    const shape = s.phases[0]?.shape as { kind: 'ramp'; from: number; to: number };
    const times = globalTimes(s);
    const expected = ((from + to) / 2) * 10; // trapezoid area
    expect(times.length).toBe(Math.ceil(expected));
    times.forEach((t, k) => {
      expect(cumulativeArrivals(shape, 10_000, t)).toBeCloseTo(k, 6);
    });
    // Every one-second window holds the integral's increase (up to the rounding of whole arrivals).
    for (let sec = 0; sec < 10; sec++) {
      const a = cumulativeArrivals(shape, 10_000, sec * 1000);
      const b = cumulativeArrivals(shape, 10_000, (sec + 1) * 1000);
      expect(countIn(times, sec * 1000, (sec + 1) * 1000)).toBe(Math.ceil(b - 1e-9) - Math.ceil(a - 1e-9));
    }
  });

  it('burst: base rate between bursts, burst rate in the last second of each period', () => {
    const s = scenarioOf([
      '{ name: b, duration: 20s, shape: burst, rate: 100, burst: { rate: 1000, every: 5s, for: 1s } }',
    ]);
    const times = globalTimes(s);
    expect(times.length).toBe(4 * (100 * 4 + 1000));
    for (let period = 0; period < 4; period++) {
      const start = period * 5000;
      expect(countIn(times, start, start + 4000)).toBe(400);
      expect(countIn(times, start + 4000, start + 5000)).toBe(1000);
    }
    // Inside the burst the spacing is 1 ms, between bursts 10 ms.
    expect(times[1]).toBeCloseTo(10, 9);
    const firstBurst = times.findIndex((t) => t >= 4000);
    expect((times[firstBurst + 1] as number) - (times[firstBurst] as number)).toBeCloseTo(1, 9);
  });

  it('burst with a base rate of 0 sends only in the bursts', () => {
    const s = scenarioOf([
      '{ name: b, duration: 10s, shape: burst, rate: 0, burst: { rate: 200, every: 5s, for: 500ms } }',
    ]);
    const times = globalTimes(s);
    expect(times.length).toBe(200);
    for (const t of times) expect(t % 5000).toBeGreaterThanOrEqual(4500);
  });

  it('a phase at rate 0 is a pause: no arrivals, and the next phase starts on time', () => {
    const s = scenarioOf([
      '{ name: a, duration: 1s, shape: constant, rate: 10 }',
      '{ name: pause, duration: 2s, shape: constant, rate: 0 }',
      '{ name: b, duration: 1s, shape: constant, rate: 10 }',
    ]);
    const times = globalTimes(s);
    expect(phaseArrivalCounts(s)).toEqual([10, 0, 10]);
    expect(times.slice(9, 12)).toEqual([900, 3000, 3100]);
  });
});

describe('pacer: Poisson arrivals (seeded)', () => {
  const poisson = (seed: number) =>
    scenarioOf([`{ name: p, duration: 20s, shape: poisson, rate: 2000, seed: ${seed} }`]);

  it('mean inter-arrival time is 1/rate and gaps look exponential (fixed seed)', () => {
    const times = globalTimes(poisson(11));
    const n = times.length;
    // 40,000 expected; sd of a Poisson count is 200: allow 5 sd.
    expect(Math.abs(n - 40_000)).toBeLessThan(1000);
    const gaps = times.slice(1).map((t, i) => t - (times[i] as number));
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    expect(Math.abs(mean - 0.5) / 0.5).toBeLessThan(0.02);
    const variance = gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / gaps.length;
    // Exponential: standard deviation equals the mean.
    expect(Math.abs(Math.sqrt(variance) / mean - 1)).toBeLessThan(0.03);
    expect(times.every((t, i) => i === 0 || t >= (times[i - 1] as number))).toBe(true);
    expect(times[n - 1]).toBeLessThan(20_000);
  });

  it('the same seed gives the same schedule; another seed another', () => {
    expect(globalTimes(poisson(5))).toEqual(globalTimes(poisson(5)));
    expect(globalTimes(poisson(6))).not.toEqual(globalTimes(poisson(5)));
  });

  it('without a seed, a Poisson phase is seeded from the scenario seed and its index', () => {
    const a = scenarioOf(['{ name: p, duration: 1s, shape: poisson, rate: 100 }'], 'seed: 40');
    expect(a.phases[0]?.shape).toEqual({ kind: 'poisson', rate: 100, seed: 40 });
  });
});

describe('pacer: sessions and shards split one global process', () => {
  const mixed = () =>
    scenarioOf(
      [
        '{ name: up, duration: 2s, shape: ramp, from: 10, to: 700 }',
        '{ name: rnd, duration: 2s, shape: poisson, rate: 900, seed: 3 }',
        '{ name: b, duration: 3s, shape: burst, rate: 50, burst: { rate: 800, every: 1s, for: 200ms } }',
      ],
      '',
      7,
    );

  it('global arrival k goes to session k mod sessions, and the union is the global process', () => {
    const s = mixed();
    const global = globalTimes(s);
    const union = unionOverSessions(s, [0, 1, 2, 3, 4, 5, 6]);
    expect(union.map((a) => a.t)).toEqual(global);
    union.forEach((a, k) => {
      expect(a.session).toBe(k % 7);
    });
    expect(totalArrivals(s)).toBe(global.length);
  });

  it('the union over shards (--shard i/3) is the global process, each shard with its counts', () => {
    const s = mixed();
    const global = globalTimes(s);
    const shards = [0, 1, 2].map((index) => shardSessions(s.sessions, { index, count: 3 }));
    expect(shards).toEqual([
      [0, 3, 6],
      [1, 4],
      [2, 5],
    ]);
    const perShard = shards.map((sessions) => unionOverSessions(s, sessions).map((a) => a.t));
    expect(perShard.flat().sort((a, b) => a - b)).toEqual(global);
    shards.forEach((sessions, i) => {
      const counts = phaseArrivalCountsFor(s, sessions);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(perShard[i]?.length);
      s.phases.forEach((p, j) => {
        const inPhase = countIn(perShard[i] as number[], p.startMs, p.startMs + p.durationMs);
        expect(counts[j]).toBe(inPhase);
      });
    });
  });

  it('arrivalTime(k) is the k-th global arrival', () => {
    const s = mixed();
    const global = globalTimes(s);
    for (const k of [0, 1, 500, 1234, global.length - 1]) expect(arrivalTime(s, k)).toBe(global[k]);
    expect(() => arrivalTime(s, global.length)).toThrow(RangeError);
  });

  it('rejects a session index outside 0..sessionCount-1', () => {
    const s = mixed();
    expect(() => createArrivals(s, 7, 7).next()).toThrow(RangeError);
  });
});

describe('phaseAt', () => {
  it('maps times to phases, with phase ends exclusive and undefined outside the run', () => {
    const s = scenarioOf([
      '{ name: a, duration: 1s, shape: constant, rate: 1 }',
      '{ name: b, duration: 2s, shape: constant, rate: 1 }',
      '{ name: c, duration: 500ms, shape: constant, rate: 1 }',
    ]);
    expect(phaseAt(s, 0)?.name).toBe('a');
    expect(phaseAt(s, 999.9)?.name).toBe('a');
    expect(phaseAt(s, 1000)?.name).toBe('b');
    expect(phaseAt(s, 2999)?.name).toBe('b');
    expect(phaseAt(s, 3000)?.name).toBe('c');
    expect(phaseAt(s, 3499)?.index).toBe(2);
    expect(phaseAt(s, 3500)).toBeUndefined();
    expect(phaseAt(s, -1)).toBeUndefined();
    expect(s.phases.map((p) => p.startMs)).toEqual([0, 1000, 3000]);
    expect(s.totalMs).toBe(3500);
  });
});
