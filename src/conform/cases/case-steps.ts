// Steps that many procedures share: send and expect accepted, close with drain,
// resume, probe what was accepted. Each fails the case with a quotable
// expected/actual when the server does otherwise.
import { randomUUID } from 'node:crypto';
import { status as Grpc } from '@grpc/grpc-js';
import type { SessionKey } from '../../history/history.js';
import type { Episode, StreamInitAck } from '../../protocol/messages.js';
import type { CaseContext } from '../case-context.js';
import { type CaseStream, describeInit, type InitResult } from '../case-stream.js';
import { describeEvent } from '../describe-event.js';
import type { EndEvent } from '../event-kinds.js';

export interface Sent {
  seq: bigint;
  episode: Episode;
}

/** Sends valid observations from..to without waiting (pipelined) and returns them. */
export function sendValidRun(ctx: CaseContext, stream: CaseStream, from: bigint, to: bigint): Sent[] {
  const sent: Sent[] = [];
  for (let seq = from; seq <= to; seq++) {
    const episode = ctx.episodes.valid();
    stream.send(seq, episode);
    sent.push({ seq, episode });
  }
  return sent;
}

/** Sends from..to pipelined and expects ACCEPTED for each, in order. */
export async function acceptRun(
  ctx: CaseContext,
  stream: CaseStream,
  from: bigint,
  to: bigint,
): Promise<Sent[]> {
  const sent = sendValidRun(ctx, stream, from, to);
  await stream.expectAcceptedRun(from, to);
  return sent;
}

/**
 * A session with a client-chosen id that accepted 1..accepted and was then detached by a
 * half-close (the RPC ends OK, the session stays resumable): the start of resume cases.
 */
export async function detachedSession(ctx: CaseContext, accepted: bigint): Promise<string> {
  const id = randomUUID();
  const { stream } = await ctx.start({ sessionId: id });
  await acceptRun(ctx, stream, 1n, accepted);
  stream.halfClose();
  await stream.expectEnd([Grpc.OK], 'half-close');
  return id;
}

/**
 * close with drain_queue and the right last_sequence: expects STATE_CLOSED and the
 * RPC ending OK (CLS-1). Drains can take a while behind a full queue.
 */
export async function drainClose(ctx: CaseContext, stream: CaseStream, last: bigint): Promise<EndEvent> {
  const from = ctx.log.events.length;
  stream.close(true, last);
  return awaitDrainedEnd(ctx, stream, last, from);
}

/**
 * The rest of a drained close sent at log index `from`: the RPC ends OK after a
 * STATE_CLOSED that reports everything indexed (CLS-1, CLS-7).
 */
export async function awaitDrainedEnd(
  ctx: CaseContext,
  stream: CaseStream,
  last: bigint,
  from: number,
): Promise<EndEvent> {
  const why = `close with drain_queue and last_sequence=${last}`;
  const end = await stream.expectEnd([Grpc.OK], why, ctx.scaled(10_000));
  const closed = await stream.awaitStatus((s) => s.state === 'CLOSED', 0, from);
  if (!closed) {
    return ctx.fail(
      'a StreamStatus STATE_CLOSED before the RPC ends OK (CLS-1)',
      `${describeEvent(end)} without STATE_CLOSED`,
    );
  }
  if (closed.indexedThroughSequence !== closed.lastAcceptedSequence) {
    return ctx.fail(
      'STATE_CLOSED after a drained close reporting indexed_through_sequence = last_accepted_sequence (CLS-7)',
      describeEvent(closed),
    );
  }
  return end;
}

/** Opens a stream and sends a resume init for sessionId claiming `claimed`. */
export async function tryResume(
  ctx: CaseContext,
  session: SessionKey,
  sessionId: string,
  claimed: bigint,
  o: { space?: string; indexAcks?: boolean } = {},
): Promise<{ stream: CaseStream; result: InitResult }> {
  const stream = ctx.open(session);
  stream.init({
    memorySpaceId: o.space ?? ctx.space,
    sessionId,
    resume: true,
    claimedSequence: claimed,
    indexAcks: o.indexAcks ?? false,
  });
  return { stream, result: await stream.awaitInit() };
}

