// How a case's procedure verdict and the checker's findings over its history
// become the case outcome: PASS, NON-STRICT, FAIL, SKIP, ERROR, and the run verdict.
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConformCase } from '../../src/conform/case-types.js';
import { runCase } from '../../src/conform/run-case.js';
import { EMBEDDED_DIM, embeddedServerArgs, runConformance } from '../../src/conform/runner.js';
import { behaved, inconclusive, skipped } from '../../src/conform/verdict.js';
import { type EmbeddedServer, startEmbeddedServer } from '../../src/endpoint/embedded-server.js';
import { noCapabilities } from '../../src/protocol/messages.js';
import { makeEngramClient } from '../../src/protocol/service-definition.js';
import { grpcStreamClient } from '../../src/protocol/stream-client.js';
import type { CaseResult } from '../../src/results/results.js';

function testCase(
  id: string,
  procedure: ConformCase['procedure'],
  extra: Partial<ConformCase> = {},
): ConformCase {
  return {
    id: `ack.${id}`,
    category: 'ack',
    clauses: ['ACK-1'],
    requirement: `test case ${id}`,
    acceptable: [
      { key: 'good', description: 'the good way', strictness: 'strict' },
      { key: 'meh', description: 'the allowed way', strictness: 'non-strict' },
    ],
    catches: [],
    procedure,
    ...extra,
  };
}

const CASES: ConformCase[] = [
  testCase('strict', async (ctx) => {
    const { stream } = await ctx.start();
    stream.send(1n, ctx.episodes.valid());
    await stream.expectAccepted(1n);
    return behaved('good', 'fine');
  }),
  testCase('non-strict', async () => behaved('meh')),
  testCase('violated', async (ctx) => {
    const { stream } = await ctx.start();
    stream.send(1n, ctx.episodes.valid());
    // The reference server accepts it, so this expectation is violated.
    await stream.expectRejected(1n, 'SEQUENCE_GAP', 1n);
    return behaved('good');
  }),
  testCase('throws', async () => {
    throw new Error('boom');
  }),
  testCase('skips', async () => skipped('not here')),
  testCase('short', async () => inconclusive('too few samples')),
  testCase('slow', (ctx) => ctx.sleep(5_000).then(() => behaved('good')), { budgetMs: 100 }),
  testCase('checker-finding', async (ctx) => {
    // A deliberate gap at the expected sequence is ACCEPTED: the checker says a gap was accepted.
    const { stream } = await ctx.start();
    stream.send(1n, ctx.episodes.valid(), { intent: 'gap' });
    await stream.nextOutcome();
    return behaved('good');
  }),
];

describe('case outcomes', () => {
  let server: EmbeddedServer;
  let byId: Record<string, CaseResult>;
  beforeAll(async () => {
    server = await startEmbeddedServer({ args: embeddedServerArgs(EMBEDDED_DIM) });
    const r = await runConformance({ target: server.address, catalog: CASES });
    byId = Object.fromEntries(r.cases.map((c) => [c.id.slice('ack.'.length), c]));
  });
  afterAll(() => server.stop());

  it('PASS for a strict behaviour, with its note as actual and a transcript of both directions', () => {
    const c = byId.strict as CaseResult;
    expect(c.outcome).toBe('PASS');
    expect(c.actual).toBe('fine');
    expect(c.transcript.map((e) => e.text)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^observation seq=1 /),
        expect.stringMatching(/^ack ACCEPTED seq=1/),
      ]),
    );
    expect(c.transcript.some((e) => e.dir === 'in') && c.transcript.some((e) => e.dir === 'out')).toBe(true);
  });

  it('NON-STRICT for an allowed, not recommended behaviour, saying which', () => {
    expect(byId['non-strict']?.outcome).toBe('NON-STRICT');
    expect(byId['non-strict']?.reason).toContain('the allowed way');
  });

  it('FAIL with requirement, expected and actual when the procedure finds a violation', () => {
    const c = byId.violated as CaseResult;
    expect(c.outcome).toBe('FAIL');
    expect(c.requirement).toBe('test case violated');
    expect(c.expected).toContain('REJECTED ack echoing seq=1 with reason=SEQUENCE_GAP');
    expect(c.actual).toMatch(/^ack ACCEPTED seq=1/);
  });

  it('ERROR when the tester breaks or the case overruns its budget', () => {
    expect(byId.throws?.outcome).toBe('ERROR');
    expect(byId.throws?.reason).toBe('tester error: boom');
    expect(byId.slow?.outcome).toBe('ERROR');
    expect(byId.slow?.reason).toContain('did not finish within its budget of 100 ms');
  });

  it('SKIP and INCONCLUSIVE with their reasons', () => {
    expect([byId.skips?.outcome, byId.skips?.reason]).toEqual(['SKIP', 'not here']);
    expect([byId.short?.outcome, byId.short?.reason]).toEqual(['INCONCLUSIVE', 'too few samples']);
  });

  it('FAIL when the checker finds a violation in the history although the procedure was content', () => {
    const c = byId['checker-finding'] as CaseResult;
    expect(c.outcome).toBe('FAIL');
    expect(c.findings.map((f) => f.kind)).toContain('wrong-reject-reason');
    expect(c.actual).toContain('gap');
  });

  it('--strict makes a NON-STRICT case fail the run', async () => {
    const only = CASES.filter((c) => c.id === 'ack.non-strict');
    const lax = await runConformance({ target: server.address, catalog: only });
    const strict = await runConformance({ target: server.address, catalog: only, strict: true });
    expect([lax.verdict, strict.verdict]).toEqual(['passed', 'failed']);
  });

  it('SKIP when the target says it lacks a feature the case needs, without running it', async () => {
    const streams = grpcStreamClient(makeEngramClient(server.address));
    const env = {
      streams,
      address: server.address,
      dial: () => streams,
      metadata: new grpc.Metadata(),
      capabilities: noCapabilities(),
      timeoutScale: 1,
      known: {},
    };
    const needy = testCase('needs-resume', async () => behaved('good'), { needs: ['resume'] });
    const r = await runCase(needy, env);
    streams.close();
    expect([r.outcome, r.reason]).toEqual(['SKIP', 'the target says supports_resume=false']);
  });
});

describe('unreachable target', () => {
  it('is a usage/connection error naming the target, before any case runs', async () => {
    await expect(
      runConformance({ target: '127.0.0.1:1', catalog: [testCase('x', async () => behaved('good'))] }),
    ).rejects.toThrow(/cannot open a session on 127\.0\.0\.1:1/);
  });
});
