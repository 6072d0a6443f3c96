import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario, parseScenario } from '../../src/load/scenario/load-scenario.js';
import { UserError } from '../../src/util/user-error.js';
import { scenarioOf } from './scenario-helpers.js';

const SCENARIOS = join(import.meta.dirname, '../../scenarios');
const shipped = readdirSync(SCENARIOS).filter((f) => f.endsWith('.yaml'));

describe('shipped scenarios', () => {
  it('include every scenario the issue asks for', () => {
    expect(shipped.map((f) => basename(f, '.yaml')).sort()).toEqual(
      [
        'burst',
        'chaos',
        'disconnect-resume',
        'gaps-duplicates',
        'overload',
        'ramp',
        'smoke',
        'soak',
        'steady',
      ].sort(),
    );
  });

  it.each(shipped)('%s loads, is named after its file and starts with a comment block', (file) => {
    const s = loadScenario(join(SCENARIOS, file));
    expect(s.name).toBe(basename(file, '.yaml'));
    expect(s.description.length).toBeGreaterThan(10);
    const text = readFileSync(join(SCENARIOS, file), 'utf8');
    const commentLines = text.split('\n').findIndex((line) => !line.startsWith('#'));
    expect(commentLines).toBeGreaterThanOrEqual(3);
    expect(s.thresholds.map((t) => t.metric)).toContain('silent_drops');
  });

  it('smoke runs under 10 s with time to spare for start-up and drain, at a small dimension it documents', () => {
    const s = loadScenario(join(SCENARIOS, 'smoke.yaml'));
    expect(s.totalMs).toBeLessThanOrEqual(6000);
    expect(s.dim).toBeLessThan(768);
    expect(s.target.address).toBeUndefined();
    expect(s.source).toMatch(new RegExp(`^#[^]*${s.dim}-dimensional`));
  });
});

