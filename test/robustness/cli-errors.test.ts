// The CLI itself: every bad flag, unreadable or invalid file, unreachable target and
// unwritable output path gets one clear line and exit code 2, never a stack trace.
// Runs the built CLI (npm test builds first).
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../security/cli-run.js';

const dir = mkdtempSync(join(tmpdir(), 'engram-cli-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const NO_DIR = join(dir, 'no-such-dir');
/** A directory cannot be made under a regular file: an unwritable path, even for root. */
const UNWRITABLE = join(file('plain-file', 'x'), 'sub');
/** 127.0.0.1:1 refuses at once: an unreachable target without leaving loopback. */
const UNREACHABLE = '127.0.0.1:1';

/** Loopback TCP servers that are not gRPC: one answers HTTP/1.1 and hangs up, one says nothing. */
const servers: Record<'busy' | 'junk' | 'silent', { server: net.Server; port: number }> = {} as never;
beforeAll(async () => {
  const listen = async (onConnection: (socket: net.Socket) => void) => {
    const server = net.createServer((socket) => {
      socket.on('error', () => {});
      onConnection(socket);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return { server, port: (server.address() as net.AddressInfo).port };
  };
  servers.busy = await listen(() => {});
  servers.junk = await listen((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
  servers.silent = await listen(() => {});
});
afterAll(() => {
  for (const { server } of Object.values(servers)) {
    server.close();
    // The silent server's sockets stay open until the clients that opened them are gone.
  }
});
const at = (name: keyof typeof servers) => `127.0.0.1:${servers[name].port}`;

type Case = [string, () => string[], RegExp];

const cases: Case[] = [
  ['an unknown command', () => ['nosuchcommand'], /unknown command/],
  ['an unknown top-level flag', () => ['--nope'], /unknown option/],
  // serve
  ['serve: an unknown flag', () => ['serve', '--prot', '1'], /unknown option '--prot'/],
  ['serve: a port out of range', () => ['serve', '--port', '99999'], /--port: '99999'/],
  ['serve: a dimension that is not a number', () => ['serve', '--dim', 'wide'], /--dim: 'wide'/],
  [
    'serve: a duration without a unit',
    () => ['serve', '--session-idle-timeout', '5'],
    /--session-idle-timeout/,
  ],
  ['serve: a port already in use', () => ['serve', '--port', String(servers.busy.port)], /cannot listen on/],
  [
    'serve: --tls-cert without --tls-key',
    () => ['serve', '--port', '0', '--tls-cert', file('c.pem', 'x')],
    /--tls-cert was given without --tls-key/,
  ],
  [
    'serve: unreadable TLS files',
    () => ['serve', '--port', '0', '--tls-cert', join(NO_DIR, 'c.pem'), '--tls-key', join(NO_DIR, 'k.pem')],
    /--tls-cert .*cannot read the file/,
  ],
  [
    'serve: a certificate that is not PEM',
    () => [
      'serve',
      '--port',
      '0',
      '--tls-cert',
      file('bad-cert.pem', 'not a cert'),
      '--tls-key',
      file('bad-key.pem', 'not a key'),
    ],
    /not a PEM certificate/,
  ],
  [
    'serve: an unreadable token file',
    () => ['serve', '--port', '0', '--auth-tokens', join(NO_DIR, 't.txt')],
    /--auth-tokens .*cannot read the file/,
  ],
  [
    'serve: a bad token file line',
    () => ['serve', '--port', '0', '--auth-tokens', file('tokens.txt', 'short space-a\n')],
    /tokens\.txt:1: the token must be at least 16/,
  ],
  ['serve: an empty host', () => ['serve', '--host', ''], /--host: empty/],
  // bench
  ['bench: a missing scenario', () => ['bench', join(NO_DIR, 's.yaml')], /s\.yaml/],
  ['bench: a scenario that is not YAML', () => ['bench', file('bad.yaml', 'phases: [\n')], /bad\.yaml/],
  ['bench: a bad shard', () => ['bench', 'scenarios/smoke.yaml', '--shard', '3/2'], /--shard/],
  [
    'bench: an unreachable target',
    () => [
      'bench',
      'scenarios/smoke.yaml',
      '--target',
      UNREACHABLE,
      '--quiet',
      '--json',
      join(dir, 'b.json'),
    ],
    /127\.0\.0\.1:1/,
  ],
  [
    'bench: an unwritable results path',
    () => ['bench', 'scenarios/smoke.yaml', '--quiet', '--json', join(UNWRITABLE, 'b.json')],
    /cannot write .*b\.json: (ENOTDIR|EEXIST)/,
  ],
  [
    'bench: an unreadable CA file',
    () => ['bench', 'scenarios/smoke.yaml', '--tls-ca', join(NO_DIR, 'ca.pem')],
    /--tls-ca .*cannot read the file/,
  ],
  [
    'bench: TLS without a target',
    () => ['bench', 'scenarios/smoke.yaml', '--tls'],
    /--tls and --tls-ca need a --target/,
  ],
  [
    'bench: a negative worker count',
    () => ['bench', 'scenarios/smoke.yaml', '--workers', '-1'],
    /--workers '-1'/,
  ],
  [
    'bench: a target that is not a gRPC server',
    () => ['bench', 'scenarios/smoke.yaml', '--target', at('junk'), '--quiet'],
    /cannot run sessions on .*Protocol error/,
  ],
  [
    'bench: a target that accepts and says nothing',
    () => ['bench', 'scenarios/smoke.yaml', '--target', at('silent'), '--quiet'],
    /cannot run sessions on .*no init ack/,
  ],
  // conform
  [
    'conform: an unreachable target',
    () => ['conform', '--target', UNREACHABLE, '--json', join(dir, 'c.json')],
    /127\.0\.0\.1:1/,
  ],
  ['conform: a bad timeout scale', () => ['conform', '--timeout-scale', '-1'], /--timeout-scale/],
  [
    'conform: a case pattern that matches nothing',
    () => ['conform', '--case', 'no.such.case'],
    /no\.such\.case/,
  ],
  [
    'conform: an unreadable CA file',
    () => ['conform', '--target', UNREACHABLE, '--tls-ca', join(NO_DIR, 'ca.pem')],
    /--tls-ca .*cannot read the file/,
  ],
  [
    'conform: a header without a value',
    () => ['conform', '--target', UNREACHABLE, '--header', 'x-tenant'],
    /--header 'x-tenant': write KEY=VALUE/,
  ],
  [
    'conform: --insecure with --tls',
    () => ['conform', '--target', UNREACHABLE, '--insecure', '--tls'],
    /cannot be combined/,
  ],
  [
    'conform: an unwritable results path',
    () => ['conform', '--case', 'session.server-assigns-id', '--json', join(UNWRITABLE, 'c.json')],
    /cannot write .*c\.json/,
  ],
  [
    'conform: an unreadable token file',
    () => ['conform', '--target', UNREACHABLE, '--token-file', join(NO_DIR, 'tok')],
    /--token-file .*cannot read the file/,
  ],
  ['conform: a zero dimension', () => ['conform', '--dim', '0'], /--dim '0'/],
  [
    'conform: a target that is not a gRPC server',
    () => ['conform', '--target', at('junk'), '--case', 'session.server-assigns-id'],
    /cannot open a session on .*Protocol error/,
  ],
  [
    'conform: a target that accepts and says nothing',
    () => ['conform', '--target', at('silent'), '--case', 'session.server-assigns-id'],
    /cannot open a session on .*no init ack/,
  ],
  // report
  ['report: a missing results file', () => ['report', join(NO_DIR, 'r.json')], /r\.json/],
  ['report: a results file that is not JSON', () => ['report', file('r.json', '{ nope')], /r\.json/],
  [
    'report: an unwritable output path',
    () => ['report', 'test/fixtures/bench-smoke.json', '--html', join(UNWRITABLE, 'r.html')],
    /cannot write .*r\.html/,
  ],
  [
    'report: merging results of different kinds',
    () => [
      'report',
      'test/fixtures/bench-smoke.json',
      'test/fixtures/conform-mutant.json',
      '--merge',
      join(dir, 'm.json'),
    ],
    /holds conform results; only bench results of one scenario merge/,
  ],
  [
    'report: an unwritable hgrm folder',
    () => ['report', 'test/fixtures/bench-smoke.json', '--hgrm', join(UNWRITABLE, 'h')],
    /cannot write .*\.hgrm/,
  ],
  [
    'report: a JSON file that is not results',
    () => ['report', file('other.json', '{"a": 1}')],
    /other\.json/,
  ],
];

describe('CLI errors', () => {
  it.concurrent.each(cases)(
    '%s: one clear line, exit 2, no stack trace',
    async (_what, args, message) => {
      const run = await runCli(args(), 90_000);
      // Commander's hints ("(Did you mean ...?)", "(run with --help ...)") belong to the one message.
      const lines = run.stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('('));
      expect({ code: run.code, lines }).toEqual({ code: 2, lines: [expect.stringMatching(message)] });
      expect(run.stderr).not.toMatch(/^\s+at /m);
      expect(run.stderr).not.toMatch(/internal error/);
    },
    120_000,
  );
});