/** A resume that must succeed with initial_sequence = `initial` (RES-4). */
export async function resumeExpecting(
  ctx: CaseContext,
  session: SessionKey,
  sessionId: string,
  claimed: bigint,
  initial: bigint,
  o: { indexAcks?: boolean } = {},
): Promise<{ stream: CaseStream; ack: StreamInitAck }> {
  const { stream, result } = await tryResume(ctx, session, sessionId, claimed, o);
  const want = `init_ack with initial_sequence=${initial} for a resume claiming ${claimed}`;
  if (result.kind !== 'ack') return ctx.fail(want, describeInit(result));
  if (result.ack.initialSequence !== initial) return ctx.fail(want, describeInit(result));
  return { stream, ack: result.ack };
}

/** A resume that must end the stream with one of `codes`. */
export async function resumeRefused(
  ctx: CaseContext,
  session: SessionKey,
  sessionId: string,
  claimed: bigint,
  codes: readonly number[],
  why: string,
  o: { space?: string } = {},
): Promise<void> {
  const { stream, result } = await tryResume(ctx, session, sessionId, claimed, o);
  if (result.kind === 'ack') {
    return ctx.fail(
      `the stream ends with ${codes.map((c) => Grpc[c]).join(' or ')} (${why})`,
      describeInit(result),
    );
  }
  await stream.expectEnd(codes, why);
}

/**
 * Recall of each accepted episode by its exact embedding, once (the caller made sure
 * everything is visible, e.g. after a drained close): each must come back exactly
 * once and first. Probe events let the checker judge lost and doubled writes too.
 */
export async function expectAllVisibleNow(
  ctx: CaseContext,
  session: SessionKey,
  sent: readonly Sent[],
  why: string,
  space = ctx.space,
): Promise<void> {
  const missing: bigint[] = [];
  const doubled: bigint[] = [];
  for (const s of sent) {
    const p = await ctx.probe(session, s.seq, s.episode, space, { timeoutMs: 0, intervalMs: 0 });
    if (!p.found) missing.push(s.seq);
    else if (p.occurrences > 1 || !p.first) doubled.push(s.seq);
  }
  if (missing.length > 0) {
    return ctx.fail(
      `every accepted observation visible to recall ${why}`,
      `${missing.length} of ${sent.length} not found by exact-embedding recall, e.g. seq ${missing.slice(0, 5).join(', ')}`,
    );
  }
  if (doubled.length > 0) {
    return ctx.fail(
      'each accepted observation returned exactly once, first, by a recall with its exact embedding',
      `returned twice or not first for seq ${doubled.slice(0, 5).join(', ')}`,
    );
  }
}

/** Recall must not find any of these (rejected) episodes. */
export async function expectNoneVisible(
  ctx: CaseContext,
  session: SessionKey,
  sent: readonly Sent[],
  why: string,
): Promise<void> {
  for (const s of sent) {
    const p = await ctx.probe(session, s.seq, s.episode, ctx.space, { timeoutMs: 0, intervalMs: 0 });
    if (p.found)
      return ctx.fail(
        `a rejected observation is never visible (${why})`,
        `recall found episode ${s.episode.id} (seq ${s.seq})`,
      );
  }
}

export interface Backlog {
  stream: CaseStream;
  count: bigint;
}

/**
 * Sizes for a close that must find work still queued: another session's backlog
 * (about 55% of the queue) ahead of this case's own observations (about 20%),
 * together below the 80% where backpressure starts.
 */
export function backlogSizes(ctx: CaseContext): { backlog: bigint; own: bigint } {
  const cap = ctx.caps.queueCapacity;
  if (cap === 0) return { backlog: 150n, own: 50n };
  return {
    backlog: BigInt(Math.max(1, Math.floor(cap * 0.55))),
    own: BigInt(Math.max(1, Math.floor(cap * 0.2))),
  };
}

/**
 * Queues `count` observations of another session in the case's space without
 * waiting, so that observations sent next wait behind them in the index queue:
 * a close sent right after them finds them certainly not yet visible.
 */
export async function queueBacklog(ctx: CaseContext, count: bigint): Promise<Backlog> {
  const { stream } = await ctx.start({ session: 'backlog' });
  ctx.note(`session 'backlog' queues ${count} observations ahead`);
  sendValidRun(ctx, stream, 1n, count);
  return { stream, count };
}

/** Reads the backlog's outcomes and closes it with drain. */
export async function finishBacklog(ctx: CaseContext, b: Backlog): Promise<void> {
  await b.stream.expectAcceptedRun(1n, b.count);
  await drainClose(ctx, b.stream, b.count);
}
