// Malformed input on the bidi stream: random and mutated ObservationRequests and raw
// byte frames against a real `serve` process. The 100,000-message run is
// `npm run robustness:fuzz` (figures in docs/reliability.md); this is its small version.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedServer, startEmbeddedServer } from '../../src/endpoint/embedded-server.js';
import { makeEngramClient } from '../../src/protocol/service-definition.js';
import { cleanClientRoundTrip } from '../support/clean-client.js';
import { fuzzServerArgs, runFuzz } from '../support/fuzz-run.js';
import { fuzzRecall } from '../support/recall-fuzz.js';

const limits = { dim: 8, maxTextBytes: 256, maxMessageBytes: 16 * 1024 };
let server: EmbeddedServer;

beforeAll(async () => {
  server = await startEmbeddedServer({
    args: fuzzServerArgs(limits, ['--session-idle-timeout', '2s']),
  });
});

afterAll(async () => {
  await server?.stop();
});

describe('fuzzed ObserveStream input', () => {
  it('[ACK-1][VAL-5][SES-3] answers every stream, acks every observation, never crashes, then serves a clean client', async () => {
    const clients = Array.from({ length: 4 }, () => makeEngramClient(server.address));
    const report = await runFuzz({
      clients,
      limits,
      streams: 60,
      stepsPerStream: 80,
      parallel: 12,
      seed: 20261127,
      endTimeoutMs: 15_000,
    });
    for (const c of clients) c.close();
    expect(report.violations).toEqual([]);
    expect(report.streams).toBe(60);
    expect(report.messages).toBeGreaterThanOrEqual(60 * 80);
    expect(report.rawFrames).toBeGreaterThan(0);
    expect(report.accepted).toBeGreaterThan(0);
    // Every way of ending a stream was exercised.
    expect(Object.keys(report.endCodes).length).toBeGreaterThanOrEqual(3);
    expect(server.process.exitCode).toBeNull();
    expect(await cleanClientRoundTrip(server.address, limits.dim, 20)).toEqual({
      accepted: 20,
      recalled: 20,
    });
  }, 120_000);

  it('[SES-7] with bearer tokens: a request naming a space the token lacks ends its stream, nothing else changes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'engram-fuzz-auth-'));
    const token = 'fuzz-token-0123456789abcdef';
    writeFileSync(join(dir, 'tokens.txt'), `${token} fuzz-0,fuzz-1,fuzz-2,fuzz-3,fuzz-4,fuzz-5,fuzz-6\n`);
    const guarded = await startEmbeddedServer({
      args: fuzzServerArgs(limits, ['--auth-tokens', join(dir, 'tokens.txt')]),
    });
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${token}`);
    const clients = [makeEngramClient(guarded.address), makeEngramClient(guarded.address)];
    const report = await runFuzz({
      clients,
      limits,
      streams: 30,
      stepsPerStream: 40,
      parallel: 8,
      seed: 7,
      endTimeoutMs: 15_000,
      metadata,
    });
    for (const c of clients) c.close();
    const alive = guarded.process.exitCode === null;
    await guarded.stop();
    rmSync(dir, { recursive: true, force: true });
    expect(report.violations).toEqual([]);
    expect(report.endCodes.PERMISSION_DENIED).toBeGreaterThan(0);
    expect(report.resumed).toBeGreaterThan(0);
    expect(alive).toBe(true);
  }, 120_000);

  it('[REC-1] answers every hostile RecallStream request with a status and keeps serving', async () => {
    const client = makeEngramClient(server.address);
    const seeded = await cleanClientRoundTrip(server.address, limits.dim, 10, { space: 'recall-fuzz' });
    expect(seeded.accepted).toBe(10);
    const report = await fuzzRecall(client, {
      dim: limits.dim,
      spaces: ['recall-fuzz', 'fuzz-0', 'no-such-space'],
      calls: 600,
      parallel: 16,
      seed: 20261127,
      timeoutMs: 15_000,
    });
    client.close();
    expect(report.violations).toEqual([]);
    expect(report.calls).toBe(600);
    expect(report.endCodes.OK).toBeGreaterThan(0);
    expect(report.endCodes.INVALID_ARGUMENT).toBeGreaterThan(0);
    expect(server.process.exitCode).toBeNull();
    expect(await cleanClientRoundTrip(server.address, limits.dim, 10)).toEqual({
      accepted: 10,
      recalled: 10,
    });
  }, 120_000);
});