describe('loadScenario', () => {
  it('normalizes every section: durations in ms, shapes, faults, probes, thresholds, target flags', () => {
    const s = parseScenario(
      `# comment
name: full
description: "  all of it  "
target:
  address: 127.0.0.1:7000
  serve: { queue-capacity: 500, index-workers: 2, verbose: true, quiet: false }
memorySpaces: [space-a, space_b]
dim: 128
embeddings: { kind: clustered, clusters: 4 }
seed: 9
sessions: 6
sendWindow: 32
indexAcks: false
phases:
  - { name: c, duration: 1s, shape: constant, rate: 100 }
  - { name: r, duration: 1.5s, shape: ramp, from: 100, to: 200 }
  - { name: b, duration: 2m, shape: burst, rate: 10, burst: { rate: 90, every: 10s, for: 250ms } }
  - { name: p, duration: 500ms, shape: poisson, rate: 40 }
faults:
  - { at: 2s, kind: disconnect, share: 0.5, cut: channel, resumeAfter: 3s }
  - { after: 50, kind: gap, count: 2 }
  - { at: 1s, kind: duplicate }
  - { at: 3s, kind: hold, share: 0.25, for: 400ms }
probes: { share: 0.1, pollInterval: 2ms, timeout: 1s }
thresholds:
  - ack_latency.p99 < 500us
  - { expr: 'staleness_probe.max <= 2s', scope: r, abortOnFail: true }
  - rejected{overloaded} == 0
compare:
  tolerances: { staleness.p99: +10%, achieved_rate: -2% }
close: { drain: false }
`,
      'full.yaml',
    );
    expect({ ...s, source: undefined }).toEqual({
      name: 'full',
      description: 'all of it',
      file: 'full.yaml',
      source: undefined,
      target: {
        address: '127.0.0.1:7000',
        serveArgs: ['--queue-capacity', '500', '--index-workers', '2', '--verbose'],
      },
      memorySpaces: ['space-a', 'space_b'],
      dim: 128,
      embeddings: { kind: 'clustered', seed: 9, clusters: 4, spread: 0.1 },
      seed: 9,
      sessions: 6,
      sendWindow: 32,
      indexAcks: false,
      phases: [
        { name: 'c', index: 0, startMs: 0, durationMs: 1000, shape: { kind: 'constant', rate: 100 } },
        { name: 'r', index: 1, startMs: 1000, durationMs: 1500, shape: { kind: 'ramp', from: 100, to: 200 } },
        {
          name: 'b',
          index: 2,
          startMs: 2500,
          durationMs: 120_000,
          shape: { kind: 'burst', rate: 10, burstRate: 90, everyMs: 10_000, burstMs: 250 },
        },
        {
          name: 'p',
          index: 3,
          startMs: 122_500,
          durationMs: 500,
          shape: { kind: 'poisson', rate: 40, seed: 12 },
        },
      ],
      totalMs: 123_000,
      faults: [
        { atMs: 2000, share: 0.5, index: 0, kind: 'disconnect', cut: 'channel', resumeAfterMs: 3000 },
        { afterCount: 50, share: 1, index: 1, kind: 'gap', count: 2 },
        { atMs: 1000, share: 1, index: 2, kind: 'duplicate', count: 1 },
        { atMs: 3000, share: 0.25, index: 3, kind: 'hold', holdMs: 400 },
      ],
      probes: { share: 0.1, pollIntervalMs: 2, timeoutMs: 1000 },
      thresholds: [
        {
          expression: 'ack_latency.p99 < 500us',
          metric: 'ack_latency.p99',
          op: '<',
          value: 0.5,
          unit: 'ms',
          scope: 'run',
          abortOnFail: false,
        },
        {
          expression: 'staleness_probe.max <= 2s',
          metric: 'staleness_probe.max',
          op: '<=',
          value: 2000,
          unit: 'ms',
          scope: 'r',
          abortOnFail: true,
        },
        {
          expression: 'rejected{overloaded} == 0',
          metric: 'rejected{OVERLOADED}',
          op: '==',
          value: 0,
          unit: '',
          scope: 'run',
          abortOnFail: false,
        },
      ],
      compareTolerances: [
        { pattern: 'staleness.p99', tolerance: { relative: 0.1, text: '+10%', source: 'scenario' } },
        { pattern: 'achieved_rate', tolerance: { relative: 0.02, text: '-2%', source: 'scenario' } },
      ],
      close: { drain: false },
    });
    expect(s.source.startsWith('# comment\nname: full')).toBe(true);
  });

  it('fills defaults: embedded target, 768-d random embeddings, window 1000, INDEXED acks, no probes, drain', () => {
    const s = scenarioOf(['{ name: a, duration: 1s, shape: constant, rate: 1 }']);
    expect(s.target).toEqual({ serveArgs: [] });
    expect(s.dim).toBe(768);
    expect(s.embeddings).toEqual({ kind: 'random', seed: 1 });
    expect(s.seed).toBe(1);
    expect(s.sendWindow).toBe(1000);
    expect(s.indexAcks).toBe(true);
    expect(s.probes).toEqual({ share: 0, pollIntervalMs: 5, timeoutMs: 10_000 });
    expect(s.faults).toEqual([]);
    expect(s.thresholds).toEqual([]);
    expect(s.close).toEqual({ drain: true });
    expect(s.description).toBe('');
  });

  it('fault defaults: share 1, disconnect cuts the stream and resumes after 1 s, count 1', () => {
    const s = scenarioOf(
      ['{ name: a, duration: 10s, shape: constant, rate: 10 }'],
      'faults:\n  - { at: 1s, kind: disconnect }\n  - { at: 2s, kind: gap }',
    );
    expect(s.faults).toEqual([
      { atMs: 1000, share: 1, index: 0, kind: 'disconnect', cut: 'stream', resumeAfterMs: 1000 },
      { atMs: 2000, share: 1, index: 1, kind: 'gap', count: 1 },
    ]);
  });

  it('a missing file is a UserError that names it', () => {
    expect(() => loadScenario('/nonexistent/x.yaml')).toThrow(UserError);
    expect(() => loadScenario('/nonexistent/x.yaml')).toThrow(
      /^\/nonexistent\/x\.yaml: cannot read the scenario \(ENOENT\)/,
    );
  });
});
