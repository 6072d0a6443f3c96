// One ObserveStream call inside a case: a RecordedStream (so everything lands in
// the case's history) plus the waits a procedure needs: the next outcome in order,
// the end of the stream, a status. Every wait has a timeout.
import type { HistoryEvent, SessionKey } from '../history/history.js';
import type { Episode, ObservationResponse, StreamInitAck } from '../protocol/messages.js';
import {
  type InitOptions,
  type PreEncodedEpisode,
  RecordedStream,
  type SendOptions,
} from '../protocol/recorded-stream.js';
import type { StreamClient } from '../protocol/stream-client.js';
import { describeEvent, statusCodeName } from './describe-event.js';
import { type AckEvent, type EndEvent, isEnd, isOutcomeAck, type StatusEvent } from './event-kinds.js';
import type { StreamHost } from './stream-host.js';

export type Outcome =
  | { kind: 'ack'; ack: AckEvent }
  | { kind: 'end'; end: EndEvent }
  | { kind: 'timeout'; waitedMs: number };

export type InitResult =
  | { kind: 'ack'; ack: StreamInitAck }
  | { kind: 'end'; end: EndEvent }
  | { kind: 'timeout'; waitedMs: number };

export function describeOutcome(o: Outcome): string {
  if (o.kind === 'ack') return describeEvent(o.ack);
  if (o.kind === 'end') return describeEvent(o.end);
  return `no answer within ${Math.round(o.waitedMs)} ms`;
}

export function describeInit(r: InitResult): string {
  if (r.kind === 'ack')
    return `init_ack session_id=${r.ack.sessionId} initial_sequence=${r.ack.initialSequence}`;
  if (r.kind === 'end') return describeEvent(r.end);
  return `no init_ack within ${Math.round(r.waitedMs)} ms`;
}

const belongsTo =
  (stream: number) =>
  (e: HistoryEvent): boolean =>
    'stream' in e && e.stream === stream;

export class CaseStream {
  readonly rs: RecordedStream;
  /** Index in the case log after the last outcome handed out by nextOutcome. */
  private outcomeCursor = 0;
  private readonly raw = new WeakMap<HistoryEvent, ObservationResponse>();

  constructor(
    private readonly ctx: StreamHost,
    readonly id: number,
    readonly session: SessionKey,
    target: StreamClient,
  ) {
    const log = ctx.log;
    this.outcomeCursor = log.events.length;
    const metadata = ctx.env.metadata.clone();
    this.rs = RecordedStream.over(target.openObserve(metadata), {
      stream: id,
      session,
      sink: log.sink,
      clock: ctx.clock,
      metadata,
      // The history keeps the fields the checker needs; a few cases look at the rest.
      onResponse: (r) => {
        const last = log.events[log.events.length - 1];
        if (last && belongsTo(id)(last)) this.raw.set(last, r);
      },
    });
  }

  /** The full response behind a recorded ack, status or init-ack event. */
  response(e: HistoryEvent): ObservationResponse | undefined {
    return this.raw.get(e);
  }

  get isEnded(): boolean {
    return this.rs.isEnded;
  }

  init(o: InitOptions): void {
    this.rs.init(o);
  }

  async awaitInit(timeoutMs = this.ctx.answerMs): Promise<InitResult> {
    const found = await this.ctx.log.waitFor(
      (e): e is HistoryEvent => belongsTo(this.id)(e) && (e.type === 'init-ack' || e.type === 'stream-end'),
      timeoutMs,
    );
    if (!found) return { kind: 'timeout', waitedMs: timeoutMs };
    if (found.event.type === 'stream-end') return { kind: 'end', end: found.event };
    return { kind: 'ack', ack: await this.rs.initAck(0) };
  }

  /** Returns write()'s flow-control answer: false means wait for drained(). */
  send(seq: bigint, episode: Episode | PreEncodedEpisode, o: SendOptions = {}): boolean {
    return this.rs.send(seq, episode, o);
  }

  /** Sends close and half-closes, unless `keepOpen` (to send more before halfClose()). */
  close(drain: boolean, lastSequence: bigint, o: { keepOpen?: boolean } = {}): void {
    this.rs.close(drain, lastSequence, o);
  }

