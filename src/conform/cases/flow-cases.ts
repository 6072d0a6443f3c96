// Flow control and admission (FLOW): statuses well formed, backpressure pushed,
// admission said in-band with a retry hint, recovery, priority admission, flow
// control messages tolerated, full spaces.
import type { CaseContext } from '../case-context.js';
import { type CaseStream, describeOutcome } from '../case-stream.js';
import { type ConformCase, strictly } from '../case-types.js';
import { describeEvent } from '../describe-event.js';
import type { StatusEvent } from '../event-kinds.js';
import { behaved, inconclusive, skipped } from '../verdict.js';
import { acceptRun, drainClose } from './case-steps.js';
import { type FloodLane, type FloodResult, flood } from './flood.js';
import { noOverload } from './no-overload.js';
import { PRIORITY_CASE } from './priority-case.js';

/** Starts a session and floods it; the case is inconclusive unless admission was reached. */
async function overloadedSession(
  ctx: CaseContext,
  reserve = 0,
): Promise<{ stream: CaseStream; result: FloodResult; last: bigint } | string> {
  if (ctx.caps.queueCapacity === 0)
    return 'the target does not say its queue_capacity, so its queue cannot be filled knowingly';
  const { stream } = await ctx.start();
  const result = await flood(ctx, stream, { reserve });
  const last = (result.lanes[0] as FloodLane).lastAccepted;
  if (result.overloaded.length === 0) {
    await drainClose(ctx, stream, last);
    return noOverload(result);
  }
  return { stream, result, last };
}

/** FLOW-1: what is wrong with a status, or undefined when it is well formed. */
function statusProblem(ctx: CaseContext, stream: CaseStream, s: StatusEvent): string | undefined {
  const cap = ctx.caps.queueCapacity;
  if (s.state === 'UNSPECIFIED') return 'state UNSPECIFIED';
  if (cap > 0 && s.queueCapacity !== cap)
    return `queue_capacity ${s.queueCapacity}, capabilities said ${cap}`;
  if (s.queueDepth > s.queueCapacity)
    return `queue_depth ${s.queueDepth} above queue_capacity ${s.queueCapacity}`;
  if (s.pressure < 0 || s.pressure > 1.0001) return `pressure ${s.pressure} outside [0, 1]`;
  if (s.queueCapacity > 0 && Math.abs(s.pressure - s.queueDepth / s.queueCapacity) > 0.01)
    return `pressure ${s.pressure.toFixed(3)} is not depth/capacity ${(s.queueDepth / s.queueCapacity).toFixed(3)}`;
  if (s.indexedThroughSequence > s.lastAcceptedSequence)
    return `indexed_through_sequence ${s.indexedThroughSequence} above last_accepted_sequence ${s.lastAcceptedSequence}`;
  const seq = stream.response(s)?.sequenceNumber;
  if (seq !== 0n) return `response sequence_number ${seq} (must be 0 on StreamStatus)`;
  return undefined;
}

