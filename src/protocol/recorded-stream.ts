// One ObserveStream call, with every write and every response recorded as
// history events (src/history/history.ts) into a sink. bench and conform both
// talk to servers through this, so they record the same history.
import type * as grpc from '@grpc/grpc-js';
import type { HistoryEvent, HistorySink, SendIntent, SessionKey, StreamId } from '../history/history.js';
import { type InitOptions, initRequest } from './init-request.js';
import type { Episode, ObservationRequest, ObservationResponse, StreamInitAck } from './messages.js';
import { grpcDuplex, type ObserveDuplex, type PreEncodedEpisode } from './observe-duplex.js';

export type { InitOptions, PreEncodedEpisode };

import { responseEvent } from './response-events.js';
import type { RunClock } from './run-clock.js';
import type { EngramClient } from './service-definition.js';

export interface StreamEnd {
  code: number;
  details: string;
  /** True when this side cancelled the call (cut). */
  byClient: boolean;
}

export interface SendOptions {
  intent?: SendIntent;
  /** Scheduled send time on the run clock; defaults to now. */
  intendedT?: number;
  priority?: boolean;
}

export interface OpenOptions {
  stream: StreamId;
  session: SessionKey;
  sink: HistorySink;
  clock: RunClock;
  metadata?: grpc.Metadata;
  callOptions?: grpc.CallOptions;
  /** Called after the response's history event was recorded. */
  onResponse?: (response: ObservationResponse, t: number) => void;
}

export class StreamEndedError extends Error {
  override name = 'StreamEndedError';
  constructor(readonly end: StreamEnd) {
    super(`stream ended with status ${end.code}${end.details ? `: ${end.details}` : ''}`);
  }
}

export class RecordedStream {
  readonly ended: Promise<StreamEnd>;
  /** Set from init (and the init ack for a server-assigned id). */
  memorySpaceId = '';
  sessionId = '';
  private endResult: StreamEnd | undefined;
  private byClient = false;
  private halfClosed = false;
  private initAckResult: StreamInitAck | undefined;
  private readonly initWaiters: Array<(ack: StreamInitAck | StreamEnd) => void> = [];
  private readonly drainWaiters = new Set<() => void>();

  private constructor(
    private readonly call: ObserveDuplex,
    private readonly opts: OpenOptions,
  ) {
    const { stream, session, sink, clock } = opts;
    sink({ t: clock.now(), type: 'stream-open', stream, session, transport: call.transport });
    call.onResponse((r: ObservationResponse) => {
      const t = clock.now();
      const e = responseEvent(r, t, stream, session);
      if (e) sink(e);
      if (r.result?.case === 'initAck') {
        const ack = r.result.initAck;
        this.initAckResult ??= ack;
        if (!this.sessionId) this.sessionId = ack.sessionId;
        for (const w of this.initWaiters.splice(0)) w(ack);
      }
      opts.onResponse?.(r, t);
    });
    this.ended = new Promise<StreamEnd>((resolve) => {
      call.onEnd((s) => {
        if (this.endResult) return;
        const end: StreamEnd = { code: s.code, details: s.details, byClient: this.byClient };
        this.endResult = end;
        sink({ t: clock.now(), type: 'stream-end', stream, session, ...end });
        for (const w of this.initWaiters.splice(0)) w(end);
        for (const w of [...this.drainWaiters]) w();
        resolve(end);
      });
    });
  }

  static open(client: EngramClient, opts: OpenOptions): RecordedStream {
    return new RecordedStream(grpcDuplex(client.ObserveStream(opts.metadata, opts.callOptions)), opts);
  }

  /** A stream over another transport (a WebSocket: see src/protocol/ws/ws-duplex.ts). */
  static over(duplex: ObserveDuplex, opts: OpenOptions): RecordedStream {
    return new RecordedStream(duplex, opts);
  }

  get isEnded(): boolean {
    return this.endResult !== undefined;
  }

  private record(e: HistoryEvent): void {
    this.opts.sink(e);
  }

