// Acknowledgements (ACK): one outcome per observation in order, rejections that say
// why, accepted means visible exactly once, rejected never visible, memory ids.
import { type ConformCase, strictly } from '../case-types.js';
import { describeEvent } from '../describe-event.js';
import { behaved } from '../verdict.js';
import { acceptRun, drainClose, expectAllVisibleNow, expectNoneVisible, type Sent } from './case-steps.js';

type Expect =
  | { seq: bigint; accepted: true }
  | { seq: bigint; accepted: false; reason: string; expected: bigint };

export const ACK_CASES: ConformCase[] = [
  {
    id: 'ack.every-observation-answered',
    category: 'ack',
    clauses: ['ACK-1', 'ACK-2', 'ACK-3', 'SEQ-3', 'SEQ-4', 'VAL-1'],
    requirement:
      'A pipelined mix of valid, gapped, duplicate and invalid observations gets exactly one outcome each, in order',
    acceptable: strictly('300 outcomes, in send order, each the one the spec gives'),
    catches: ['drop-silently', 'reorder-acks', 'accept-gap', 'consume-rejected-seq', 'end-stream-on-gap'],
    async procedure(ctx) {
      const { stream } = await ctx.start();
      const plan: Expect[] = [];
      let next = 1n;
      for (let i = 0; i < 300; i++) {
        const kind = i % 10;
        if (kind === 3 && next > 1n) {
          stream.send(next - 1n, ctx.episodes.valid(), { intent: 'duplicate' });
          plan.push({ seq: next - 1n, accepted: false, reason: 'DUPLICATE_SEQUENCE', expected: next });
        } else if (kind === 6) {
          stream.send(next + 2n, ctx.episodes.valid(), { intent: 'gap' });
          plan.push({ seq: next + 2n, accepted: false, reason: 'SEQUENCE_GAP', expected: next });
        } else if (kind === 8) {
          stream.send(next, ctx.episodes.wrongDimension(), { intent: 'invalid' });
          plan.push({ seq: next, accepted: false, reason: 'INVALID_OBSERVATION', expected: next });
        } else {
          stream.send(next, ctx.episodes.valid());
          plan.push({ seq: next, accepted: true });
          next++;
        }
      }
      for (const p of plan) {
        if (p.accepted) await stream.expectAccepted(p.seq);
        else await stream.expectRejected(p.seq, p.reason, p.expected);
      }
      await drainClose(ctx, stream, next - 1n);
      return behaved('as-specified');
    },
  },
  {
    id: 'ack.rejection-says-why',
    category: 'ack',
    clauses: ['ACK-4'],
    requirement:
      'A REJECTED ack carries a reason, the expected sequence and (SHOULD) a detail a person can act on',
    acceptable: [
      {
        key: 'with-detail',
        description: 'reason, expected_sequence and a non-empty detail',
        strictness: 'strict',
      },
      {
        key: 'no-detail',
        description: 'reason and expected_sequence, but an empty detail',
        strictness: 'non-strict',
      },
    ],
    catches: ['accept-gap', 'end-stream-on-gap'],
    async procedure(ctx) {
      const { stream } = await ctx.start();
      await acceptRun(ctx, stream, 1n, 1n);
      stream.send(4n, ctx.episodes.valid(), { intent: 'gap' });
      const gap = await stream.expectRejected(4n, 'SEQUENCE_GAP', 2n);
      stream.send(2n, ctx.episodes.withInfinity(), { intent: 'invalid' });
      const invalid = await stream.expectRejected(2n, 'INVALID_OBSERVATION', 2n);
      await acceptRun(ctx, stream, 2n, 2n);
      await drainClose(ctx, stream, 2n);
      const details = [gap, invalid].map((e) => {
        const r = stream.response(e)?.result;
        return r?.case === 'ack' ? r.ack.detail : '';
      });
      if (details.some((d) => d === ''))
        return behaved('no-detail', 'a rejection came without a detail text');
      return behaved('with-detail', `details: ${details.map((d) => JSON.stringify(d)).join(', ')}`);
    },
  },
  {
    id: 'ack.accepted-visible-once',
    category: 'ack',
    clauses: ['ACK-5', 'ACK-7', 'CLS-1', 'REC-2', 'REC-3'],
    requirement: 'Every accepted observation is visible to recall exactly once after a drained close',
    acceptable: strictly('each of 40 accepted observations found once, first, by its exact embedding'),
    catches: [],
    async procedure(ctx) {
      const { stream } = await ctx.start();
      const sent = await acceptRun(ctx, stream, 1n, 40n);
      await drainClose(ctx, stream, 40n);
      await expectAllVisibleNow(ctx, 'a', sent, 'once a drained close has ended OK');
      return behaved('as-specified');
    },
  },
  {
    id: 'ack.rejected-never-visible',
    category: 'ack',
    clauses: ['ACK-6', 'SEQ-3', 'SEQ-4'],
    requirement: 'Observations rejected as gaps or duplicates never become visible',
    acceptable: strictly(
      'none of the rejected observations found by exact-embedding recall after a drained close',
    ),
    catches: ['accept-gap', 'index-twice'],
    async procedure(ctx) {
      const { stream } = await ctx.start();
      const accepted = await acceptRun(ctx, stream, 1n, 5n);
      const rejected: Sent[] = [];
      for (const [seq, intent] of [
        [9n, 'gap'],
        [3n, 'duplicate'],
        [5n, 'duplicate'],
        [7n, 'gap'],
      ] as const) {
        const episode = ctx.episodes.valid();
        stream.send(seq, episode, { intent });
        rejected.push({ seq, episode });
      }
      await stream.expectRejected(9n, 'SEQUENCE_GAP', 6n);
      await stream.expectRejected(3n, 'DUPLICATE_SEQUENCE', 6n);
      await stream.expectRejected(5n, 'DUPLICATE_SEQUENCE', 6n);
      await stream.expectRejected(7n, 'SEQUENCE_GAP', 6n);
      await drainClose(ctx, stream, 5n);
      await expectAllVisibleNow(ctx, 'a', accepted, 'after a drained close');
      await expectNoneVisible(ctx, 'a', rejected, 'rejected for its sequence');
      return behaved('as-specified');
    },
  },
  {
    id: 'ack.memory-id',
    category: 'ack',
    clauses: ['ACK-8', 'REC-2'],
    requirement: "An ACCEPTED ack's memory_id is the id recall reports: the Episode.id the client gave",
    acceptable: [
      { key: 'episode-id', description: 'memory_id equals the Episode.id', strictness: 'strict' },
      { key: 'empty', description: 'memory_id left empty (SHOULD carry it)', strictness: 'non-strict' },
    ],
    catches: [],
    async procedure(ctx) {
      const { stream } = await ctx.start();
      const sent = await acceptRun(ctx, stream, 1n, 3n);
      await drainClose(ctx, stream, 3n);
      const acks = stream.events().filter((e) => e.type === 'ack' && e.status === 'ACCEPTED');
      let empty = 0;
      for (const [i, e] of acks.entries()) {
        const r = stream.response(e)?.result;
        const memoryId = r?.case === 'ack' ? r.ack.memoryId : '';
        const episode = sent[i]?.episode;
        if (!episode) continue;
        if (memoryId === '') empty++;
        else if (memoryId !== episode.id)
          return ctx.fail(
            `memory_id=${episode.id} (the Episode.id, which recall reports)`,
            `${describeEvent(e)} memory_id=${memoryId}`,
          );
      }
      return empty > 0
        ? behaved('empty', `${empty} of ${acks.length} ACCEPTED acks had no memory_id`)
        : behaved('episode-id');
    },
  },
];