  /** The next ACCEPTED or REJECTED ack in the order received, the end of the stream, or a timeout. */
  async nextOutcome(timeoutMs = this.ctx.answerMs): Promise<Outcome> {
    const found = await this.ctx.log.waitFor(
      (e): e is AckEvent | EndEvent => belongsTo(this.id)(e) && (isOutcomeAck(e) || isEnd(e)),
      timeoutMs,
      this.outcomeCursor,
    );
    if (!found) return { kind: 'timeout', waitedMs: timeoutMs };
    if (found.event.type === 'stream-end') return { kind: 'end', end: found.event };
    this.outcomeCursor = found.index + 1;
    return { kind: 'ack', ack: found.event as AckEvent };
  }

  /** The next outcome must be ACCEPTED echoing seq; otherwise the case fails. */
  async expectAccepted(seq: bigint, why = ''): Promise<AckEvent> {
    const o = await this.nextOutcome();
    if (o.kind === 'ack' && o.ack.status === 'ACCEPTED' && o.ack.seq === seq) return o.ack;
    return this.ctx.fail(`ACCEPTED ack echoing seq=${seq}${why ? ` (${why})` : ''}`, describeOutcome(o));
  }

  /** ACCEPTED acks for from..to, in order. */
  async expectAcceptedRun(from: bigint, to: bigint): Promise<void> {
    for (let s = from; s <= to; s++) await this.expectAccepted(s);
  }

  /** The next outcome must be REJECTED echoing seq with this reason and expected sequence; the stream stays open. */
  async expectRejected(seq: bigint, reason: string, expectedSequence: bigint): Promise<AckEvent> {
    const o = await this.nextOutcome();
    const want = `REJECTED ack echoing seq=${seq} with reason=${reason} and expected_sequence=${expectedSequence}, stream still open`;
    if (o.kind !== 'ack') return this.ctx.fail(want, describeOutcome(o));
    const a = o.ack;
    if (
      a.status === 'REJECTED' &&
      a.seq === seq &&
      a.reason === reason &&
      a.expectedSequence === expectedSequence
    )
      return a;
    return this.ctx.fail(want, describeOutcome(o));
  }

  /** The end of the stream, or undefined after timeoutMs. */
  async awaitEnd(timeoutMs = this.ctx.answerMs): Promise<EndEvent | undefined> {
    const found = await this.ctx.log.waitFor(
      (e): e is EndEvent => belongsTo(this.id)(e) && isEnd(e),
      timeoutMs,
    );
    return found?.event;
  }

  /** The stream must end with one of these gRPC codes; otherwise the case fails. */
  async expectEnd(codes: readonly number[], why: string, timeoutMs = this.ctx.answerMs): Promise<EndEvent> {
    const end = await this.awaitEnd(timeoutMs);
    const want = `stream ends with ${codes.map(statusCodeName).join(' or ')} (${why})`;
    if (!end) return this.ctx.fail(want, `the stream was still open after ${Math.round(timeoutMs)} ms`);
    if (end.byClient || !codes.includes(end.code)) return this.ctx.fail(want, describeEvent(end));
    return end;
  }

  /** The first status on this stream at log index >= from that matches, or undefined. */
  async awaitStatus(
    match: (s: StatusEvent) => boolean,
    timeoutMs: number,
    from = 0,
  ): Promise<StatusEvent | undefined> {
    const found = await this.ctx.log.waitFor(
      (e): e is StatusEvent => belongsTo(this.id)(e) && e.type === 'status' && match(e),
      timeoutMs,
      from,
    );
    return found?.event;
  }

  /** Everything recorded for this stream so far. */
  events(): HistoryEvent[] {
    return this.ctx.log.events.filter(belongsTo(this.id));
  }

  statuses(): StatusEvent[] {
    return this.events().filter((e): e is StatusEvent => e.type === 'status');
  }

  /** INDEXED marks in the order received. */
  indexedMarks(): bigint[] {
    return this.events()
      .filter((e): e is AckEvent => e.type === 'ack' && e.status === 'INDEXED')
      .map((e) => e.seq);
  }

  halfClose(): void {
    this.rs.halfClose();
  }

  cut(): void {
    this.rs.cut();
  }
}
