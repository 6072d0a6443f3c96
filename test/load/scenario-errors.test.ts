import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/load/scenario/load-scenario.js';
import { UserError } from '../../src/util/user-error.js';
import { loadError, scenarioText } from './scenario-helpers.js';

const ok = '{ name: a, duration: 10s, shape: constant, rate: 100 }';

describe('scenario errors name file, line, column, key path, the problem and the fix', () => {
  it('is a one-line UserError', () => {
    expect(() => parseScenario('name: x\n', 'bad.yaml')).toThrow(UserError);
    expect(loadError('name: x\n')).not.toContain('\n');
  });

  it.each([
    [
      'a misspelt key, with the likely intended one and the valid keys',
      scenarioText(['name: a\n    duration: 1s\n    shape: constant\n    rat: 100']),
      "bad.yaml:8:5: phases[0].rat: unknown key 'rat' (did you mean 'rate'?); valid keys here: name, duration, shape, rate",
    ],
    [
      'an unknown top-level key',
      `${scenarioText([ok])}\nsesions: 3`,
      "bad.yaml:7:1: sesions: unknown key 'sesions' (did you mean 'sessions'?)",
    ],
    [
      'a duration without a unit',
      scenarioText(['{ name: a, duration: 10, shape: constant, rate: 100 }']),
      "bad.yaml:5:26: phases[0].duration: expected a duration with a unit, e.g. '30s' or '500ms'; got 10",
    ],
    [
      'a duration with an unknown unit',
      scenarioText(['{ name: a, duration: 10sec, shape: constant, rate: 100 }']),
      "bad.yaml:5:26: phases[0].duration: '10sec' is not a duration; write a number with a unit: us, ms, s, m or h, e.g. '30s'",
    ],
    [
      'an unknown phase shape',
      scenarioText(['{ name: a, duration: 1s, shape: steady, rate: 100 }']),
      "bad.yaml:5:37: phases[0].shape: a phase needs 'shape: constant', 'shape: ramp', 'shape: burst' or 'shape: poisson'; got 'steady'",
    ],
    [
      'a rate that is not a number',
      scenarioText(['{ name: a, duration: 1s, shape: constant, rate: fast }']),
      "bad.yaml:5:53: phases[0].rate: expected a number, got 'fast'; write e.g. 'rate: 1000'",
    ],
    [
      'a negative rate',
      scenarioText(['{ name: a, duration: 1s, shape: ramp, from: -5, to: 10 }']),
      "bad.yaml:5:49: phases[0].from: must be >= 0, got -5; write e.g. 'from: 100'",
    ],
    [
      'a tolerance in the compare: block that does not fit its metric',
      `${scenarioText([ok])}\ncompare:\n  tolerances:\n    staleness.p99: +10 parsecs`,
      "bad.yaml:9:20: compare.tolerances.staleness.p99: '+10 parsecs' in 'staleness.p99=+10 parsecs' is not a change; write +10% or +2ms, e.g. 'staleness.p99=+10%' or 'ack_latency.p99=+0.5ms'",
    ],
    [
      'a missing required key',
      'name: x\nmemorySpaces: [abc]\nphases:\n  - { name: a, duration: 1s, shape: constant, rate: 1 }\n',
      "bad.yaml:1:1: sessions: missing; write e.g. 'sessions: 8'",
    ],
    [
      'a missing key inside a phase points at the phase',
      scenarioText(['{ name: a, shape: constant, rate: 1 }']),
      "bad.yaml:5:5: phases[0].duration: missing; expected a duration with a unit, e.g. '30s' or '500ms'",
    ],
    [
      'a bad memory space id',
      scenarioText([ok]).replace('[test-space]', '[Test Space]'),
      "bad.yaml:2:16: memorySpaces[0]: a memory space id is 3 to 64 characters of a-z, 0-9, '_' and '-'; got 'Test Space'",
    ],
    [
      'a burst as long as its period',
      scenarioText([
        '{ name: b, duration: 5s, shape: burst, rate: 1, burst: { rate: 9, every: 1s, for: 1s } }',
      ]),
      "bad.yaml:5:87: phases[0].burst.for: a burst must be shorter than its period (every: 1000ms); write e.g. 'every: 10s, for: 1s'",
    ],
    [
      'a Poisson phase too large to draw up front',
      scenarioText(['{ name: p, duration: 2h, shape: poisson, rate: 5000 }']),
      "bad.yaml:5:52: phases[0].rate: a Poisson phase's arrivals are drawn up front and are limited to 20000000 (rate x duration)",
    ],
    [
      'two phases with one name',
      scenarioText([ok, ok]),
      "bad.yaml:6:13: phases[1].name: phase name 'a' is used twice; names must be unique",
    ],
    [
      'a fault kind that does not exist',
      scenarioText([ok], 'faults:\n  - { at: 1s, kind: crash }'),
      "bad.yaml:7:21: faults[0].kind: a fault needs 'kind:' disconnect, gap, duplicate, hold, latency, bandwidth, reset, blackhole, slow-close or stall-reads; got 'crash'",
    ],
    [
      'a fault without a time or count',
      scenarioText([ok], 'faults:\n  - { kind: gap }'),
      "bad.yaml:7:5: faults[0]: a fault needs exactly one of 'at: 20s' (a time) or 'after: 5000' (observations sent)",
    ],
    [
      'a fault after the end of the phases',
      scenarioText([ok], 'faults:\n  - { at: 10s, kind: gap }'),
      'bad.yaml:7:11: faults[0].at: at 10000ms is not before the end of the phases (10000ms); pick an earlier time',
    ],
    [
      'a fault after more observations than the phases send',
      scenarioText([ok], 'faults:\n  - { after: 1001, kind: duplicate }'),
      'bad.yaml:7:14: faults[0].after: after 1001 observations, but the phases send only 1000; pick a smaller count',
    ],
    [
      'a share above 1',
      scenarioText([ok], 'faults:\n  - { at: 1s, kind: hold, share: 2, for: 1s }'),
      "bad.yaml:7:34: faults[0].share: must be <= 1, got 2; write e.g. 'share: 0.5'",
    ],
    [
      'an unknown cut',
      scenarioText([ok], 'faults:\n  - { at: 1s, kind: disconnect, cut: socket }'),
      "bad.yaml:7:38: faults[0].cut: must be one of stream, channel, got 'socket'",
    ],
    [
      'a threshold on an unknown metric lists the valid ones',
      scenarioText([ok], 'thresholds:\n  - latency.p99 < 10ms'),
      "bad.yaml:7:5: thresholds[0]: unknown metric 'latency.p99'; valid metrics: ack_latency.{min,mean,p50,p90,p99,p999,p9999,max}",
    ],
    [
      'a duration threshold without a unit',
      scenarioText([ok], 'thresholds:\n  - { expr: staleness.p99 < 100, scope: a }'),
      "bad.yaml:7:13: thresholds[0].expr: 'staleness.p99' is a duration: give the value a unit (us, ms or s), e.g. 'staleness.p99 < 100ms'",
    ],
    [
      'a threshold on an unknown phase lists the scopes',
      scenarioText([ok], 'thresholds:\n  - { expr: rejected == 0, scope: warmup }'),
      "bad.yaml:7:35: thresholds[0].scope: unknown scope 'warmup'; write 'run' or a phase name: run, a",
    ],
    [
      'a checker metric scoped to a phase',
      scenarioText([ok], 'thresholds:\n  - { expr: lost_writes == 0, scope: a }'),
      "bad.yaml:7:38: thresholds[0].scope: lost_writes is judged over the whole run by the history checker; write 'scope: run' or leave scope out",
    ],
    [
      'a serve flag that bench sets itself',
      scenarioText([ok], 'target:\n  serve:\n    queue-capacity: 10\n    dim: 64'),
      "bad.yaml:9:5: target.serve.dim: 'dim' is set by bench itself (dim from the scenario's 'dim', host and port chosen free); remove it",
    ],
    ['a YAML syntax error', 'name: x\nphases: [\n', 'bad.yaml:3:1: not valid YAML:'],
    [
      'a document that is not a map',
      '- just\n- a list\n',
      'bad.yaml:1:1: (top level): expected a map, got a list',
    ],
  ])('%s', (_, text, expected) => {
    expect(loadError(text)).toContain(expected);
  });

  it('says an empty file is empty, and what it needs', () => {
    expect(loadError('# nothing yet\n')).toBe(
      'bad.yaml:1:1: the scenario is empty; write at least name, memorySpaces, sessions and phases (see docs/scenarios.md)',
    );
  });

  it('suggests the key a shortened one stands for', () => {
    const text = scenarioText([ok], "thresholds:\n  - { expr: 'silent_drops == 0', abort: true }");
    expect(loadError(text)).toContain(
      "thresholds[0].abort: unknown key 'abort' (did you mean 'abortOnFail'?)",
    );
  });

  it('names whole numbers and lists in YAML terms', () => {
    expect(loadError(scenarioText([ok]).replace('sessions: 4', 'sessions: 1.5'))).toContain(
      "sessions: expected a whole number, got 1.5; write e.g. 'sessions: 8'",
    );
    expect(loadError(scenarioText([ok]).replace('[test-space]', 'test-space'))).toContain(
      "memorySpaces: expected a list, got 'test-space'",
    );
  });

  it('says how many more problems there are', () => {
    const text = scenarioText(['{ name: a, duration: 1, shape: constant, rate: x }']);
    expect(loadError(text)).toMatch(/\(and 1 more problem\)$/);
  });

  it('reports a misspelt key before the "missing" it causes', () => {
    const text = scenarioText(['{ name: a, duraton: 1s, shape: constant, rate: 1 }']);
    expect(loadError(text)).toContain("phases[0].duraton: unknown key 'duraton' (did you mean 'duration'?)");
  });

  it('rejects duplicate keys as YAML errors', () => {
    expect(loadError(`${scenarioText([ok])}\nsessions: 5`)).toMatch(
      /^bad\.yaml:7:1: not valid YAML: Map keys must be unique/,
    );
  });
});
