// Tokens and header values never reach logs or reports: conform runs against a server
// that requires a token over TLS, and every byte it printed or wrote is searched.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedServer, startEmbeddedServer } from '../../src/endpoint/embedded-server.js';
import { runCli } from './cli-run.js';
import { type CertFiles, hasOpenssl, makeSelfSignedCert } from './self-signed.js';

const TOKEN = 'tok-leak-check-5e1d9a7c3b2f';
const HEADER_VALUE = 'header-value-8c4f2a6e';

describe.skipIf(!hasOpenssl())('no token in output', () => {
  let dir: string;
  let cert: CertFiles;
  let server: EmbeddedServer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'engram-leak-'));
    // 64-d: the dimension of scenarios/smoke.yaml.
    cert = makeSelfSignedCert(dir);
    writeFileSync(join(dir, 'tokens.txt'), `${TOKEN} *\n`);
    writeFileSync(join(dir, 'token'), `${TOKEN}\n`);
    server = await startEmbeddedServer({
      args: [
        '--dim',
        '64',
        '--index-workers',
        '1',
        '--tls-cert',
        cert.certPath,
        '--tls-key',
        cert.keyPath,
        '--auth-tokens',
        join(dir, 'tokens.txt'),
      ],
    });
  });

  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('conform with --token-file and --header: passes, and neither value is in its output or reports', async () => {
    const files = ['r.json', 'r.xml', 'r.html'].map((f) => join(dir, f));
    const run = await runCli([
      'conform',
      '--target',
      server.address,
      '--tls-ca',
      cert.certPath,
      '--token-file',
      join(dir, 'token'),
      '--header',
      `x-tenant=${HEADER_VALUE}`,
      '--case',
      'session.server-assigns-id,session.client-supplied-id',
      '--json',
      files[0] as string,
      '--junit',
      files[1] as string,
      '--html',
      files[2] as string,
    ]);
    expect(run.stderr).not.toMatch(/internal error/);
    expect(run.code).toBe(0);
    const everything = [
      run.stdout,
      run.stderr,
      server.stderrTail(),
      ...files.map((f) => readFileSync(f, 'utf8')),
    ].join('\n');
    expect(everything).not.toContain(TOKEN);
    expect(everything).not.toContain(HEADER_VALUE);
  }, 120_000);

  it('bench with --token-file and --header: runs over TLS, and neither value is in its output or reports', async () => {
    const files = ['b.json', 'b.html'].map((f) => join(dir, f));
    const run = await runCli([
      'bench',
      'scenarios/smoke.yaml',
      '--target',
      server.address,
      '--tls-ca',
      cert.certPath,
      '--token-file',
      join(dir, 'token'),
      '--header',
      `x-tenant=${HEADER_VALUE}`,
      '--quiet',
      '--json',
      files[0] as string,
      '--html',
      files[1] as string,
    ]);
    expect(run.stderr).not.toMatch(/^engram-stream:/m);
    // Passed, or inconclusive on a loaded machine; never failed or a connection error.
    expect([0, 3]).toContain(run.code);
    const results = JSON.parse(readFileSync(files[0] as string, 'utf8')) as { target: { tls: boolean } };
    expect(results.target.tls).toBe(true);
    const everything = [
      run.stdout,
      run.stderr,
      server.stderrTail(),
      ...files.map((f) => readFileSync(f, 'utf8')),
    ].join('\n');
    expect(everything).not.toContain(TOKEN);
    expect(everything).not.toContain(HEADER_VALUE);
  }, 120_000);

  it('conform without the token is refused with one line, exit 2, and no token echoed', async () => {
    const run = await runCli([
      'conform',
      '--target',
      server.address,
      '--tls-ca',
      cert.certPath,
      '--case',
      'session.server-assigns-id',
      '--json',
      join(dir, 'refused.json'),
    ]);
    expect(run.stdout + run.stderr).not.toContain(TOKEN);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^engram-stream: .*missing bearer token.*$/m);
  }, 120_000);
});