export const FLOW_CASES: ConformCase[] = [
  {
    id: 'flow.status-well-formed',
    category: 'flow',
    clauses: ['FLOW-1', 'FLOW-2', 'WIRE-4'],
    requirement:
      'Every StreamStatus under load is well formed: state, depth <= capacity, pressure = depth/capacity, marks',
    acceptable: strictly('every status of a flood passes the FLOW-1 checks'),
    catches: [],
    needs: ['backpressure'],
    async procedure(ctx) {
      const r = await overloadedSession(ctx);
      if (typeof r === 'string') return inconclusive(r);
      let checked = 0;
      for (const { stream } of r.result.lanes) {
        for (const s of stream.statuses()) {
          const problem = statusProblem(ctx, stream, s);
          if (problem)
            return ctx.fail('a well-formed StreamStatus (FLOW-1)', `${describeEvent(s)}: ${problem}`);
          checked++;
        }
      }
      await drainClose(ctx, r.stream, r.last);
      return behaved('as-specified', `${checked} statuses checked; ${r.result.offered}`);
    },
  },
  {
    id: 'flow.backpressure-pushed',
    category: 'flow',
    clauses: ['FLOW-3'],
    requirement:
      'Above 80% queue depth the server pushes STATE_BACKPRESSURE with depth, capacity and pressure, unasked',
    acceptable: strictly(
      'a BACKPRESSURE (or OVERLOADED after a BACKPRESSURE) status with depth above 80% of capacity',
    ),
    catches: [],
    needs: ['backpressure'],
    async procedure(ctx) {
      const r = await overloadedSession(ctx);
      if (typeof r === 'string') return inconclusive(r);
      const pushed = r.stream.statuses().find((s) => s.state === 'BACKPRESSURE');
      if (!pushed)
        return ctx.fail(
          'STATE_BACKPRESSURE pushed once depth passed 80%',
          'OVERLOADED rejections, but no BACKPRESSURE status',
        );
      if (pushed.queueDepth * 10 < pushed.queueCapacity * 8)
        return ctx.fail('BACKPRESSURE only above 80% depth', describeEvent(pushed));
      await drainClose(ctx, r.stream, r.last);
      return behaved('as-specified', r.result.offered);
    },
  },
  {
    id: 'flow.admission-in-band',
    category: 'flow',
    clauses: ['FLOW-4', 'FLOW-6', 'ACK-1'],
    requirement:
      'Above 90% depth new observations are REJECTED OVERLOADED with retry_after_ms, STATE_OVERLOADED is pushed, the stream lives',
    acceptable: strictly(
      'OVERLOADED rejections with retry_after_ms > 0, an OVERLOADED status, every send answered, stream open',
    ),
    catches: ['drop-silently'],
    async procedure(ctx) {
      const r = await overloadedSession(ctx);
      if (typeof r === 'string') return inconclusive(r);
      const noHint = r.result.overloaded.find((a) => a.retryAfterMs <= 0);
      if (noHint) return ctx.fail('REJECTED OVERLOADED with retry_after_ms > 0', describeEvent(noHint));
      if (ctx.caps.supportsBackpressure) {
        const said = r.stream.statuses().find((s) => s.state === 'OVERLOADED');
        if (!said)
          return ctx.fail(
            'a StreamStatus STATE_OVERLOADED pushed while rejecting',
            'OVERLOADED rejections without the status',
          );
        if (said.retryAfterMs <= 0)
          return ctx.fail('STATE_OVERLOADED with retry_after_ms > 0', describeEvent(said));
      }
      if (r.stream.isEnded)
        return ctx.fail('the stream stays open under overload (FLOW-6)', 'the stream ended');
      await drainClose(ctx, r.stream, r.last);
      return behaved('as-specified', `${r.result.overloaded.length} OVERLOADED; ${r.result.offered}`);
    },
  },
  {
    id: 'flow.recovery',
    category: 'flow',
    clauses: ['FLOW-5', 'FLOW-8'],
    requirement:
      'When the queue drains below 50% the server pushes STATE_ACTIVE and the retried sequence is ACCEPTED',
    acceptable: strictly('ACTIVE after the overload, then the retry of the rejected sequence ACCEPTED'),
    catches: [],
    needs: ['backpressure'],
    budgetMs: 30_000,
    async procedure(ctx) {
      // Fresh spaces per flood stream, each offered less than its element limit minus the
      // retries below: SPACE_FULL cannot come before the queue fills.
      const retries = 5n;
      const r = await overloadedSession(ctx, Number(retries));
      if (typeof r === 'string') return inconclusive(r);
      const lastPressure = ctx.log.events.reduce(
        (at, e, i) =>
          e.type === 'status' &&
          e.stream === r.stream.id &&
          (e.state === 'OVERLOADED' || e.state === 'BACKPRESSURE')
            ? i
            : at,
        r.result.startIndex,
      );
      const active = await r.stream.awaitStatus(
        (s) => s.state === 'ACTIVE',
        ctx.scaled(10_000),
        lastPressure + 1,
      );
      if (!active)
        return ctx.fail(
          'STATE_ACTIVE pushed once the queue drained below 50%',
          'no ACTIVE status within 10 s of the overload',
        );
      const retry = r.result.overloaded[0]?.retryAfterMs ?? 0;
      await ctx.sleep(retry);
      const next = r.last + 1n;
      await acceptRun(ctx, r.stream, next, next + retries - 1n);
      await drainClose(ctx, r.stream, next + retries - 1n);
      return behaved('as-specified', r.result.offered);
    },
  },
  PRIORITY_CASE,
  {
    id: 'flow.flow-control-tolerated',
    category: 'flow',
    clauses: ['FLOW-7'],
    requirement:
      'FlowControl PAUSE/RESUME is ignored or answered with STATE_PAUSED/STATE_ACTIVE; it never ends the stream',
    acceptable: [
      { key: 'ignored', description: 'no answer to PAUSE; the stream keeps working', strictness: 'strict' },
      {
        key: 'acted',
        description: 'PAUSE answered with STATE_PAUSED and RESUME with STATE_ACTIVE',
        strictness: 'strict',
      },
    ],
    catches: [],
    async procedure(ctx) {
      const { stream, ack } = await ctx.start();
      const flow = (action: number, name: string) =>
        stream.rs.write(
          {
            memorySpaceId: ctx.space,
            sessionId: ack.sessionId,
            sequenceNumber: 0n,
            operation: {
              case: 'flow',
              flow: { action, bufferRemaining: 0, preferredRate: 0, reason: 'conformance' },
            },
          },
          `flow ${name}`,
        );
      const beforePause = ctx.log.events.length;
      flow(1, 'PAUSE');
      const paused = await stream.awaitStatus((s) => s.state === 'PAUSED', ctx.answerMs / 2, beforePause);
      const beforeResume = ctx.log.events.length;
      flow(2, 'RESUME');
      if (paused) {
        const active = await stream.awaitStatus((s) => s.state === 'ACTIVE', ctx.answerMs, beforeResume);
        if (!active)
          return ctx.fail('STATE_ACTIVE after RESUME from a server that answered PAUSE', 'no ACTIVE status');
      }
      const end = stream.events().find((e) => e.type === 'stream-end');
      if (end) return ctx.fail('the stream stays open after FlowControl', describeEvent(end));
      await acceptRun(ctx, stream, 1n, 2n);
      await drainClose(ctx, stream, 2n);
      return behaved(paused ? 'acted' : 'ignored');
    },
  },
  {
    id: 'flow.space-full',
    category: 'flow',
    clauses: ['FLOW-10'],
    requirement: 'An observation for a space at its element limit is REJECTED SPACE_FULL in-band',
    acceptable: strictly('ACCEPTED up to the limit, then REJECTED SPACE_FULL with the stream open'),
    catches: [],
    budgetMs: 60_000,
    async procedure(ctx) {
      const limit = ctx.env.known.maxElements;
      if (limit === undefined)
        return skipped('the element limit of the target is not known (it is not a capability)');
      const { stream } = await ctx.start();
      const last = BigInt(limit);
      const window = BigInt(Math.max(1, Math.min(100, Math.floor((ctx.caps.queueCapacity || 200) / 4))));
      let next = 1n;
      ctx.note(`filling the space to its limit of ${limit} in windows of ${window}`);
      while (next <= last) {
        const base = next;
        const to = base + window - 1n < last ? base + window - 1n : last;
        for (let s = base; s <= to; s++) stream.send(s, ctx.episodes.valid());
        let retryAfter = 0;
        for (let s = base; s <= to; s++) {
          const o = await stream.nextOutcome();
          if (o.kind === 'ack' && o.ack.status === 'ACCEPTED' && o.ack.seq === next) next++;
          else if (o.kind === 'ack' && o.ack.reason === 'OVERLOADED' && o.ack.seq === next)
            retryAfter = Math.max(o.ack.retryAfterMs, 10);
          else if (!(o.kind === 'ack' && o.ack.reason === 'SEQUENCE_GAP' && o.ack.seq > next))
            return ctx.fail(
              `ACCEPTED seq=${next} (the space holds ${next - 1n} of ${limit})`,
              describeOutcome(o),
            );
        }
        await ctx.sleep(retryAfter);
      }
      stream.send(next, ctx.episodes.valid());
      await stream.expectRejected(next, 'SPACE_FULL', next);
      await drainClose(ctx, stream, next - 1n);
      return behaved('as-specified');
    },
  },
];