  private get base(): { t: number; stream: StreamId; session: SessionKey } {
    return { t: this.opts.clock.now(), stream: this.opts.stream, session: this.opts.session };
  }

  init(o: InitOptions): boolean {
    this.memorySpaceId = o.memorySpaceId;
    this.sessionId = o.sessionId ?? '';
    const claimed = o.claimedSequence ?? 0n;
    this.record({
      ...this.base,
      type: 'init-sent',
      memorySpaceId: o.memorySpaceId,
      sessionId: this.sessionId,
      resume: o.resume ?? false,
      claimedSequence: claimed,
      indexAcks: o.indexAcks ?? false,
    });
    return this.call.write(initRequest({ ...o, sessionId: this.sessionId, claimedSequence: claimed }));
  }

  /** The init ack, or StreamEndedError if the stream ends first, or an Error on timeout. */
  initAck(timeoutMs: number): Promise<StreamInitAck> {
    if (this.initAckResult) return Promise.resolve(this.initAckResult);
    if (this.endResult) return Promise.reject(new StreamEndedError(this.endResult));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no init ack within ${timeoutMs} ms`)), timeoutMs);
      this.initWaiters.push((r) => {
        clearTimeout(timer);
        if ('initialSequence' in r) resolve(r);
        else reject(new StreamEndedError(r));
      });
    });
  }

  /** Sends one observation; returns write()'s flow-control answer (false: wait for 'drain'). */
  send(seq: bigint, episode: Episode | PreEncodedEpisode, o: SendOptions = {}): boolean {
    const t = this.opts.clock.now();
    const e: HistoryEvent = {
      t,
      type: 'send',
      stream: this.opts.stream,
      session: this.opts.session,
      seq,
      intent: o.intent ?? 'normal',
      intendedT: o.intendedT ?? t,
      episodeId: episode.id,
    };
    if (o.priority) e.priority = true;
    this.record(e);
    return this.call.writeObservation(this.memorySpaceId, this.sessionId, seq, episode);
  }

  /** Any other message (flow control, no operation, a crafted frame); `what` describes it. */
  write(message: ObservationRequest | Buffer, what: string): boolean {
    this.record({ ...this.base, type: 'other-sent', what });
    return this.call.write(message);
  }

  /**
   * Sends `close`, then half-closes (CLS-8: the server ends the RPC only after the client's
   * half-close). `keepOpen` leaves the client's side open, to send more before halfClose().
   */
  close(drain: boolean, lastSequence: bigint, o: { keepOpen?: boolean } = {}): boolean {
    this.record({ ...this.base, type: 'close-sent', drain, lastSequence });
    const room = this.call.write({
      memorySpaceId: this.memorySpaceId,
      sessionId: this.sessionId,
      sequenceNumber: 0n,
      operation: { case: 'close', close: { drainQueue: drain, lastSequence } },
    });
    if (!o.keepOpen) this.halfClose();
    return room;
  }

  /** Ends the client's side (half-close); the server answers with the end of the RPC. */
  halfClose(): void {
    if (this.halfClosed) return;
    this.halfClosed = true;
    this.call.end();
  }

  /** Cuts the stream from this side (cancel), as a disconnect would. */
  cut(): void {
    if (this.endResult) return;
    this.byClient = true;
    this.call.cancel();
  }

  /**
   * Calls `listener` once when the call's write buffer has room again; never when the
   * stream ends instead (the caller learns that from `ended`). Unlike drained(), it keeps
   * nothing alive per call, for a sender that waits for drain thousands of times a second.
   */
  onceDrained(listener: () => void): void {
    this.call.once('drain', listener);
  }

  /** Resolves when the call's write buffer has room again, or the stream has ended. */
  drained(): Promise<void> {
    if (this.endResult) return Promise.resolve();
    return new Promise<void>((resolve) => {
      // Whichever comes first settles it and removes the other, so waits leave nothing behind.
      const settle = () => {
        this.call.off('drain', settle);
        this.drainWaiters.delete(settle);
        resolve();
      };
      this.call.once('drain', settle);
      this.drainWaiters.add(settle);
    });
  }
}
