// Per-observation validation (VAL): bad embeddings and oversize text are rejected
// in-band and change nothing; oversize messages are never accepted.
import { status as Grpc } from '@grpc/grpc-js';
import type { Episode } from '../../protocol/messages.js';
import type { CaseContext } from '../case-context.js';
import { describeOutcome } from '../case-stream.js';
import { type ConformCase, strictly } from '../case-types.js';
import { behaved, inconclusive, skipped } from '../verdict.js';
import { acceptRun, drainClose, expectNoneVisible, resumeExpecting } from './case-steps.js';

/** Past gRPC's default 4 MiB receive limit. */
const OVERSIZE_MESSAGE_BYTES = 5 * 1024 * 1024;

/**
 * Sends each invalid episode at seq 2 after 1 was accepted: each must be REJECTED
 * INVALID_OBSERVATION with expected 2; then a valid 2 is ACCEPTED (nothing consumed).
 */
async function rejectsEach(ctx: CaseContext, invalid: readonly Episode[]): Promise<void> {
  const { stream } = await ctx.start();
  await acceptRun(ctx, stream, 1n, 1n);
  for (const episode of invalid) {
    stream.send(2n, episode, { intent: 'invalid' });
    await stream.expectRejected(2n, 'INVALID_OBSERVATION', 2n);
  }
  await acceptRun(ctx, stream, 2n, 2n);
  await drainClose(ctx, stream, 2n);
}

export const VALIDATION_CASES: ConformCase[] = [
  {
    id: 'validation.wrong-dimension',
    category: 'validation',
    clauses: ['VAL-1', 'VAL-6', 'SEQ-5'],
    requirement: 'An embedding of the wrong length is REJECTED INVALID_OBSERVATION and consumes nothing',
    acceptable: strictly(
      'INVALID_OBSERVATION for dim+1 and dim-1, expected_sequence unchanged; the valid retry ACCEPTED',
    ),
    catches: ['consume-rejected-seq'],
    async procedure(ctx) {
      const shorter = ctx.episodes.valid({ embedding: ctx.episodes.embedding(ctx.dim - 1) });
      await rejectsEach(ctx, [ctx.episodes.wrongDimension(), shorter]);
      return behaved('as-specified');
    },
  },
  {
    id: 'validation.nan-or-infinite',
    category: 'validation',
    clauses: ['VAL-2', 'VAL-6'],
    requirement: 'An embedding with NaN or an infinite value is REJECTED INVALID_OBSERVATION',
    acceptable: strictly('INVALID_OBSERVATION for NaN and for +Infinity; the valid retry ACCEPTED'),
    catches: [],
    async procedure(ctx) {
      await rejectsEach(ctx, [ctx.episodes.withNaN(), ctx.episodes.withInfinity()]);
      return behaved('as-specified');
    },
  },
  {
    id: 'validation.missing-embedding',
    category: 'validation',
    clauses: ['VAL-3', 'VAL-6'],
    requirement: 'An observation without an embedding is REJECTED INVALID_OBSERVATION',
    acceptable: strictly('INVALID_OBSERVATION; the valid retry ACCEPTED'),
    catches: [],
    async procedure(ctx) {
      await rejectsEach(ctx, [ctx.episodes.withoutEmbedding()]);
      return behaved('as-specified');
    },
  },
  {
    id: 'validation.oversize-text',
    category: 'validation',
    clauses: ['VAL-4', 'VAL-6'],
    requirement: 'An Episode.what longer than max_text_bytes is REJECTED INVALID_OBSERVATION',
    acceptable: strictly('INVALID_OBSERVATION for max_text_bytes + 1 bytes; the valid retry ACCEPTED'),
    catches: [],
    async procedure(ctx) {
      const max = ctx.caps.maxTextBytes;
      if (max === 0) return skipped('the target does not say its max_text_bytes');
      if (max > OVERSIZE_MESSAGE_BYTES)
        return skipped(`max_text_bytes ${max} is beyond what this case sends`);
      await rejectsEach(ctx, [ctx.episodes.oversizeText(max)]);
      return behaved('as-specified');
    },
  },
  {
    id: 'validation.oversize-message',
    category: 'validation',
    clauses: ['VAL-5', 'VAL-6'],
    requirement:
      'A 5 MiB observation is never accepted: RESOURCE_EXHAUSTED ends the stream, or it is rejected in-band',
    acceptable: [
      {
        key: 'resource-exhausted',
        description: 'the stream ends with RESOURCE_EXHAUSTED; the session is resumable at 1',
        strictness: 'strict',
      },
      { key: 'rejected', description: 'REJECTED INVALID_OBSERVATION in-band', strictness: 'strict' },
    ],
    catches: [],
    provokes: [Grpc.RESOURCE_EXHAUSTED],
    async procedure(ctx) {
      const { stream, ack } = await ctx.start();
      await acceptRun(ctx, stream, 1n, 1n);
      const big = ctx.episodes.valid({ what: 'x'.repeat(OVERSIZE_MESSAGE_BYTES) });
      stream.send(2n, big, { intent: 'invalid' });
      const o = await stream.nextOutcome(ctx.scaled(10_000));
      if (o.kind === 'ack' && o.ack.status === 'REJECTED' && o.ack.reason === 'INVALID_OBSERVATION') {
        await drainClose(ctx, stream, 1n);
        await expectNoneVisible(ctx, 'a', [{ seq: 2n, episode: big }], 'rejected as oversize');
        return behaved('rejected');
      }
      if (o.kind === 'end' && o.end.code === Grpc.RESOURCE_EXHAUSTED) {
        if (ctx.caps.supportsResume) {
          const resumed = await resumeExpecting(ctx, 'a', ack.sessionId, 1n, 1n);
          await drainClose(ctx, resumed.stream, 1n);
        }
        return behaved('resource-exhausted');
      }
      if (o.kind === 'ack' && o.ack.status === 'ACCEPTED' && ctx.caps.maxTextBytes === 0) {
        return inconclusive(
          'the target accepted a 5 MiB observation: its limits are above what this case sends',
        );
      }
      return ctx.fail(
        'RESOURCE_EXHAUSTED, or REJECTED INVALID_OBSERVATION, for a 5 MiB observation',
        describeOutcome(o),
      );
    },
  },
];
