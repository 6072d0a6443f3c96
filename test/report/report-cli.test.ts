// `engram-stream report` as users run it: the built CLI (npm run build first), real files, exit codes.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BENCH, CONFORM, SHARDS } from './fixtures.js';

const BIN = new URL('../../bin/engram-stream.js', import.meta.url).pathname;

function report(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, 'report', ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('engram-stream report', () => {
  const dir = mkdtempSync(join(tmpdir(), 'report-cli-'));

  it('exit code follows the verdict: 3 inconclusive, 1 failed, 0 passed', () => {
    expect(report(BENCH, '--html', join(dir, 'b.html')).code).toBe(3);
    expect(report(CONFORM, '--junit', join(dir, 'c.xml')).code).toBe(1);
    const passed = join(dir, 'passed.json');
    writeFileSync(
      passed,
      JSON.stringify({ ...JSON.parse(readFileSync(CONFORM, 'utf8')), verdict: 'passed' }),
    );
    const r = report(passed, '--html', join(dir, 'p.html'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^verdict: passed/);
  });

  it('merges shards, writes the merged JSON, HTML, JUnit and hgrm files', () => {
    const out = (f: string) => join(dir, f);
    const r = report(
      ...SHARDS,
      '--merge',
      out('m.json'),
      '--html',
      out('m.html'),
      '--junit',
      out('m.xml'),
      '--hgrm',
      out('h'),
    );
    expect(r.code).toBe(3);
    const merged = JSON.parse(readFileSync(out('m.json'), 'utf8'));
    expect(merged.mergedShards).toBe(2);
    expect(readFileSync(out('m.html'), 'utf8')).toContain('<svg class="chart"');
    expect(readFileSync(out('m.xml'), 'utf8')).toContain('<testsuites');
    expect(existsSync(join(out('h'), 'ack_latency.hgrm'))).toBe(true);
    expect(r.stderr).toContain(`wrote ${out('m.json')}`);
  });

  it('exit 2 with the file and field named for invalid results, missing files and incomplete shards', () => {
    const bad = join(dir, 'bad.json');
    const json = JSON.parse(readFileSync(BENCH, 'utf8'));
    json.series[2].sent = 'many';
    writeFileSync(bad, JSON.stringify(json));
    const invalid = report(bad);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toBe(
      `engram-stream: ${bad}: field 'series[2].sent' is invalid: Invalid input: expected number, received string\n`,
    );
    const missing = report(join(dir, 'nope.json'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read');
    const partial = report(SHARDS[0] as string, '--merge', join(dir, 'x.json'));
    expect(partial.code).toBe(2);
    expect(partial.stderr).toContain('shard 1/2 is missing');
    const mixed = report(BENCH, CONFORM);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain(`${CONFORM} holds conform results`);
  });
});
