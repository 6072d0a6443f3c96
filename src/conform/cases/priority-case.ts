// FLOW-9 and IDX-7 with the queue above 90%: a sustained flood of normal observations
// holds the queue at its limit, and meanwhile the case offers pairs, one after the
// other, each at one moment: a normal observation on one session and an important
// one (importance 0.9) on another. Where the normal one is refused OVERLOADED, the
// important one must be admitted; and it must become visible while normal
// observations admitted ahead of it are not yet (seen in the order of the INDEXED
// acks, which the server sends as batches become visible).
import type { HistoryEvent } from '../../history/history.js';
import type { CaseContext } from '../case-context.js';
import { type CaseStream, describeOutcome } from '../case-stream.js';
import type { ConformCase } from '../case-types.js';
import { type AckEvent, isIndexedAck } from '../event-kinds.js';
import { STALL_MATTERS_MS, testerStalled } from '../tester-stall.js';
import { behaved, type CaseVerdict, inconclusive } from '../verdict.js';
import { drainClose } from './case-steps.js';
import { Flood, type FloodResult } from './flood.js';
import { noOverload } from './no-overload.js';

/** Pairs in which the normal observation was refused, each a chance for the important one to be refused too. */
const PAIRS = 3;
const IMPORTANT = 0.9;
/** How long the case keeps offering pairs (before --timeout-scale). */
const PAIRS_MS = 10_000;

/**
 * IDX-7 for one important observation admitted under pressure: how many normal
 * observations admitted ahead of it (ACCEPTED before it, on the normal streams)
 * were not yet covered by an INDEXED ack when its own INDEXED ack came.
 */
function overtaken(ctx: CaseContext, important: AckEvent, normalStreams: Set<number>): number | undefined {
  const events = ctx.log.events;
  const admittedAt = events.indexOf(important);
  const visibleAt = events.findIndex(
    (e) =>
      e.type === 'ack' && e.stream === important.stream && e.status === 'INDEXED' && e.seq >= important.seq,
  );
  if (visibleAt < 0) return undefined;
  const accepted = new Map<number, bigint>();
  const indexed = new Map<number, bigint>();
  for (let i = 0; i < visibleAt; i++) {
    const e = events[i] as HistoryEvent;
    if (e.type !== 'ack' || !normalStreams.has(e.stream)) continue;
    if (e.status === 'ACCEPTED' && i < admittedAt) accepted.set(e.stream, e.seq);
    if (e.status === 'INDEXED') indexed.set(e.stream, e.seq);
  }
  let behind = 0n;
  for (const [stream, seq] of accepted) {
    const covered = indexed.get(stream) ?? 0n;
    if (seq > covered) behind += seq - covered;
  }
  return Number(behind);
}

/** The state of the last StreamStatus the stream received, if any. */
function lastState(ctx: CaseContext, stream: CaseStream): string | undefined {
  const events = ctx.log.events;
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i] as HistoryEvent;
    if (e.type === 'status' && e.stream === stream.id) return e.state;
  }
  return undefined;
}

