// The compare command as a user runs it (dist/: run `npm run build` first): exit codes
// 0/1/2/3, one line on stderr for each kind of bad input, the JSON, JUnit and HTML
// files; conform runs compared case by case; and bench --baseline in one step.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AckSink, startAckSink } from '../../scripts/ack-sink-server.js';
import type { BenchComparison } from '../../src/judge/compare/comparison.js';
import { parseResults } from '../../src/results/results-schema.js';
import { hasXmllint, validateJunit } from '../report/xmllint.js';
import { runCli } from '../security/cli-run.js';
import { sampleConform } from '../support/sample-results.js';
import { syntheticRun, uniformModel } from './synthetic-run.js';

const dir = mkdtempSync(path.join(tmpdir(), 'compare-cli-'));
const file = (name: string, value: unknown) => {
  const f = path.join(dir, name);
  writeFileSync(f, typeof value === 'string' ? value : JSON.stringify(value));
  return f;
};

const model = uniformModel(11);
const base = file('base.json', syntheticRun(model));
const same = file('same.json', syntheticRun({ ...model, seed: 12 }));
const slower = file('slower.json', syntheticRun({ ...model, seed: 13, ackMs: (u) => model.ackMs(u) + 10 }));

describe('engram-stream compare', () => {
  it('exits 0 for runs of one distribution and writes JSON, JUnit and HTML', async () => {
    const json = path.join(dir, 'c.json');
    const junit = path.join(dir, 'c.xml');
    const html = path.join(dir, 'c.html');
    const r = await runCli(['compare', base, same, '--json', json, '--junit', junit, '--html', html]);
    expect(r.stderr).toBe(`wrote ${json}\nwrote ${html}\nwrote ${junit}\n`);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ack_latency\.p50 +\S+ ms +\S+ ms .* = NO CHANGE$/m);
    expect(r.stdout).toContain('verdict: NO CHANGE');
    const c = JSON.parse(readFileSync(json, 'utf8')) as BenchComparison;
    expect(c.verdict).toBe('NO CHANGE');
    expect(readFileSync(html, 'utf8')).toContain('NO CHANGE');
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('name="ack_latency.p50"');
    expect(xml).not.toContain('<failure');
    if (hasXmllint) validateJunit(xml);
  });

  it('exits 1 for a slower run and names the metrics that regressed; a looser tolerance lets it pass', async () => {
    const junit = path.join(dir, 'slow.xml');
    const r = await runCli(['compare', base, slower, '--junit', junit]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^ack_latency\.p50 .* \+10(\.\d)? ms .* ✗ REGRESSED$/m);
    expect(r.stdout).toContain('verdict: REGRESSED');
    expect(readFileSync(junit, 'utf8')).toContain(
      '<failure type="regression" message="ack_latency.p50 regressed',
    );
    const loose = await runCli(['compare', base, slower, '--tolerance', 'ack_latency.*=+400%']);
    expect(loose.code).toBe(0);
    expect(loose.stdout).toMatch(/^ack_latency\.p50 .* \+400% \(--tolerance\) += NO CHANGE$/m);
  });

  it('exits 3 when the runs are too short to judge', async () => {
    const short = file('short.json', syntheticRun({ ...model, seconds: 3 }));
    const r = await runCli(['compare', short, short]);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('could not be judged: too few seconds');
  });

  const oneLine = (stderr: string) => stderr.trim().split('\n');
  it('exits 2 with one line for a bad tolerance, a missing file, another scenario or another kind', async () => {
    const tolerance = await runCli(['compare', base, same, '--tolerance', 'staleness.p99=10 parsecs']);
    expect(tolerance.code).toBe(2);
    expect(oneLine(tolerance.stderr)).toEqual([
      "engram-stream: --tolerance: '10 parsecs' in 'staleness.p99=10 parsecs' is not a change; write +10% or +2ms, e.g. 'staleness.p99=+10%' or 'ack_latency.p99=+0.5ms'",
    ]);
    const sign = await runCli(['compare', base, same, '--tolerance', 'achieved_rate=+5%']);
    expect(oneLine(sign.stderr)).toEqual([
      "engram-stream: --tolerance: 'achieved_rate' gets worse when it falls; write -5%",
    ]);
    const missing = await runCli(['compare', base, path.join(dir, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(oneLine(missing.stderr)).toEqual([
      `engram-stream: cannot read ${path.join(dir, 'nope.json')}: ENOENT; check the path`,
    ]);
    const run = syntheticRun(model);
    const other = file('other.json', {
      ...run,
      scenario: { ...run.scenario, digest: 'f00d', source: 'name: sample\nsessions: 9\n' },
    });
    const mismatch = await runCli(['compare', base, other]);
    expect(mismatch.code).toBe(2);
    expect(oneLine(mismatch.stderr)).toHaveLength(1);
    expect(mismatch.stderr).toContain('is not the scenario of');
    const conform = file('conform.json', sampleConform());
    const kinds = await runCli(['compare', base, conform]);
    expect(kinds.code).toBe(2);
    expect(oneLine(kinds.stderr)).toEqual([
      `engram-stream: ${conform} is a conform run and ${base} a bench run; compare two bench runs or two conform runs`,
    ]);
  });

  it('lists conformance cases whose outcome changed, newly failing first, and exits 1', async () => {
    const before = sampleConform();
    const after = {
      ...before,
      cases: before.cases.map((c) =>
        c.id === 'SEQ-2'
          ? { ...c, outcome: 'PASS' as const }
          : c.id === 'SEQ-1'
            ? { ...c, outcome: 'FAIL' as const, actual: 'ACCEPTED a gap' }
            : c.id === 'IDX-1'
              ? { ...c, outcome: 'PASS' as const }
              : c.id === 'FLOW-1'
                ? { ...c, outcome: 'SKIP' as const }
                : c,
      ),
    };
    const r = await runCli(['compare', file('cb.json', before), file('ca.json', after)]);
    expect(r.code).toBe(1);
    const rows = r.stdout.split('\n').filter((l) => /^(SEQ|IDX|FLOW|SES|RES)-/.test(l));
    expect(rows.map((l) => l.split(/\s+/).slice(0, 3).join(' '))).toEqual([
      'SEQ-1 PASS FAIL',
      'FLOW-1 NON-STRICT SKIP',
      'IDX-1 INCONCLUSIVE PASS',
      'SEQ-2 FAIL PASS',
    ]);
    expect(r.stdout).toContain('4 case(s) changed outcome: 2 worse, 2 better');
  });
});

describe('engram-stream bench --baseline', () => {
  // The sinks answer in this process; bench runs in its own.
  let sinks: AckSink[] = [];
  beforeAll(async () => {
    sinks = [await startAckSink({ dim: 8 }), await startAckSink({ dim: 8, delayMs: 40 })];
  });
  afterAll(async () => {
    for (const s of sinks) await s.close();
  });
  const scenario = file(
    'tiny.yaml',
    [
      'name: tiny',
      'memorySpaces: [tiny-space]',
      'dim: 8',
      'sessions: 2',
      'indexAcks: false',
      'phases: [{ name: steady, duration: 6s, shape: constant, rate: 100 }]',
      'compare: { tolerances: { ack_latency.p50: +20% } }',
    ].join('\n'),
  );

  it('exits 2 before running when the baseline cannot be read or a tolerance is bad', async () => {
    const r = await runCli(['bench', scenario, '--baseline', path.join(dir, 'none.json')]);
    expect(r.code).toBe(2);
    expect(oneLineOf(r.stderr)).toEqual([
      `engram-stream: cannot read ${path.join(dir, 'none.json')}: ENOENT; check the path`,
    ]);
    const bad = file('bad.yaml', readFileSync(scenario, 'utf8').replace('+20%', '+20 furlongs'));
    const b = await runCli(['bench', bad, '--dry-run']);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('compare.tolerances');
  });

  it('runs, compares with the baseline and exits with the comparison when the run passed', async () => {
    const [fast, slow] = sinks as [AckSink, AckSink];
    const first = path.join(dir, 'first.json');
    const second = path.join(dir, 'second.json');
    await runCli(['bench', scenario, '--target', fast.address, '--json', first, '--quiet', '--workers', '1']);
    const r = await runCli(
      [
        'bench',
        scenario,
        '--target',
        slow.address,
        '--json',
        second,
        '--quiet',
        '--workers',
        '1',
        '--baseline',
        first,
      ],
      90_000,
    );
    const run = parseResults(readFileSync(second, 'utf8'), second);
    expect(r.stdout).toContain(`compare tiny: `);
    expect(r.stdout).toMatch(/^ack_latency\.p50 .* \+20% \(scenario\)/m);
    // 40 ms more per ack: a regression, unless the run could not pass on its own.
    expect(r.code).toBe(run.verdict === 'inconclusive' ? 3 : 1);
    if (run.verdict === 'passed') expect(r.stdout).toContain('verdict: REGRESSED');
  }, 120_000);
});

function oneLineOf(stderr: string): string[] {
  return stderr.trim().split('\n');
}
