import { describe, expect, it } from 'vitest';
import { describeSchedule } from '../../src/load/schedule/describe-schedule.js';
import { parseShard } from '../../src/load/schedule/shard.js';
import { UserError } from '../../src/util/user-error.js';
import { scenarioOf } from './scenario-helpers.js';

const s = scenarioOf(
  [
    '{ name: warm, duration: 2s, shape: ramp, from: 0, to: 100 }',
    '{ name: main, duration: 10s, shape: burst, rate: 10, burst: { rate: 100, every: 5s, for: 1s } }',
    '{ name: rnd, duration: 1s, shape: poisson, rate: 50, seed: 3 }',
  ],
  `target: { serve: { queue-capacity: 100 } }
dim: 32
faults:
  - { after: 50, kind: gap, share: 0.5, count: 2 }
  - { at: 3s, kind: disconnect, cut: channel, resumeAfter: 1500ms }
probes: { share: 0.05 }
thresholds:
  - silent_drops == 0
  - { expr: 'staleness.p99 < 50ms', scope: main, abortOnFail: true }`,
  4,
);

describe('describeSchedule (bench --dry-run)', () => {
  it('lists phases with times, shapes and expected counts, faults with times, probes, thresholds', () => {
    const text = describeSchedule(s);
    expect(text).toContain('Target: embedded reference server (--dim 32 --queue-capacity 100)');
    expect(text).toMatch(/warm\s+0s\s+2s\s+ramp 0\/s -> 100\/s\s+100\n/);
    expect(text).toMatch(/main\s+2s\s+12s\s+burst 10\/s, 100\/s for the last 1s of every 5s\s+280\n/);
    expect(text).toMatch(/rnd\s+12s\s+13s\s+poisson mean 50\/s \(seed 3\)\s+\d+\n/);
    expect(text).toMatch(
      /after 50 obs \(1400ms\)\s+2 sequence gap\(s\) per session, expect REJECTED SEQUENCE_GAP; 50% of sessions = 2\n/,
    );
    expect(text).toMatch(
      / {2}3s\s+disconnect \(cut the channel\), resume after 1500ms; 100% of sessions = 4\n/,
    );
    expect(text).toContain('Probes: 5% of observations, poll every 5ms, give up after 10s');
    expect(text).toMatch(/run\s+silent_drops == 0\n/);
    expect(text).toMatch(/main\s+staleness.p99 < 50ms {2}\(abort on fail\)\n/);
    expect(text).toContain('Close: with drain');
    expect(text).not.toContain('this shard');
  });

  it("with a shard, adds that shard's sessions, arrivals and share of each fault", () => {
    const text = describeSchedule(s, parseShard('1/2'));
    expect(text).toContain('Sessions: 4, shard 1/2 runs 2 of them');
    expect(text).toMatch(/warm\s+0s\s+2s\s+ramp 0\/s -> 100\/s\s+100\s+50\n/);
    expect(text).toContain('50% of sessions = 2 (1 in this shard)');
  });

  it('names the target the run would dial', () => {
    expect(describeSchedule(s, undefined, '127.0.0.1:7001')).toContain('\nTarget: 127.0.0.1:7001\n');
  });

  it('parseShard accepts i/N and refuses anything else with the expected form', () => {
    expect(parseShard(' 3/4 ')).toEqual({ index: 3, count: 4 });
    for (const bad of ['4/4', '1/0', '1', 'a/b', '-1/2']) {
      expect(() => parseShard(bad)).toThrow(UserError);
      expect(() => parseShard(bad)).toThrow(/write i\/N with 0 <= i < N/);
    }
  });
});