/** IDX-7 over the important observations admitted while normal ones were refused. */
function visibilityOrder(ctx: CaseContext, admitted: AckEvent[], normalStreams: Set<number>): CaseVerdict {
  const counts = admitted.map((a) => overtaken(ctx, a, normalStreams));
  if (counts.some((n) => n === undefined))
    return ctx.fail(
      'an INDEXED ack covering each admitted important observation once its stream was closed with drain (CLS-1)',
      `none for seq ${admitted
        .filter((_, i) => counts[i] === undefined)
        .map((a) => a.seq)
        .join(', ')}`,
    );
  const most = Math.max(...(counts as number[]));
  const what = `normal observations admitted ahead but not yet visible when each important one became visible: ${counts.join(', ')}`;
  if (most > 0) return behaved('first', what);
  return behaved('admitted-late', `${what} (none was overtaken)`);
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
      description: `importance ${IMPORTANT} ACCEPTED each time a normal observation offered with it is REJECTED OVERLOADED, and INDEXED while normal observations admitted ahead of it were not yet: it overtook the backlog`,
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
    let nextImportant = 1n;
    let nextNormal = 1n;
    let offered = 0;
    let importantSentAt = 0;
    const admitted: AckEvent[] = [];
    const floods: FloodResult[] = [];
    const started: Flood[] = [];
    // Every stream that offered normal observations, fresh flood lanes included.
    const normalStreams = () =>
      new Set([normal.id, ...started.flatMap((f) => f.lanes.map((l) => l.stream.id))]);
    // IDX-7 per admitted important observation, once its INDEXED ack came.
    const overtook = new Map<AckEvent, number>();
    const sawOvertaking = (): boolean => {
      for (const a of admitted) {
        if (overtook.has(a)) continue;
        const n = overtaken(ctx, a, normalStreams());
        if (n !== undefined) overtook.set(a, n);
      }
      return [...overtook.values()].some((n) => n > 0);
    };
    // Enough pairs, and (where INDEXED acks show it) one important observation seen
    // overtaking: a target whose batches can take the whole backlog at once shows that
    // only when a pair meets a backlog longer than a batch, so pairs go on until then.
    const decided = () => admitted.length >= PAIRS && (!indexAcks || sawOvertaking());
    const until = ctx.clock.now() + ctx.scaled(PAIRS_MS);
    // A sustained flood holds the queue at its 90% limit: each observation the index
    // takes out is offered again at once. Pairs follow one another for as long as it
    // lasts, so a pair that arrives while the queue is at its limit is only a matter of
    // tries, however slowly this tester runs; a flood that ran out (its streams offered
    // all their spaces may hold, or its time) gives way to a fresh one.
    while (!decided() && ctx.clock.now() < until) {
      const f = await Flood.start(ctx, { sustain: true, indexAcks, label: `flood${floods.length + 1}` });
      started.push(f);
      const first = await f.firstOverload;
      while (first && !decided() && !f.isOver && ctx.clock.now() < until) {
        // One important observation of the case in the queue at a time, where INDEXED acks
        // show when it left: the room above 90% is for them, and pairs that follow one
        // another faster than batches are indexed would fill it to capacity.
        if (indexAcks && nextImportant > 1n) {
          const visible = await ctx.log.waitFor(
            (e): e is AckEvent => isIndexedAck(e) && e.stream === important.id && e.seq >= nextImportant - 1n,
            ctx.scaled(1000),
            importantSentAt,
          );
          if (!visible) continue;
        }
        // The target says each change of state at once: a pair goes out only while its
        // last word was OVERLOADED, so tries are not spent while the queue is below 90%.
        if (lastState(ctx, normal) !== 'OVERLOADED') {
          await normal.awaitStatus((st) => st.state === 'OVERLOADED', ctx.scaled(500), ctx.log.events.length);
          continue;
        }
        offered++;
        normal.send(nextNormal, ctx.episodes.valid());
        importantSentAt = ctx.log.events.length;
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
          if (refused) admitted.push(i.ack);
          continue;
        }
        return ctx.fail(
          `ACCEPTED for importance ${IMPORTANT} seq=${nextImportant}${refused ? ', offered with a normal observation that was REJECTED OVERLOADED (FLOW-9: admitted up to full capacity)' : ''}`,
          describeOutcome(i),
        );
      }
      floods.push(await f.finish());
    }
    await drainClose(ctx, important, nextImportant - 1n);
    await drainClose(ctx, normal, nextNormal - 1n);
    if (admitted.length === 0 && floods.every((r) => r.overloaded.length === 0))
      return inconclusive(
        `${noOverload(floods.at(-1) as FloodResult)} (the last of ${floods.length} flood(s))`,
      );
    const stallMs = Math.max(...floods.map((r) => r.stallMs));
    const evidence =
      `${admitted.length} of ${offered} pairs offered while the queue refused normal observations, ` +
      `under ${floods.length} sustained flood(s): ${floods.map((r) => r.offered).join('; ')}`;
    if (admitted.length === 0) {
      const stalled = stallMs >= STALL_MATTERS_MS ? `${testerStalled(stallMs)} meanwhile; ` : '';
      return inconclusive(`the queue was never above 90% when a pair arrived: ${stalled}${evidence}`);
    }
    ctx.note(evidence);
    if (!indexAcks) return behaved('unseen-order', evidence);
    return visibilityOrder(ctx, admitted, normalStreams());
  },
};
