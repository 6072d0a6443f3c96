// FLOW-9 and IDX-7 under a queue held above 90%: helper streams keep flooding
// while the case offers pairs at the same moment, a normal observation on one
// session and an important one (importance 0.9) on another. Where the normal one
// is refused OVERLOADED, the important one must be admitted; and it must become
// visible before the normal observations admitted ahead of it (seen in the order of
// the INDEXED acks, which the server sends as batches become visible).
import type { HistoryEvent } from '../../check/history.js';
import type { CaseContext } from '../case-context.js';
import { describeOutcome } from '../case-stream.js';
import type { ConformCase } from '../case-types.js';
import type { AckEvent } from '../event-kinds.js';
import { STALL_MATTERS_MS, testerStalled } from '../tester-stall.js';
import { behaved, type CaseVerdict, inconclusive } from '../verdict.js';
import { drainClose } from './case-steps.js';
import { Flood } from './flood.js';
import { noOverload } from './no-overload.js';

/** Pairs in which the normal observation was refused, each a chance for the important one to be refused too. */
const PAIRS = 3;
const IMPORTANT = 0.9;

const isIndexedAt = (stream: number, seq: bigint) => (e: HistoryEvent) =>
  e.type === 'ack' && e.stream === stream && e.status === 'INDEXED' && e.seq >= seq;

/** IDX-7: the first important observation admitted under pressure, against the newest normal one admitted before it. */
function visibilityOrder(ctx: CaseContext, important: AckEvent, normalStreams: Set<number>): CaseVerdict {
  const events = ctx.log.events;
  const at = events.indexOf(important);
  let tail: AckEvent | undefined;
  for (let i = at - 1; i >= 0 && !tail; i--) {
    const e = events[i] as HistoryEvent;
    if (e.type === 'ack' && e.status === 'ACCEPTED' && normalStreams.has(e.stream)) tail = e;
  }
  if (!tail) return inconclusive('no normal observation was admitted ahead of the important one');
  const importantVisible = events.findIndex(isIndexedAt(important.stream, important.seq));
  const tailVisible = events.findIndex(isIndexedAt(tail.stream, tail.seq));
  const what = `important seq=${important.seq} on stream ${important.stream}; newest normal admitted ahead of it: seq=${tail.seq} on stream ${tail.stream}`;
  if (importantVisible < 0 || tailVisible < 0)
    return ctx.fail(
      'INDEXED acks covering both once the streams were closed with drain (CLS-1)',
      `${what}: ${importantVisible < 0 ? 'the important one' : 'the normal one'} never covered`,
    );
  if (importantVisible < tailVisible)
    return behaved('first', `${what}: the important one became visible first`);
  return behaved('admitted-late', `${what}: the normal one became visible first`);
}

export const PRIORITY_CASE: ConformCase = {
  id: 'flow.priority-admitted',
  category: 'flow',
  clauses: ['FLOW-9', 'IDX-7'],
  requirement:
    'While the queue is above 90%, importance >= 0.8 is admitted where a normal observation is refused, and becomes visible before the normal backlog',
  acceptable: [
    {
      key: 'first',
      description: `importance ${IMPORTANT} ACCEPTED each time a normal observation offered with it is REJECTED OVERLOADED, and INDEXED before the normal observations admitted ahead of it`,
      strictness: 'strict',
    },
    {
      key: 'unseen-order',
      description: `importance ${IMPORTANT} ACCEPTED each time a normal observation offered with it is REJECTED OVERLOADED (the target sends no INDEXED acks, so the order of visibility is not judged)`,
      strictness: 'strict',
    },
    {
      key: 'admitted-late',
      description: `importance ${IMPORTANT} admitted under pressure, but visible only after normal observations admitted ahead of it (IDX-7 is a SHOULD)`,
      strictness: 'non-strict',
    },
  ],
  catches: ['single-lane'],
  budgetMs: 30_000,
  async procedure(ctx) {
    const cap = ctx.caps.queueCapacity;
    if (cap === 0) return inconclusive('the target does not say its queue_capacity');
    // Above 90% only important observations get in; the case admits up to PAIRS of them.
    if (cap - Math.floor(cap * 0.9) <= PAIRS)
      return inconclusive(
        `queue_capacity ${cap} leaves no room above 90% for ${PAIRS} important observations`,
      );
    const indexAcks = ctx.caps.supportsIndexAcks;
    const important = (await ctx.start({ session: 'important', indexAcks })).stream;
    const normal = (await ctx.start({ session: 'normal', memorySpaceId: ctx.newSpace(), indexAcks })).stream;
    const f = await Flood.start(ctx, { sustain: true, indexAcks });
    const first = await f.firstOverload;
    let nextImportant = 1n;
    let nextNormal = 1n;
    let decided = 0;
    let offered = 0;
    let firstAdmitted: AckEvent | undefined;
    // The flood holds the queue at its limit until it stops; a pair offered meanwhile
    // arrives at one moment, so the queue is the same for both of its observations.
    while (first && decided < PAIRS && !f.isOver) {
      offered++;
      normal.send(nextNormal, ctx.episodes.valid());
      important.send(nextImportant, ctx.episodes.valid({ importance: IMPORTANT }), { priority: true });
      const n = await normal.nextOutcome(ctx.scaled(10_000));
      const i = await important.nextOutcome(ctx.scaled(10_000));
      const refused =
        n.kind === 'ack' &&
        n.ack.status === 'REJECTED' &&
        n.ack.reason === 'OVERLOADED' &&
        n.ack.seq === nextNormal;
      if (n.kind === 'ack' && n.ack.status === 'ACCEPTED' && n.ack.seq === nextNormal) nextNormal++;
      else if (!refused)
        return ctx.fail(`ACCEPTED or REJECTED OVERLOADED for normal seq=${nextNormal}`, describeOutcome(n));
      if (i.kind === 'ack' && i.ack.status === 'ACCEPTED' && i.ack.seq === nextImportant) {
        nextImportant++;
        if (refused) {
          decided++;
          firstAdmitted ??= i.ack;
        }
        continue;
      }
      return ctx.fail(
        `ACCEPTED for importance ${IMPORTANT} seq=${nextImportant}${refused ? ', offered with a normal observation that was REJECTED OVERLOADED (FLOW-9: admitted up to full capacity)' : ''}`,
        describeOutcome(i),
      );
    }
    const result = await f.finish();
    await drainClose(ctx, important, nextImportant - 1n);
    await drainClose(ctx, normal, nextNormal - 1n);
    if (!first) return inconclusive(noOverload(result));
    const evidence = `${decided} of ${offered} pairs offered while the queue refused normal observations; ${result.offered}`;
    if (!firstAdmitted) {
      const stalled =
        result.stallMs >= STALL_MATTERS_MS ? `${testerStalled(result.stallMs)} meanwhile; ` : '';
      return inconclusive(`the queue did not stay above 90% while pairs were offered: ${stalled}${evidence}`);
    }
    ctx.note(evidence);
    if (!indexAcks) return behaved('unseen-order', evidence);
    const normalStreams = new Set<number>([normal.id, ...result.lanes.map((l) => l.stream.id)]);
    return visibilityOrder(ctx, firstAdmitted, normalStreams);
  },
};
