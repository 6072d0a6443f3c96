// Properties of the pacer over random scenarios (fast-check): the schedule follows the
// integral of the rate, stays inside its phase, and splits exactly over sessions and shards.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createArrivals, phaseArrivalCountsFor } from '../../src/load/schedule/arrivals.js';
import { cumulativeArrivals, type DeterministicShape } from '../../src/load/schedule/rate-shapes.js';
import { shardSessions } from '../../src/load/schedule/shard.js';
import { scenarioOf } from './scenario-helpers.js';

const rate = fc.integer({ min: 0, max: 3000 });
const durationMs = fc.integer({ min: 50, max: 4000 });

const phaseYaml = fc.oneof(
  fc.record({ shape: fc.constant('constant'), rate, durationMs }),
  fc.record({ shape: fc.constant('ramp'), from: rate, to: rate, durationMs }),
  fc.record({
    shape: fc.constant('burst'),
    rate,
    burstRate: fc.integer({ min: 1, max: 5000 }),
    everyMs: fc.integer({ min: 20, max: 2000 }),
    burstShare: fc.double({ min: 0.05, max: 0.95, noNaN: true }),
    durationMs,
  }),
  fc.record({ shape: fc.constant('poisson'), rate, seed: fc.nat(1000), durationMs }),
);

type PhaseSpec = Record<string, number | string> & { shape: string; durationMs: number };

function toYaml(p: PhaseSpec, i: number): string {
  const head = `{ name: p${i}, duration: ${p.durationMs}ms, shape: ${p.shape}`;
  switch (p.shape) {
    case 'constant':
      return `${head}, rate: ${p.rate} }`;
    case 'ramp':
      return `${head}, from: ${p.from}, to: ${p.to} }`;
    case 'burst': {
      const burstMs = Math.max(1, Math.floor((p.everyMs as number) * (p.burstShare as number)));
      return `${head}, rate: ${p.rate}, burst: { rate: ${p.burstRate}, every: ${p.everyMs}ms, for: ${burstMs}ms } }`;
    }
    default:
      return `${head}, rate: ${p.rate}, seed: ${p.seed} }`;
  }
}

describe('pacer properties', () => {
  it('each deterministic phase has ceil(integral) arrivals, inside the phase, ascending, arrival j where the integral is j', () => {
    fc.assert(
      fc.property(fc.array(phaseYaml, { minLength: 1, maxLength: 3 }), (phases) => {
        const s = scenarioOf(phases.map(toYaml), '', 1);
        const times = [...createArrivals(s, 0, 1)];
        let k = 0;
        for (const phase of s.phases) {
          const end = phase.startMs + phase.durationMs;
          const inPhase = times.filter((t) => t >= phase.startMs && t < end);
          expect(times.slice(k, k + inPhase.length)).toEqual(inPhase);
          k += inPhase.length;
          if (phase.shape.kind === 'poisson') continue;
          const shape = phase.shape as DeterministicShape;
          const integral = cumulativeArrivals(shape, phase.durationMs, phase.durationMs);
          expect(inPhase.length).toBe(Math.max(0, Math.ceil(integral - 1e-9)));
          let worst = 0;
          inPhase.forEach((t, j) => {
            worst = Math.max(
              worst,
              Math.abs(cumulativeArrivals(shape, phase.durationMs, t - phase.startMs) - j),
            );
          });
          expect(worst).toBeLessThan(1e-6);
        }
        expect(k).toBe(times.length);
        expect(times.every((t, i) => i === 0 || t >= (times[i - 1] as number))).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('the union over the sessions of any shard split is the global schedule', () => {
    fc.assert(
      fc.property(
        fc.array(phaseYaml, { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 5 }),
        (phases, sessions, shardCount) => {
          const s = scenarioOf(phases.map(toYaml), '', sessions);
          const global = [...createArrivals(s, 0, 1)];
          const all: number[] = [];
          for (let index = 0; index < shardCount; index++) {
            const mine = shardSessions(sessions, { index, count: shardCount });
            const shardTimes = mine.flatMap((session) => [...createArrivals(s, session, sessions)]);
            const expected = phaseArrivalCountsFor(s, mine).reduce((a, b) => a + b, 0);
            expect(shardTimes.length).toBe(expected);
            all.push(...shardTimes);
          }
          expect(all.sort((a, b) => a - b)).toEqual(global);
        },
      ),
      { numRuns: 100 },
    );
  });
});
