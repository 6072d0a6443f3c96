// Close (CLS): drain then STATE_CLOSED then OK, the final INDEXED ack, last_sequence
// checked, no-drain close, observations after close, repeated close.
import { status as Grpc } from '@grpc/grpc-js';
import type { HistoryEvent, SessionKey } from '../../history/history.js';
import type { CaseContext } from '../case-context.js';
import { type CaseStream, describeOutcome } from '../case-stream.js';
import { type ConformCase, strictly } from '../case-types.js';
import { describeEvent } from '../describe-event.js';
import { type AckEvent, isIndexedAck } from '../event-kinds.js';
import { behaved } from '../verdict.js';
import {
  acceptRun,
  awaitDrainedEnd,
  backlogSizes,
  drainClose,
  expectAllVisibleNow,
  expectNoneVisible,
  finishBacklog,
  queueBacklog,
  resumeExpecting,
  sendValidRun,
} from './case-steps.js';

const TWO_POW_53_PLUS_1 = 2n ** 53n + 1n;
/** Observations sent right before a close in one write (well under a 64 KiB window at 768 dimensions). */
const OWN_WITH_CLOSE = 8n;

/** The stream's events from log index `from` up to its STATE_CLOSED (the caller made sure there is one). */
function beforeClosed(ctx: CaseContext, stream: CaseStream, from: number): HistoryEvent[] {
  const after = ctx.log.events.slice(from).filter((e) => 'stream' in e && e.stream === stream.id);
  return after.slice(
    0,
    after.findIndex((e) => e.type === 'status' && e.state === 'CLOSED'),
  );
}

/**
 * A drained close of a session whose INDEXED mark `last` the client saw before it closed:
 * only the final INDEXED ack of the close can carry the mark then (IDX-3 lets only it repeat
 * one), so a server that skips the drain is told apart whatever the timing.
 */
async function closeRepeatingKnownMark(ctx: CaseContext, session: SessionKey, last: bigint): Promise<void> {
  const { stream } = await ctx.start({ session, indexAcks: true });
  await acceptRun(ctx, stream, 1n, last);
  const indexed = await ctx.log.waitFor(
    (e): e is AckEvent => isIndexedAck(e) && e.stream === stream.id && e.seq >= last,
    ctx.scaled(10_000),
  );
  if (!indexed)
    return ctx.fail(
      `INDEXED through ${last} within 10 s`,
      `marks: ${stream.indexedMarks().join(', ') || 'none'}`,
    );
  const closeAt = ctx.log.events.length;
  stream.close(true, last);
  await awaitDrainedEnd(ctx, stream, last, closeAt);
  const closing = beforeClosed(ctx, stream, closeAt);
  if (!closing.some((e) => isIndexedAck(e) && e.seq === last)) {
    return ctx.fail(
      `INDEXED through ${last} repeated after the close request, before STATE_CLOSED`,
      `after the close: ${ctx.log.events
        .slice(closeAt)
        .filter((e) => 'stream' in e && e.stream === stream.id)
        .map(describeEvent)
        .join('; ')}`,
    );
  }
}

