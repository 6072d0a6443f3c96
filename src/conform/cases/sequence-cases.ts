// Sequences (SEQ): dense from 1, gaps and duplicates rejected in-band without
// consuming the number, go-back-N, check order, exact uint64 past 2^53.
import { type ConformCase, strictly } from '../case-types.js';
import { behaved } from '../verdict.js';
import { acceptRun, drainClose, expectAllVisibleNow, expectNoneVisible, type Sent } from './case-steps.js';

const TWO_POW_53_PLUS_1 = 2n ** 53n + 1n;
const UINT64_MAX = 2n ** 64n - 1n;

export const SEQUENCE_CASES: ConformCase[] = [
  {
    id: 'sequence.happy-path',
    category: 'sequence',
    clauses: ['SEQ-1', 'SEQ-2', 'ACK-1', 'ACK-2', 'ACK-3', 'WIRE-1', 'WIRE-4', 'FLOW-11'],
    requirement: '200 pipelined observations 1..200 are each ACCEPTED once, in order, echoing their sequence',
    acceptable: strictly(
      'ACCEPTED 1..200 in order; init hints (buffer size, batch size) are accepted or ignored',
    ),
    catches: ['drop-silently', 'reorder-acks'],
    async procedure(ctx) {
      const n = 200n;
      const { stream } = await ctx.start({
        clientBufferSize: 64,
        maxBatchSize: 10,
        enableBackpressure: true,
      });
      await acceptRun(ctx, stream, 1n, n);
      await drainClose(ctx, stream, n);
      return behaved('as-specified');
    },
  },
  {
    id: 'sequence.first-must-be-one',
    category: 'sequence',
    clauses: ['SEQ-1', 'SEQ-3'],
    requirement:
      'The first observation of a new session is 1: a first observation numbered 2 is a SEQUENCE_GAP',
    acceptable: strictly('REJECTED SEQUENCE_GAP expected_sequence=1, then 1 ACCEPTED'),
    catches: ['accept-gap', 'end-stream-on-gap'],
    async procedure(ctx) {
      const { stream } = await ctx.start();
      stream.send(2n, ctx.episodes.valid(), { intent: 'gap' });
      await stream.expectRejected(2n, 'SEQUENCE_GAP', 1n);
      await acceptRun(ctx, stream, 1n, 2n);
      await drainClose(ctx, stream, 2n);
      return behaved('as-specified');
    },
  },
  {
    id: 'sequence.gap-rejected',
    category: 'sequence',
    clauses: ['SEQ-3', 'SEQ-5', 'ACK-6'],
    requirement:
      'A gap is rejected in-band (SEQUENCE_GAP, expected_sequence), the session stays usable, nothing gapped is indexed',
    acceptable: strictly(
      'REJECTED SEQUENCE_GAP expected_sequence=3 for seq 5; then 3 ACCEPTED; the gapped one never visible',
    ),
    catches: ['accept-gap', 'end-stream-on-gap'],
    async procedure(ctx) {
      const { stream } = await ctx.start();
      const before = await acceptRun(ctx, stream, 1n, 2n);
      const gapped: Sent = { seq: 5n, episode: ctx.episodes.valid() };
      stream.send(gapped.seq, gapped.episode, { intent: 'gap' });
      await stream.expectRejected(5n, 'SEQUENCE_GAP', 3n);
      const after = await acceptRun(ctx, stream, 3n, 3n);
      await drainClose(ctx, stream, 3n);
      await expectAllVisibleNow(ctx, 'a', [...before, ...after], 'after a drained close');
      await expectNoneVisible(ctx, 'a', [gapped], 'rejected as SEQUENCE_GAP');
      return behaved('as-specified');
    },
  },
  {
    id: 'sequence.duplicate-rejected',
    category: 'sequence',
    clauses: ['SEQ-4', 'ACK-3', 'ACK-6', 'ACK-7'],
    requirement:
      'A repeated or old sequence is rejected in-band as DUPLICATE_SEQUENCE and never indexed twice',
    acceptable: strictly(
      'REJECTED DUPLICATE_SEQUENCE expected_sequence=3 for 2 and 1; the duplicates never visible',
    ),
    catches: ['index-twice'],
    async procedure(ctx) {
      const { stream } = await ctx.start();
      const accepted = await acceptRun(ctx, stream, 1n, 2n);
      const duplicates: Sent[] = [
        { seq: 2n, episode: ctx.episodes.valid() },
        { seq: 1n, episode: ctx.episodes.valid() },
      ];
      for (const d of duplicates) stream.send(d.seq, d.episode, { intent: 'duplicate' });
      await stream.expectRejected(2n, 'DUPLICATE_SEQUENCE', 3n);
      await stream.expectRejected(1n, 'DUPLICATE_SEQUENCE', 3n);
      accepted.push(...(await acceptRun(ctx, stream, 3n, 3n)));
      await drainClose(ctx, stream, 3n);
      await expectAllVisibleNow(ctx, 'a', accepted, 'after a drained close');
      await expectNoneVisible(ctx, 'a', duplicates, 'rejected as DUPLICATE_SEQUENCE');
      return behaved('as-specified');
    },
  },
  {
    id: 'sequence.zero-is-duplicate',
    category: 'sequence',
    clauses: ['SEQ-4'],
    requirement:
      'Sequence 0 is below the first valid sequence: REJECTED DUPLICATE_SEQUENCE with expected_sequence 1',
    acceptable: strictly('REJECTED DUPLICATE_SEQUENCE expected_sequence=1; then 1 ACCEPTED'),
    catches: [],
    async procedure(ctx) {
      const { stream } = await ctx.start();
      stream.send(0n, ctx.episodes.valid(), { intent: 'duplicate' });
      await stream.expectRejected(0n, 'DUPLICATE_SEQUENCE', 1n);
      await acceptRun(ctx, stream, 1n, 1n);
      await drainClose(ctx, stream, 1n);
      return behaved('as-specified');
    },
  },
  {
    id: 'sequence.reordered-sends',
    category: 'sequence',
    clauses: ['SEQ-3', 'SEQ-5', 'ACK-2', 'ACK-3'],
    requirement:
      'Observations sent out of order (1, 3, 2, 4) are judged in arrival order: the early ones are gaps, resent they are ACCEPTED',
    acceptable: strictly(
      '1 ACCEPTED, 3 SEQUENCE_GAP (expected 2), 2 ACCEPTED, 4 SEQUENCE_GAP (expected 3); resent 3, 4 ACCEPTED',
    ),
    catches: ['accept-gap', 'end-stream-on-gap'],
    async procedure(ctx) {
      const { stream } = await ctx.start();
      for (const [seq, intent] of [
        [1n, 'normal'],
        [3n, 'gap'],
        [2n, 'normal'],
        [4n, 'gap'],
      ] as const) {
        stream.send(seq, ctx.episodes.valid(), { intent });
      }
      await stream.expectAccepted(1n);
      await stream.expectRejected(3n, 'SEQUENCE_GAP', 2n);
      await stream.expectAccepted(2n);
      await stream.expectRejected(4n, 'SEQUENCE_GAP', 3n);
      await acceptRun(ctx, stream, 3n, 4n);
      await drainClose(ctx, stream, 4n);
      return behaved('as-specified');
    },
  },
  {
    id: 'sequence.go-back-n',
    category: 'sequence',
    clauses: ['SEQ-5', 'SEQ-7', 'ACK-2'],
    requirement:
      'After a rejection the pipelined observations behind it come back as gaps, and resending from expected works',
    acceptable: strictly(
      '1-3 ACCEPTED, 4 INVALID_OBSERVATION, 5-10 SEQUENCE_GAP (expected 4); resent 4-10 ACCEPTED',
    ),
    catches: ['consume-rejected-seq', 'accept-gap'],
    async procedure(ctx) {
      const { stream } = await ctx.start();
      for (let seq = 1n; seq <= 10n; seq++) {
        if (seq === 4n) stream.send(seq, ctx.episodes.wrongDimension(), { intent: 'invalid' });
        else stream.send(seq, ctx.episodes.valid());
      }
      await stream.expectAcceptedRun(1n, 3n);
      await stream.expectRejected(4n, 'INVALID_OBSERVATION', 4n);
      for (let seq = 5n; seq <= 10n; seq++) await stream.expectRejected(seq, 'SEQUENCE_GAP', 4n);
      await acceptRun(ctx, stream, 4n, 10n);
      await drainClose(ctx, stream, 10n);
      return behaved('as-specified');
    },
  },
  {
    id: 'sequence.retry-after-rejection',
    category: 'sequence',
    clauses: ['SEQ-5', 'VAL-6'],
    requirement:
      'A rejected observation does not consume its number: the same sequence retried valid is ACCEPTED',
    acceptable: strictly('2 REJECTED INVALID_OBSERVATION (expected 2), then 2 ACCEPTED, then 3 ACCEPTED'),
    catches: ['consume-rejected-seq'],
    async procedure(ctx) {
      const { stream } = await ctx.start();
      await acceptRun(ctx, stream, 1n, 1n);
      stream.send(2n, ctx.episodes.withNaN(), { intent: 'invalid' });
      await stream.expectRejected(2n, 'INVALID_OBSERVATION', 2n);
      await acceptRun(ctx, stream, 2n, 3n);
      await drainClose(ctx, stream, 3n);
      return behaved('as-specified');
    },
  },
  {
    id: 'sequence.check-order',
    category: 'sequence',
    clauses: ['SEQ-6'],
    requirement:
      'The sequence check comes before validity: a gapped or duplicate invalid observation is rejected for its sequence',
    acceptable: strictly('SEQUENCE_GAP for a gapped bad embedding, DUPLICATE_SEQUENCE for a repeated one'),
    catches: ['accept-gap'],
    async procedure(ctx) {
      const { stream } = await ctx.start();
      await acceptRun(ctx, stream, 1n, 1n);
      stream.send(3n, ctx.episodes.wrongDimension(), { intent: 'invalid' });
      await stream.expectRejected(3n, 'SEQUENCE_GAP', 2n);
      stream.send(1n, ctx.episodes.withoutEmbedding(), { intent: 'invalid' });
      await stream.expectRejected(1n, 'DUPLICATE_SEQUENCE', 2n);
      await acceptRun(ctx, stream, 2n, 2n);
      await drainClose(ctx, stream, 2n);
      return behaved('as-specified');
    },
  },
  {
    id: 'sequence.past-2-pow-53',
    category: 'sequence',
    clauses: ['SEQ-8', 'WIRE-3'],
    requirement:
      'Sequences past 2^53 are compared and echoed exactly: gaps at 2^53+1 and 2^64-1 are echoed digit for digit',
    acceptable: strictly(
      `REJECTED SEQUENCE_GAP echoing ${TWO_POW_53_PLUS_1} and ${UINT64_MAX}, expected_sequence 2`,
    ),
    catches: ['accept-gap', 'end-stream-on-gap'],
    async procedure(ctx) {
      const { stream } = await ctx.start();
      await acceptRun(ctx, stream, 1n, 1n);
      for (const big of [TWO_POW_53_PLUS_1, UINT64_MAX]) {
        stream.send(big, ctx.episodes.valid(), { intent: 'gap' });
        await stream.expectRejected(big, 'SEQUENCE_GAP', 2n);
      }
      await acceptRun(ctx, stream, 2n, 2n);
      await drainClose(ctx, stream, 2n);
      return behaved('as-specified');
    },
  },
];
