// Hand-made histories for checker tests: a small fluent builder that stamps each
// event one millisecond after the previous one (or at an explicit time).
import type { CheckerOptions, CheckReport } from '../../src/check/check-types.js';
import { checkHistory } from '../../src/check/checker.js';
import type { HistoryEvent, SendIntent, SessionKey, StreamId } from '../../src/history/history.js';

export class HistoryBuilder {
  readonly events: HistoryEvent[] = [];
  private readonly sessionOf = new Map<StreamId, SessionKey>();
  t = 0;

  /** Moves the clock to an absolute time (ms) for the next event. */
  at(t: number): this {
    this.t = t - 1;
    return this;
  }

  open(
    stream: StreamId,
    session: SessionKey,
    opts: { resume?: boolean; claimed?: bigint; indexAcks?: boolean; initial?: bigint; ack?: boolean } = {},
  ): this {
    this.sessionOf.set(stream, session);
    this.push({ type: 'stream-open', stream, session });
    this.push({
      type: 'init-sent',
      stream,
      session,
      memorySpaceId: 'space_1',
      sessionId: opts.resume ? session : '',
      resume: opts.resume ?? false,
      claimedSequence: opts.claimed ?? 0n,
      indexAcks: opts.indexAcks ?? true,
    });
    if (opts.ack === false) return this;
    return this.push({
      type: 'init-ack',
      stream,
      session,
      sessionId: session,
      initialSequence: opts.initial ?? 0n,
    });
  }

  send(stream: StreamId, seq: bigint, intent: SendIntent = 'normal', episodeId = `e${seq}`): this {
    const t = this.t + 1;
    return this.push({
      type: 'send',
      stream,
      session: this.session(stream),
      seq,
      intent,
      intendedT: t,
      episodeId,
    });
  }

  accept(stream: StreamId, seq: bigint): this {
    return this.ack(stream, seq, 'ACCEPTED', '', 0n);
  }

  reject(stream: StreamId, seq: bigint, reason: string, expected = 0n): this {
    return this.ack(stream, seq, 'REJECTED', reason, expected);
  }

  indexed(stream: StreamId, mark: bigint): this {
    return this.ack(stream, mark, 'INDEXED', '', 0n);
  }

  ack(
    stream: StreamId,
    seq: bigint,
    status: 'ACCEPTED' | 'REJECTED' | 'INDEXED' | 'UNSPECIFIED',
    reason: string,
    expectedSequence: bigint,
    /** The session id the server echoed; the stream's own by default. */
    sessionId = this.session(stream),
  ): this {
    return this.push({
      type: 'ack',
      stream,
      session: this.session(stream),
      seq,
      status,
      reason,
      expectedSequence,
      retryAfterMs: 0,
      sessionId,
    });
  }

  close(stream: StreamId, drain: boolean, lastSequence: bigint): this {
    return this.push({ type: 'close-sent', stream, session: this.session(stream), drain, lastSequence });
  }

  end(stream: StreamId, code = 0, byClient = false, details = ''): this {
    return this.push({ type: 'stream-end', stream, session: this.session(stream), code, details, byClient });
  }

  probe(
    session: SessionKey,
    seq: bigint,
    found: boolean,
    opts: { episodeId?: string; occurrences?: number; foundAt?: number } = {},
  ): this {
    const t = this.t + 1;
    return this.push({
      type: 'probe',
      session,
      seq,
      episodeId: opts.episodeId ?? `e${seq}`,
      found,
      ...(found ? { foundAt: opts.foundAt ?? t } : {}),
      polls: 10,
      pollIntervalMs: 5,
      occurrences: opts.occurrences ?? (found ? 1 : 0),
    });
  }

  /** Sends, accepts and indexes 1..n on one stream, the ordinary happy path. */
  happy(stream: StreamId, from: bigint, to: bigint): this {
    for (let s = from; s <= to; s++) this.send(stream, s);
    for (let s = from; s <= to; s++) this.accept(stream, s);
    return this.indexed(stream, to);
  }

  check(options: CheckerOptions = {}): CheckReport {
    return checkHistory([...this.events, { t: this.t + 1, type: 'end' }], options);
  }

  private session(stream: StreamId): SessionKey {
    const s = this.sessionOf.get(stream);
    if (s === undefined) throw new Error(`test history: stream ${stream} was never opened`);
    return s;
  }

  private push(e: DistributiveOmit<HistoryEvent, 't'>): this {
    this.t += 1;
    this.events.push({ ...e, t: this.t } as HistoryEvent);
    return this;
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** Finding kinds of a report, for compact assertions. */
export function kinds(report: CheckReport): string[] {
  return report.findings.map((f) => f.kind);
}
