import { describe, expect, it } from 'vitest';
import { arrivalTime } from '../../src/load/schedule/arrivals.js';
import { affectedSessions, resolveFaults } from '../../src/load/schedule/faults.js';
import { shardSessions } from '../../src/load/schedule/shard.js';
import { scenarioOf } from './scenario-helpers.js';

describe('fault schedule', () => {
  const s = scenarioOf(
    ['{ name: a, duration: 10s, shape: ramp, from: 100, to: 300 }'],
    `faults:
  - { at: 6s, kind: disconnect, share: 0.5, cut: channel, resumeAfter: 2s }
  - { after: 1000, kind: gap, share: 0.25, count: 2 }
  - { at: 1s, kind: hold, share: 0.1, for: 300ms }
  - { at: 6s, kind: duplicate, share: 1 }`,
    8,
  );

  it('puts every fault on the timeline: at a time, or at the intended time of the N-th observation', () => {
    const faults = resolveFaults(s);
    expect(faults.map((f) => [f.kind, f.atMs])).toEqual([
      ['hold', 1000],
      ['disconnect', 6000],
      ['duplicate', 6000],
      ['gap', arrivalTime(s, 999)],
    ]);
    // Ramp 100 -> 300/s over 10 s: the integral 100 t + 10 t^2 reaches 999 (the 1000th arrival) at t = 6.1752 s.
    expect(faults[3]?.atMs).toBeCloseTo(((-100 + Math.sqrt(100 * 100 + 40 * 999)) / 20) * 1000, 6);
  });

  it('affects ceil(share x sessions) sessions, at least one, and successive faults move on', () => {
    const bySession = Object.fromEntries(resolveFaults(s).map((f) => [f.kind, f.sessions]));
    expect(bySession).toEqual({
      disconnect: [0, 1, 2, 3],
      gap: [4, 5],
      hold: [6],
      duplicate: [0, 1, 2, 3, 4, 5, 6, 7],
    });
  });

  it('spreads a fault over shards in proportion: each of N shards gets its part', () => {
    for (const [share, sessions, shards] of [
      [0.5, 8, 2],
      [0.5, 4, 2],
      [0.25, 16, 4],
      [0.3, 10, 3],
    ] as const) {
      const affected = affectedSessions(share, sessions, 3);
      const perShard = Array.from({ length: shards }, (_, index) => {
        const mine = new Set(shardSessions(sessions, { index, count: shards }));
        return affected.filter((x) => mine.has(x)).length;
      });
      expect(Math.max(...perShard) - Math.min(...perShard)).toBeLessThanOrEqual(1);
      expect(perShard.reduce((a, b) => a + b, 0)).toBe(Math.ceil(share * sessions));
    }
  });

  it('wraps around the session list', () => {
    expect(affectedSessions(0.5, 4, 3)).toEqual([0, 3]);
    expect(affectedSessions(0.01, 4, 0)).toEqual([0]);
  });
});
