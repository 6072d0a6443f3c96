// The `conform` command as a user runs it: --list, flag errors, exit codes 0/1/2,
// and the JSON and JUnit files. Spawns dist/: run `npm run build` first (`npm test` does).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOG } from '../../src/conform/catalog.js';
import { EMBEDDED_DIM, embeddedServerArgs } from '../../src/conform/runner.js';
import { type EmbeddedServer, startEmbeddedServer } from '../../src/endpoint/embedded-server.js';
import { parseResults } from '../../src/results/results-schema.js';

const BIN = fileURLToPath(new URL('../../bin/engram-stream.js', import.meta.url));

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function conformSync(args: string[]): Run {
  const r = spawnSync(process.execPath, [BIN, 'conform', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, CI: '1' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Async, so this process keeps reading the pipes of the servers it started while the command runs. */
function conform(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'conform', ...args], { env: { ...process.env, CI: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('engram-stream conform', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'conform-cli-'));

  it('--list prints the catalog without running anything and exits 0', () => {
    const r = conformSync(['--list', '--case', 'sequence.*']);
    expect(r.status).toBe(0);
    const sequences = CATALOG.filter((c) => c.id.startsWith('sequence.'));
    for (const c of sequences) expect(r.stdout).toContain(c.id);
    expect(r.stdout).not.toContain('session.heartbeat');
    expect(r.stdout.trimEnd().endsWith(`${sequences.length} cases`)).toBe(true);
  });

  it('exits 2 with one line for a case pattern that matches nothing', () => {
    const r = conformSync(['--case', 'sequnce.*']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      "engram-stream: --case 'sequnce.*' matches no case id; run 'engram-stream conform --list' to see them",
    ]);
  });

  it('exits 2 for a bad --timeout-scale, --dim with --target and --max-elements without it', () => {
    const scale = conformSync(['--timeout-scale', 'fast', '--case', 'sequence.happy-path']);
    expect(scale.status).toBe(2);
    expect(scale.stderr).toContain("--timeout-scale 'fast' is not a positive number");
    const dim = conformSync(['--target', '127.0.0.1:1', '--dim', '64']);
    expect(dim.status).toBe(2);
    expect(dim.stderr).toContain('--dim sets up the embedded server');
    const limit = conformSync(['--max-elements', '100']);
    expect(limit.status).toBe(2);
    expect(limit.stderr).toContain('--max-elements describes a --target');
  });

  it('exits 2 when the target cannot be reached', () => {
    const r = conformSync([
      '--target',
      '127.0.0.1:1',
      '--case',
      'sequence.happy-path',
      '--json',
      path.join(dir, 'x.json'),
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('cannot open a session on 127.0.0.1:1');
  });

  it('exits 0 against the embedded server, one plain line per case, and writes JSON, JUnit and HTML', async () => {
    const json = path.join(dir, 'pass.json');
    const junit = path.join(dir, 'pass.xml');
    const html = path.join(dir, 'pass.html');
    const r = await conform([
      '--case',
      'sequence.gap-rejected,resume.after-cut',
      '--json',
      json,
      '--junit',
      junit,
      '--html',
      html,
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^\[1\/2\] PASS +sequence\.gap-rejected +\d+ ms$/m);
    expect(r.stdout).toMatch(/^\[2\/2\] PASS +resume\.after-cut/m);
    // CI is set: plain text, no colour codes.
    expect(r.stdout).not.toContain('\u001b[');
    expect(r.stdout).toContain('PASSED: 2 of 2 cases passed');
    const results = parseResults(readFileSync(json, 'utf8'), json);
    expect(results.kind === 'conform' && results.cases.map((c) => c.outcome)).toEqual(['PASS', 'PASS']);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('classname="engram-stream.conform.sequence"');
    expect(xml).not.toContain('<failure');
    expect(readFileSync(html, 'utf8')).toContain('sequence.gap-rejected');
  }, 120_000);

  describe('against a server that accepts gaps', () => {
    let mutant: EmbeddedServer;
    beforeAll(async () => {
      mutant = await startEmbeddedServer({
        args: [...embeddedServerArgs(EMBEDDED_DIM), '--fault', 'accept-gap'],
      });
    });
    afterAll(() => mutant.stop());

    it('[SEQ-3] exits 1 and quotes requirement, expected and actual', async () => {
      const junit = path.join(dir, 'fail.xml');
      const r = await conform([
        '--target',
        mutant.address,
        '--case',
        'sequence.gap-rejected',
        '--json',
        path.join(dir, 'fail.json'),
        '--junit',
        junit,
      ]);
      expect(r.status).toBe(1);
      expect(r.stdout).toMatch(/FAIL +sequence\.gap-rejected/);
      expect(r.stdout).toContain('requirement: A gap is rejected in-band');
      expect(r.stdout).toContain('expected:    REJECTED ack echoing seq=5 with reason=SEQUENCE_GAP');
      expect(r.stdout).toMatch(/actual: +ack ACCEPTED seq=5/);
      expect(r.stdout).toContain('FAILED: 1 case(s) failed: sequence.gap-rejected');
      expect(readFileSync(junit, 'utf8')).toContain('<failure');
    }, 120_000);

    it('--write-expect records the deviation, --expect then exits 0, and exits 1 once an expectation is stale', async () => {
      const expectFile = path.join(dir, 'expect.yaml');
      const cases = ['--target', mutant.address, '--case', 'sequence.gap-rejected,sequence.happy-path'];
      const written = await conform([
        ...cases,
        '--json',
        path.join(dir, 'w.json'),
        '--write-expect',
        expectFile,
      ]);
      expect(written.status).toBe(0);
      const text = readFileSync(expectFile, 'utf8');
      expect(text).toMatch(/^sequence\.gap-rejected: FAIL {2}# \S/m);
      expect(text).not.toContain('sequence.happy-path');

      const expected = await conform([...cases, '--json', path.join(dir, 'e.json'), '--expect', expectFile]);
      expect(expected.status).toBe(0);
      expect(expected.stdout).toContain('PASSED: 2 cases as expected, 1 of them known deviations');

      writeFileSync(expectFile, `${text}sequence.happy-*: FAIL  # fixed since\n`);
      const stale = await conform([...cases, '--json', path.join(dir, 's.json'), '--expect', expectFile]);
      expect(stale.status).toBe(1);
      expect(stale.stdout).toContain(
        'stale, the case no longer deviates so: sequence.happy-path (PASS, expected FAIL)',
      );
    }, 120_000);

    it('exits 2 with one line for an expectations file that is not valid, before running', () => {
      const bad = path.join(dir, 'bad.yaml');
      writeFileSync(bad, 'sequence.*: BROKEN\n');
      const r = conformSync(['--target', mutant.address, '--expect', bad]);
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split('\n')).toEqual([
        `engram-stream: ${bad}:1: 'sequence.*': 'BROKEN' is not an outcome; write one of PASS, NON-STRICT, FAIL, SKIP, INCONCLUSIVE, ERROR`,
      ]);
    });
  });
});
