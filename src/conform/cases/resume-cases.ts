// Resume and fencing (RES): continue a session on a new stream without loss or
// duplication; unknown, over-claimed and closed sessions refused; one writer.
import { randomUUID } from 'node:crypto';
import { status as Grpc } from '@grpc/grpc-js';
import { describeInit } from '../case-stream.js';
import { type ConformCase, strictly } from '../case-types.js';
import { describeEvent } from '../describe-event.js';
import { behaved } from '../verdict.js';
import {
  acceptRun,
  detachedSession,
  drainClose,
  expectAllVisibleNow,
  resumeExpecting,
  resumeRefused,
  sendValidRun,
  tryResume,
} from './case-steps.js';

const TWO_POW_53_PLUS_1 = 2n ** 53n + 1n;
const UINT64_MAX = 2n ** 64n - 1n;

export const RESUME_CASES: ConformCase[] = [
  {
    id: 'resume.after-cut',
    category: 'resume',
    clauses: ['RES-1', 'RES-4', 'RES-6', 'SES-9'],
    requirement:
      'After a cut, a resume continues at initial_sequence + 1 and every accepted observation is visible once',
    acceptable: strictly('initial_sequence=20; 21-30 ACCEPTED; all 30 visible once after a drained close'),
    catches: ['lose-on-resume'],
    needs: ['resume'],
    async procedure(ctx) {
      const id = randomUUID();
      const { stream } = await ctx.start({ sessionId: id });
      const sent = await acceptRun(ctx, stream, 1n, 20n);
      stream.cut();
      await stream.awaitEnd();
      const resumed = await resumeExpecting(ctx, 'a', id, 20n, 20n);
      sent.push(...(await acceptRun(ctx, resumed.stream, 21n, 30n)));
      await drainClose(ctx, resumed.stream, 30n);
      await expectAllVisibleNow(ctx, 'a', sent, 'after a resume and a drained close');
      return behaved('as-specified');
    },
  },
  {
    id: 'resume.lost-acks',
    category: 'resume',
    clauses: ['RES-4', 'RES-6', 'ACK-5'],
    requirement:
      'A resume claiming less than was accepted (acks lost in a cut) learns the true last accepted sequence',
    acceptable: strictly(
      'initial_sequence between the claim and 40; everything up to it visible; the rest resent and ACCEPTED',
    ),
    catches: ['lose-on-resume'],
    needs: ['resume'],
    async procedure(ctx) {
      const id = randomUUID();
      const { stream } = await ctx.start({ sessionId: id });
      const first = await acceptRun(ctx, stream, 1n, 10n);
      const inFlight = sendValidRun(ctx, stream, 11n, 40n);
      // Cut at once: some of 11..40 may have been accepted, their acks lost with the stream.
      stream.cut();
      await stream.awaitEnd();
      const seen = stream
        .events()
        .filter((e) => e.type === 'ack' && e.status === 'ACCEPTED')
        .reduce((max, e) => (e.type === 'ack' && e.seq > max ? e.seq : max), 0n);
      ctx.note(`the client saw ACCEPTED through ${seen}; claiming that`);
      const { stream: resumed, result } = await tryResume(ctx, 'a', id, seen);
      if (result.kind !== 'ack')
        return ctx.fail(`init_ack for a resume claiming ${seen}`, describeInit(result));
      const initial = result.ack.initialSequence;
      if (initial < seen || initial > 40n)
        return ctx.fail(
          `initial_sequence between ${seen} (the claim) and 40 (the last one sent)`,
          describeInit(result),
        );
      const rest = await acceptRun(ctx, resumed, initial + 1n, 40n);
      await drainClose(ctx, resumed, 40n);
      const before = [...first, ...inFlight.filter((s) => s.seq <= initial)];
      await expectAllVisibleNow(
        ctx,
        'a',
        [...before, ...rest],
        `up to initial_sequence=${initial} and after`,
      );
      return behaved(
        'as-specified',
        `the resume reported initial_sequence=${initial} after a claim of ${seen}`,
      );
    },
  },
  {
    id: 'resume.unknown-session',
    category: 'resume',
    clauses: ['RES-2'],
    requirement: 'Resuming an id the server never saw ends with NOT_FOUND; no session is created quietly',
    acceptable: strictly('NOT_FOUND'),
    catches: [],
    needs: ['resume'],
    provokes: [Grpc.NOT_FOUND],
    async procedure(ctx) {
      await resumeRefused(ctx, 'a', randomUUID(), 0n, [Grpc.NOT_FOUND], 'no such session');
      return behaved('as-specified');
    },
  },
  {
    id: 'resume.over-claim',
    category: 'resume',
    clauses: ['RES-3', 'RES-4'],
    requirement:
      'A resume claiming more than the server accepted ends with OUT_OF_RANGE and leaves the session as it was',
    acceptable: strictly('OUT_OF_RANGE for a claim of 5 after 3 accepted; a claim of 3 then resumes at 3'),
    catches: ['lose-on-resume'],
    needs: ['resume'],
    provokes: [Grpc.OUT_OF_RANGE],
    async procedure(ctx) {
      const id = await detachedSession(ctx, 3n);
      await resumeRefused(ctx, 'a', id, 5n, [Grpc.OUT_OF_RANGE], 'the claim 5 exceeds the last accepted 3');
      const resumed = await resumeExpecting(ctx, 'a', id, 3n, 3n);
      await acceptRun(ctx, resumed.stream, 4n, 4n);
      await drainClose(ctx, resumed.stream, 4n);
      return behaved('as-specified');
    },
  },
  {
    id: 'resume.claim-past-2-pow-53',
    category: 'resume',
    clauses: ['RES-3', 'WIRE-3'],
    requirement: 'Resume claims of 2^53+1 and 2^64-1 are compared exactly: OUT_OF_RANGE, the session intact',
    acceptable: strictly('OUT_OF_RANGE for both claims; a claim of 2 then resumes at 2'),
    catches: [],
    needs: ['resume'],
    provokes: [Grpc.OUT_OF_RANGE],
    async procedure(ctx) {
      const id = await detachedSession(ctx, 2n);
      for (const claim of [TWO_POW_53_PLUS_1, UINT64_MAX]) {
        await resumeRefused(ctx, 'a', id, claim, [Grpc.OUT_OF_RANGE], `a claim of ${claim} after 2 accepted`);
      }
      const resumed = await resumeExpecting(ctx, 'a', id, 2n, 2n);
      await drainClose(ctx, resumed.stream, 2n);
      return behaved('as-specified');
    },
  },
  {
    id: 'resume.fences-old-stream',
    category: 'resume',
    clauses: ['RES-5'],
    requirement:
      'A resume fences the older stream of the session: it ends ABORTED and nothing it sends is accepted',
    acceptable: strictly('old stream ABORTED; its late send not accepted; the new stream gets 4 ACCEPTED'),
    catches: [],
    needs: ['resume'],
    async procedure(ctx) {
      const id = randomUUID();
      const { stream: old } = await ctx.start({ sessionId: id });
      await acceptRun(ctx, old, 1n, 3n);
      const resumed = await resumeExpecting(ctx, 'a', id, 3n, 3n);
      if (!old.isEnded) old.send(4n, ctx.episodes.valid());
      await old.expectEnd([Grpc.ABORTED], 'its session was resumed on another stream');
      const lateAccept = old
        .events()
        .find((e) => e.type === 'ack' && e.status === 'ACCEPTED' && e.seq === 4n);
      if (lateAccept)
        return ctx.fail('nothing sent on the fenced stream is accepted', describeEvent(lateAccept));
      await acceptRun(ctx, resumed.stream, 4n, 4n);
      await drainClose(ctx, resumed.stream, 4n);
      return behaved('as-specified');
    },
  },
  {
    id: 'resume.empty-session-id',
    category: 'resume',
    clauses: ['RES-7'],
    requirement: 'A resume without a session id ends with INVALID_ARGUMENT or NOT_FOUND',
    acceptable: strictly('INVALID_ARGUMENT or NOT_FOUND'),
    catches: [],
    needs: ['resume'],
    provokes: [Grpc.INVALID_ARGUMENT, Grpc.NOT_FOUND],
    async procedure(ctx) {
      await resumeRefused(
        ctx,
        'a',
        '',
        0n,
        [Grpc.INVALID_ARGUMENT, Grpc.NOT_FOUND],
        'resume=true without a session id',
      );
      return behaved('as-specified');
    },
  },
  {
    id: 'resume.closed-session-gone',
    category: 'resume',
    clauses: ['CLS-6', 'RES-2'],
    requirement:
      'A session closed with close is gone: resume is NOT_FOUND and its id may start a new session',
    acceptable: strictly('NOT_FOUND on resume; a new session with the same id starts at 0'),
    catches: [],
    needs: ['resume'],
    provokes: [Grpc.NOT_FOUND],
    async procedure(ctx) {
      const id = randomUUID();
      const { stream } = await ctx.start({ sessionId: id });
      await acceptRun(ctx, stream, 1n, 2n);
      await drainClose(ctx, stream, 2n);
      await resumeRefused(ctx, 'a', id, 2n, [Grpc.NOT_FOUND], 'the session was closed');
      const again = await ctx.start({ session: 'b', sessionId: id });
      if (again.ack.initialSequence !== 0n)
        return ctx.fail(
          'a new session (initial_sequence 0) under the reused id',
          `initial_sequence=${again.ack.initialSequence}`,
        );
      await acceptRun(ctx, again.stream, 1n, 1n);
      await drainClose(ctx, again.stream, 1n);
      return behaved('as-specified');
    },
  },
];