export const CLOSE_CASES: ConformCase[] = [
  {
    id: 'close.drain-final-indexed',
    category: 'close',
    clauses: ['CLS-1', 'CLS-7', 'IDX-2', 'IDX-3'],
    requirement:
      'A drained close sends the final INDEXED ack covering everything accepted, then STATE_CLOSED, then OK',
    acceptable: strictly(
      'INDEXED through the last sequence after the close request, before STATE_CLOSED, the RPC ends OK; that ack repeats the mark, or a second close with the mark already seen repeats it',
    ),
    // Its own checks (the final mark before STATE_CLOSED, shown to be the close's) catch a
    // skipped drain without the CLS-7 check of STATE_CLOSED.
    catches: ['no-drain-on-close'],
    needs: ['index-acks'],
    async procedure(ctx) {
      const { backlog } = backlogSizes(ctx);
      // Few enough to leave with the close in one flow-control window: the server usually
      // reads the close right behind them, before any of them can be visible (see below).
      const n = OWN_WITH_CLOSE;
      const { stream } = await ctx.start({ indexAcks: true });
      const ahead = await queueBacklog(ctx, backlog);
      sendValidRun(ctx, stream, 1n, n);
      const closeAt = ctx.log.events.length;
      stream.close(true, n);
      await stream.expectAcceptedRun(1n, n);
      await awaitDrainedEnd(ctx, stream, n, closeAt);
      const final = beforeClosed(ctx, stream, closeAt).findLast(isIndexedAck);
      if (final?.seq !== n) {
        return ctx.fail(
          `INDEXED through seq=${n} after the close request and before STATE_CLOSED`,
          final ? describeEvent(final) : 'no INDEXED ack between the close and STATE_CLOSED',
        );
      }
      await finishBacklog(ctx, ahead);
      // Nothing makes the server read the close before all n are visible: a stalled tester
      // (or transport) can deliver it late, and a server that skips the drain then shows one
      // INDEXED through n that went out before the close, just as a draining server that
      // coalesces its acks shows one final ack. A repeated mark is the final ack (IDX-3);
      // without one, the close is proven where the client saw the mark before closing.
      const carriers = beforeClosed(ctx, stream, 0).filter((e) => isIndexedAck(e) && e.seq === n).length;
      if (carriers < 2) {
        ctx.note(
          `one INDEXED through ${n}: it may have gone out before the server read the close; session 'b' closes with its mark already known`,
        );
        await closeRepeatingKnownMark(ctx, 'b', 5n);
      }
      return behaved('as-specified');
    },
  },
  {
    id: 'close.final-indexed-repeated',
    category: 'close',
    clauses: ['CLS-1', 'IDX-3'],
    requirement:
      'A drained close sends a final INDEXED ack even when the mark was already sent: it repeats it',
    acceptable: strictly(
      'INDEXED through 5 again after the close request, before STATE_CLOSED; the RPC ends OK',
    ),
    catches: ['no-drain-on-close'],
    needs: ['index-acks'],
    async procedure(ctx) {
      await closeRepeatingKnownMark(ctx, 'a', 5n);
      return behaved('as-specified');
    },
  },
  {
    id: 'close.drain-makes-visible',
    category: 'close',
    clauses: ['CLS-1', 'CLS-7', 'ACK-5'],
    requirement: 'When a drained close ends OK, every accepted observation is already visible to recall',
    acceptable: strictly('a single recall right after the OK end finds every accepted observation'),
    catches: [],
    async procedure(ctx) {
      const { backlog, own: n } = backlogSizes(ctx);
      const { stream } = await ctx.start();
      const ahead = await queueBacklog(ctx, backlog);
      const sent = sendValidRun(ctx, stream, 1n, n);
      const closeAt = ctx.log.events.length;
      stream.close(true, n);
      await stream.expectAcceptedRun(1n, n);
      await awaitDrainedEnd(ctx, stream, n, closeAt);
      // Newest first: the last observations queued are the ones a skipped drain leaves invisible.
      await expectAllVisibleNow(
        ctx,
        'a',
        sent.reverse(),
        'the moment a drained close ended OK (no second poll)',
      );
      await finishBacklog(ctx, ahead);
      return behaved('as-specified');
    },
  },
  {
    id: 'close.wrong-last-sequence',
    category: 'close',
    clauses: ['CLS-2', 'WIRE-3'],
    requirement:
      'A close whose last_sequence differs from the last accepted ends with FAILED_PRECONDITION naming both; the session stays resumable',
    acceptable: strictly(
      `FAILED_PRECONDITION whose message states 3 and ${TWO_POW_53_PLUS_1} (drained) and 3 and 2 (not drained); resume works`,
    ),
    catches: [],
    provokes: [Grpc.FAILED_PRECONDITION],
    async procedure(ctx) {
      for (const [key, drain, claimed] of [
        ['a', true, TWO_POW_53_PLUS_1],
        ['b', false, 2n],
      ] as const) {
        const { stream, ack } = await ctx.start({ session: key });
        await acceptRun(ctx, stream, 1n, 3n);
        stream.close(drain, claimed);
        const end = await stream.expectEnd(
          [Grpc.FAILED_PRECONDITION],
          `last_sequence=${claimed} but 3 was the last accepted`,
        );
        const numbers: string[] = end.details.match(/\d+/g) ?? [];
        if (!numbers.includes('3') || !numbers.includes(claimed.toString())) {
          return ctx.fail(
            `a status message stating expected 3 and got ${claimed} exactly`,
            describeEvent(end),
          );
        }
        if (ctx.caps.supportsResume) {
          const resumed = await resumeExpecting(ctx, key, ack.sessionId, 3n, 3n);
          await drainClose(ctx, resumed.stream, 3n);
        }
      }
      return behaved('as-specified');
    },
  },
  {
    id: 'close.without-drain',
    category: 'close',
    clauses: ['CLS-3'],
    requirement:
      'A close without drain ends at once (STATE_CLOSED, OK) and what was accepted is still indexed',
    acceptable: strictly(
      'STATE_CLOSED and OK without waiting; every accepted observation visible within 5 s',
    ),
    catches: [],
    async procedure(ctx) {
      const { stream } = await ctx.start();
      const sent = await acceptRun(ctx, stream, 1n, 20n);
      const from = ctx.log.events.length;
      stream.close(false, 20n);
      await stream.expectEnd([Grpc.OK], 'close without drain_queue', ctx.answerMs);
      if (!(await stream.awaitStatus((s) => s.state === 'CLOSED', 0, from)))
        return ctx.fail('STATE_CLOSED before the RPC ends OK', 'no STATE_CLOSED status');
      for (const s of sent) {
        const p = await ctx.probe('a', s.seq, s.episode, ctx.space, {
          timeoutMs: ctx.scaled(5000),
          intervalMs: 20,
        });
        if (!p.found)
          return ctx.fail(
            'accepted observations indexed after a close without drain',
            `seq ${s.seq} not visible within 5 s`,
          );
      }
      return behaved('as-specified');
    },
  },
  {
    id: 'close.data-after-close',
    category: 'close',
    clauses: ['CLS-4', 'CLS-8'],
    requirement:
      'An observation sent after close, while the drain runs or after STATE_CLOSED but before the half-close, is REJECTED SESSION_CLOSING and never indexed',
    acceptable: strictly(
      'REJECTED SESSION_CLOSING for the observation behind the close and for one sent after STATE_CLOSED; neither is ever visible',
    ),
    catches: [],
    needs: ['half-close'],
    async procedure(ctx) {
      const { backlog, own: n } = backlogSizes(ctx);
      const { stream } = await ctx.start();
      // The backlog keeps the drain busy, so the observation behind the close arrives while the stream is open.
      const ahead = await queueBacklog(ctx, backlog);
      sendValidRun(ctx, stream, 1n, n);
      stream.close(true, n, { keepOpen: true });
      const late = { seq: n + 1n, episode: ctx.episodes.valid() };
      stream.send(late.seq, late.episode);
      await stream.expectAcceptedRun(1n, n);
      const closing = async (seq: bigint, when: string): Promise<void> => {
        const o = await stream.nextOutcome(ctx.scaled(10_000));
        if (
          o.kind === 'ack' &&
          o.ack.status === 'REJECTED' &&
          o.ack.seq === seq &&
          o.ack.reason === 'SESSION_CLOSING'
        )
          return;
        return ctx.fail(`REJECTED seq=${seq} reason=SESSION_CLOSING (${when})`, describeOutcome(o));
      };
      await closing(late.seq, 'the stream is still draining');
      if (!(await stream.awaitStatus((s) => s.state === 'CLOSED', ctx.scaled(10_000))))
        return ctx.fail('STATE_CLOSED once the drain completes', 'no STATE_CLOSED status');
      // Sent only once STATE_CLOSED is here: a server that ends without waiting for the half-close
      // drops it unanswered every time, not only when the timing is unlucky.
      const after = { seq: n + 1n, episode: ctx.episodes.valid() };
      stream.send(after.seq, after.episode);
      await closing(after.seq, 'STATE_CLOSED was sent but the client has not half-closed');
      stream.halfClose();
      await stream.expectEnd([Grpc.OK], 'the half-close after the drained close', ctx.scaled(10_000));
      await expectNoneVisible(ctx, 'a', [late, after], 'sent after close');
      await finishBacklog(ctx, ahead);
      return behaved('as-specified');
    },
  },
  {
    id: 'close.repeated-close',
    category: 'close',
    clauses: ['CLS-5'],
    requirement: 'A repeated close on the same stream is ignored: one STATE_CLOSED, the RPC ends OK',
    acceptable: strictly('exactly one STATE_CLOSED and an OK end'),
    catches: [],
    async procedure(ctx) {
      const { stream } = await ctx.start();
      await acceptRun(ctx, stream, 1n, 5n);
      stream.close(true, 5n, { keepOpen: true });
      stream.close(true, 5n);
      await stream.expectEnd([Grpc.OK], 'close, then the same close again', ctx.scaled(10_000));
      const closed = stream.statuses().filter((s) => s.state === 'CLOSED').length;
      if (closed !== 1) return ctx.fail('exactly one STATE_CLOSED', `${closed} STATE_CLOSED statuses`);
      return behaved('as-specified');
    },
  },
];
