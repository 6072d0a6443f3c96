// Network faults in a scenario: what loads, what is refused (one line, with the fix), and the
// timeline the proxy plays: a pure function of the file, the same every time.
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/load/scenario/load-scenario.js';
import { describeSchedule } from '../../src/load/schedule/describe-schedule.js';
import { networkTimeline } from '../../src/load/schedule/network-timeline.js';
import { loadError, scenarioOf, scenarioText } from './scenario-helpers.js';

const ten = '{ name: a, duration: 10s, shape: constant, rate: 100 }';

function timeline(faults: string[]) {
  const s = scenarioOf([ten], ['faults:', ...faults.map((f) => `  - ${f}`)].join('\n'));
  return networkTimeline(s).map((a) => `${a.t} ${a.action} ${a.fault.kind} [${a.fault.sessions.join(',')}]`);
}

describe('network faults in scenarios', () => {
  it('plays starts and ends on the run clock; a reset every N repeats while its duration lasts', () => {
    expect(
      timeline([
        '{ at: 1s, kind: latency, delay: 20ms, jitter: 5ms, share: 1 }',
        '{ at: 2s, kind: reset, every: 3s, duration: 7s, share: 0.5 }',
        '{ at: 4s, kind: blackhole, duration: 2s, share: 0.25 }',
        '{ at: 6s, kind: reset, share: 0.25 }',
      ]),
    ).toEqual([
      '1000 start latency [0,1,2,3]',
      '2000 start reset [0,1]',
      '4000 start blackhole [2]',
      '5000 start reset [0,1]',
      '6000 end blackhole [2]',
      '6000 start reset [3]',
      '8000 start reset [0,1]',
      '10000 end latency [0,1,2,3]',
    ]);
  });

  it('the shipped chaos scenario loads and says what its network does', () => {
    const s = loadScenario('scenarios/chaos.yaml');
    const text = describeSchedule(s);
    expect(text).toContain('black hole both ways on the open connections, until 25s');
    expect(text).toContain('TCP reset mid-frame (bench to target)');
    expect(text).toContain('Keepalive: ping every 1s');
    expect(networkTimeline(s)).toEqual(networkTimeline(loadScenario('scenarios/chaos.yaml')));
  });

  it.each([
    [
      'a single reset with a duration',
      '{ at: 1s, kind: reset, duration: 2s }',
      "faults[0].duration: a single reset has no duration; add 'every: 5s' to repeat it while the duration lasts, or remove 'duration'",
    ],
    [
      'resets too close together',
      '{ at: 1s, kind: reset, every: 10ms }',
      'faults[0].every: resets at most every 100ms',
    ],
    ['a black hole without a duration', '{ at: 1s, kind: blackhole }', 'faults[0].duration'],
    [
      'a misspelt latency key',
      '{ at: 1s, kind: latency, delay: 5ms, jiter: 1ms }',
      "unknown key 'jiter' (did you mean 'jitter'?)",
    ],
    ['a bandwidth without its rate', '{ at: 1s, kind: bandwidth, duration: 1s }', 'faults[0].bytesPerSecond'],
  ])('refuses %s', (_, fault, message) => {
    expect(loadError(scenarioText([ten], `faults:\n  - ${fault}`))).toContain(message);
  });
});
