import { describe, expect, it } from 'vitest';
import {
  evaluateThreshold,
  evaluateThresholds,
  type MetricLookup,
} from '../../src/judge/thresholds/evaluate-thresholds.js';
import { scenarioOf } from '../load/scenario-helpers.js';

const scenario = scenarioOf(
  [
    '{ name: warm, duration: 1s, shape: constant, rate: 10 }',
    '{ name: main, duration: 1s, shape: constant, rate: 10 }',
  ],
  `thresholds:
  - ack_latency.p99 < 10ms
  - silent_drops == 0
  - { expr: 'staleness.p99 < 100ms', scope: main, abortOnFail: true }
  - staleness_probe.p99 < 1s
  - rejected{overloaded} > 0
  - rejected_rate <= 0.5
  - ack_latency.max != 12ms
  - achieved_rate >= 10`,
);

const values: Record<string, number> = {
  'run/ack_latency.p99': 9.999,
  'run/silent_drops': 1,
  'main/staleness.p99': 100,
  'run/rejected{OVERLOADED}': 3,
  'run/rejected_rate': 0.5,
  'run/ack_latency.max': 12,
  'run/achieved_rate': Number.NaN,
};
const lookup: MetricLookup = (metric, scope) =>
  values[`${scope}/${metric}`] ?? { unavailable: 'the target has no RecallStream (UNIMPLEMENTED)' };

describe('threshold evaluation', () => {
  it('judges each threshold against the looked-up value, with its scope', () => {
    const results = evaluateThresholds(scenario.thresholds, lookup);
    expect(results.map((r) => [r.expression, r.scope, r.actual, r.passed])).toEqual([
      ['ack_latency.p99 < 10ms', 'run', 9.999, true],
      ['silent_drops == 0', 'run', 1, false],
      ['staleness.p99 < 100ms', 'main', 100, false],
      ['staleness_probe.p99 < 1s', 'run', null, null],
      ['rejected{overloaded} > 0', 'run', 3, true],
      ['rejected_rate <= 0.5', 'run', 0.5, true],
      ['ack_latency.max != 12ms', 'run', 12, false],
      ['achieved_rate >= 10', 'run', null, null],
    ]);
    expect(results[0]?.metric).toBe('ack_latency.p99');
    expect(results[4]?.metric).toBe('rejected{OVERLOADED}');
  });

  it('never passes what could not be measured: passed is null with the reason', () => {
    const [probe] = evaluateThresholds([scenario.thresholds[3] as never], lookup);
    expect(probe).toEqual({
      expression: 'staleness_probe.p99 < 1s',
      scope: 'run',
      metric: 'staleness_probe.p99',
      op: '<',
      value: 1000,
      unit: 'ms',
      actual: null,
      passed: null,
      note: 'the target has no RecallStream (UNIMPLEMENTED)',
    });
    const noSamples = evaluateThreshold(scenario.thresholds[7] as never, lookup);
    expect(noSamples.passed).toBeNull();
    expect(noSamples.note).toBe('achieved_rate has no value (no samples)');
  });

  it('asks the lookup for the canonical metric name and the scope', () => {
    const asked: string[] = [];
    evaluateThresholds(scenario.thresholds, (metric, scope) => {
      asked.push(`${scope}/${metric}`);
      return 0;
    });
    expect(asked).toContain('main/staleness.p99');
    expect(asked).toContain('run/rejected{OVERLOADED}');
  });

  it('keeps abortOnFail on the threshold for the run to act on', () => {
    expect(scenario.thresholds.filter((t) => t.abortOnFail).map((t) => t.expression)).toEqual([
      'staleness.p99 < 100ms',
    ]);
  });
});
