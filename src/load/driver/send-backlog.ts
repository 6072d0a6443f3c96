// The send backlog of one session, without any transport: which sequences came due
// (the schedule's intended times and their episodes), which is sent next (go-back-N:
// a rejection rewinds the resend position), what is in flight (sent, no outcome yet)
// and how many may be (the window, AIMD on OVERLOADED). The driver asks it what to
// send and tells it what came back; tests drive it directly.
//
// Sequence k of the session is the k-th arrival of its schedule. Sequences are
// numbers here: a bench session stays far below 2^53 observations.
import { RejectReason, rejectReasonName } from '../../protocol/messages.js';
import type { PreEncodedEpisode } from '../../protocol/recorded-stream.js';
import type { SendDelay } from './driver-events.js';
import type { ProbeEpisode } from './episode-pool.js';

export type TransmissionKind = 'normal' | 'gap' | 'duplicate';

/** One send in flight. */
export interface Transmission {
  seq: number;
  kind: TransmissionKind;
  /** Rewind generation when sent: stale rejections from before a rewind are not acted on. */
  epoch: number;
  sentT: number;
}

/** Where the episodes of sequences coming due are taken from. */
export interface EpisodeSource {
  /** The probe episode when sequence `seq` is to be probed by recall, else undefined. */
  probe(seq: number): ProbeEpisode | undefined;
  /** A pooled episode for a sequence that is not probed. */
  pooled(): PreEncodedEpisode;
}

export interface BacklogOptions {
  /** Intended send times (ms on the run clock), ascending. */
  arrivals: Iterator<number>;
  episodes: EpisodeSource;
  /** Maximum observations in flight. */
  window: number;
  /** A first send later than this after its intended time counts as late. */
  lateBudgetMs: number;
  /** Called for every arrival that comes due (the open model's offered load). */
  onOffered?: (intendedT: number) => void;
}

/** The next send, as take() hands it out: one object reused for every send (no garbage per send). */
export interface NextSend {
  seq: number;
  intendedT: number;
  episode: PreEncodedEpisode;
  /** False for a resend of a sequence sent before. */
  first: boolean;
  /** Why a first send left after its intended time, if it did. */
  delay: SendDelay | undefined;
}

/** What an ACCEPTED ack settled, as accept() hands it out: one object reused for every ack. */
export interface Settled {
  intendedT: number;
  sentT: number;
  /** The probe episode when this sequence was probed. */
  probe: ProbeEpisode | undefined;
}

/** What the driver does about a rejection. */
export type RejectAction =
  /** Nothing: injected on purpose, pipelined before a rewind, or not ours. */
  | { kind: 'none' }
  /** Rewound; the driver resends from the go-back-N point. */
  | { kind: 'resend' }
  /** Rewound and the window halved; the driver waits retry_after_ms before it resends. */
  | { kind: 'back-off' }
  /** Retrying cannot help (the payload or the server's sequence view): the session stops. */
  | { kind: 'stop'; why: string };

const NONE: RejectAction = { kind: 'none' };
const RESEND: RejectAction = { kind: 'resend' };
const BACK_OFF: RejectAction = { kind: 'back-off' };

/** Below this many accepted entries the arrays are not spliced: splicing costs the whole backlog. */
const DROP_CHUNK = 1024;

export class SendBacklog {
  // `intended[i]` and `episodes[i]` belong to sequence `base + i` (entries up to acceptedThrough
  // are done and wait to be dropped). Parallel arrays, not an object per observation: a backlog
  // of due sends must not burden the garbage collector.
  private readonly intended: number[] = [];
  private readonly episodes: PreEncodedEpisode[] = [];
  /** Probed sequences not yet accepted, with their own episodes, in sequence order. */
  private readonly probes = new Map<number, ProbeEpisode>();
  private base = 1;
  private releasedThrough = 0;
  private nextSeq = 1;
  private acceptedSeq = 0;
  private firstSentSeq = 0;
  private windowHeldThrough = 0;
  private deferredThrough = 0;
  private epoch = 0;
  /**
   * The window in use: halved on each OVERLOADED rejection and grown back by about one
   * per window of ACCEPTED acks (AIMD), so a full server is not answered with a whole
   * window of sends that can only come back as gaps.
   */
  private window: number;
  private readonly fifo: Transmission[] = [];
  private fifoHead = 0;
  private nextArrival: number | undefined;
  private readonly nextSend: NextSend = {
    seq: 0,
    intendedT: 0,
    episode: { id: '', bytes: new Uint8Array(0) },
    first: false,
    delay: undefined,
  };
  private readonly settled: Settled = { intendedT: 0, sentT: 0, probe: undefined };

  constructor(private readonly o: BacklogOptions) {
    this.window = o.window;
    this.takeArrival();
  }

  /** The intended time of the next arrival not yet due; undefined once the schedule is over. */
  get nextArrivalT(): number | undefined {
    return this.nextArrival;
  }

  get arrivalsDone(): boolean {
    return this.nextArrival === undefined;
  }

  /** The last sequence that came due. */
  get released(): number {
    return this.releasedThrough;
  }

  /** The last sequence ACCEPTED (or settled as accepted by a resume). */
  get acceptedThrough(): number {
    return this.acceptedSeq;
  }

  /** The highest sequence sent at least once. */
  get firstSentThrough(): number {
    return this.firstSentSeq;
  }

  /** The go-back-N position: the sequence sent next. */
  get resendFrom(): number {
    return this.nextSeq;
  }

  /** In flight now: sent, no outcome yet. */
  get inFlight(): number {
    return this.fifo.length - this.fifoHead;
  }

  /** The window in use now (at most the configured one). */
  get currentWindow(): number {
    return this.window;
  }

  /** A due sequence waits to be sent. */
  get hasDue(): boolean {
    return this.nextSeq <= this.releasedThrough;
  }

  get windowFull(): boolean {
    return this.inFlight >= this.window;
  }

  /** Everything that came due is accepted, nothing is in flight and no arrival is left. */
  get finished(): boolean {
    return this.nextArrival === undefined && this.acceptedSeq >= this.releasedThrough && this.inFlight === 0;
  }

  /** Takes every arrival due by `now` into the backlog. */
  release(now: number): void {
    while (this.nextArrival !== undefined && this.nextArrival <= now) {
      const intendedT = this.nextArrival;
      const seq = ++this.releasedThrough;
      const probe = this.o.episodes.probe(seq);
      if (probe) {
        this.probes.set(seq, probe);
        this.episodes.push(probe);
      } else {
        this.episodes.push(this.o.episodes.pooled());
      }
      this.intended.push(intendedT);
      this.o.onOffered?.(intendedT);
      this.takeArrival();
    }
  }

  /** Ends the schedule early (the run was aborted): no further arrival comes due. */
  endArrivals(): void {
    this.nextArrival = undefined;
  }

  /** Ends the schedule because the session failed: returns how many arrivals it will never offer. */
  dropArrivals(): number {
    let left = 0;
    while (this.nextArrival !== undefined) {
      left++;
      this.takeArrival();
    }
    return left;
  }

  /** The sending is held back (paused, disconnected, transport full): what is due now starts late for that reason. */
  deferDue(): void {
    this.deferredThrough = this.releasedThrough;
  }

  /** The window is full: what is due now starts late for that reason. */
  holdDueForWindow(): void {
    this.windowHeldThrough = this.releasedThrough;
  }

  /**
   * Sends the next due sequence at `now`: it is in flight from here. Call only when
   * hasDue and not windowFull. The answer is valid until the next call.
   */
  take(now: number): NextSend {
    const seq = this.nextSeq++;
    const s = this.nextSend;
    s.seq = seq;
    s.intendedT = this.intended[seq - this.base] as number;
    s.episode = this.episodes[seq - this.base] as PreEncodedEpisode;
    s.first = seq > this.firstSentSeq;
    s.delay = undefined;
    if (s.first) {
      this.firstSentSeq = seq;
      if (seq <= this.windowHeldThrough) s.delay = 'window';
      else if (seq <= this.deferredThrough) s.delay = 'deferred';
      else if (now - s.intendedT > this.o.lateBudgetMs) s.delay = 'late';
    }
    this.fifo.push({ seq, kind: 'normal', epoch: this.epoch, sentT: now });
    return s;
  }

  /** A deliberate gap or duplicate went out (outside the schedule); its rejection is expected. */
  injected(seq: number, kind: 'gap' | 'duplicate', now: number): void {
    this.fifo.push({ seq, kind, epoch: this.epoch, sentT: now });
  }

  /**
   * The transmission an outcome for `seq` answers, taken out of flight. Outcomes come in
   * send order; one that skips ahead leaves the skipped in flight, for the checker to report.
   */
  answered(seq: number): Transmission | undefined {
    for (let i = this.fifoHead; i < this.fifo.length; i++) {
      const tx = this.fifo[i] as Transmission;
      if (tx.seq !== seq) continue;
      this.fifoHead = i + 1;
      if (this.fifoHead > DROP_CHUNK && this.fifoHead * 2 > this.fifo.length) {
        this.fifo.splice(0, this.fifoHead);
        this.fifoHead = 0;
      }
      return tx;
    }
    return undefined;
  }

  /**
   * An ACCEPTED ack for `seq`, answering `tx`: what it settled, or undefined when it
   * settles nothing new (the checker reports a stray or repeated one). Valid until the next call.
   */
  accept(seq: number, tx: Transmission | undefined): Settled | undefined {
    if (tx?.kind !== 'normal' || seq <= this.acceptedSeq) return undefined;
    const s = this.settled;
    s.intendedT = this.intended[seq - this.base] as number;
    s.sentT = tx.sentT;
    s.probe = this.probes.get(seq);
    if (this.window < this.o.window) this.window = Math.min(this.o.window, this.window + 1 / this.window);
    this.acceptThrough(seq);
    return s;
  }

  /**
   * A REJECTED ack for `seq`, answering `tx`, with the server's expected sequence.
   * Only a rejection from the current round rewinds; the ones behind it were pipelined.
   */
  reject(seq: number, tx: Transmission | undefined, reason: number, expected: number): RejectAction {
    if (tx?.kind !== 'normal' || tx.epoch !== this.epoch) return NONE;
    switch (reason) {
      case RejectReason.OVERLOADED:
        this.window = Math.max(1, this.window / 2);
        this.rewind(seq);
        return BACK_OFF;
      case RejectReason.SEQUENCE_GAP:
        // Resend from where the server expects, if that is a sequence it can expect.
        if (expected > this.acceptedSeq && expected <= this.releasedThrough + 1) {
          this.rewind(expected);
          return RESEND;
        }
        return this.contradicted(seq, reason, expected);
      case RejectReason.DUPLICATE_SEQUENCE:
        // The server holds more than we saw acknowledged (acks lost): continue where it expects.
        if (expected > this.acceptedSeq + 1 && expected <= this.releasedThrough + 1) {
          this.acceptThrough(expected - 1);
          this.rewind(expected);
          return RESEND;
        }
        return this.contradicted(seq, reason, expected);
      default:
        // Invalid observation, space full, closing: retrying the same payload cannot help.
        return {
          kind: 'stop',
          why: `observation ${seq} rejected with ${rejectReasonName[reason] ?? reason}`,
        };
    }
  }

  /**
   * After a resume: everything up to the server's initial sequence was accepted, acks or
   * not, and everything in flight on the old stream is gone. Returns how many that settled,
   * or why the answer is impossible (the server lost accepted observations, or claims ones
   * never sent; the checker reports it).
   */
  resumedAt(initial: number): number | { why: string } {
    if (initial < this.acceptedSeq || initial > this.firstSentSeq) {
      return {
        why:
          `resume answered initial_sequence ${initial}, outside ${this.acceptedSeq} (last ACCEPTED) ` +
          `to ${this.firstSentSeq} (last sent)`,
      };
    }
    const settled = initial - this.acceptedSeq;
    if (settled > 0) this.acceptThrough(initial);
    this.nextSeq = this.acceptedSeq + 1;
    this.fifo.length = 0;
    this.fifoHead = 0;
    this.epoch++;
    return settled;
  }

  private takeArrival(): void {
    const next = this.o.arrivals.next();
    this.nextArrival = next.done ? undefined : next.value;
  }

  private acceptThrough(seq: number): void {
    // Accepted entries are dropped in chunks: splicing one by one would cost the whole backlog
    // each time. An eighth of the array at least keeps the cost per ack constant, also when a
    // backlog behind them is large.
    const n = Math.min(seq, this.releasedThrough) - this.base + 1;
    if (n > DROP_CHUNK && n * 8 > this.intended.length) {
      this.intended.splice(0, n);
      this.episodes.splice(0, n);
      this.base += n;
    }
    // Probes are kept in sequence order: drop the accepted ones from the front.
    for (const probed of this.probes.keys()) {
      if (probed > seq) break;
      this.probes.delete(probed);
    }
    this.acceptedSeq = seq;
    if (this.nextSeq <= seq) this.nextSeq = seq + 1;
  }

  private rewind(to: number): void {
    this.nextSeq = Math.min(this.nextSeq, to);
    this.epoch++;
  }

  /** The server's sequence view contradicts its own acks: retrying would loop, so the session stops. */
  private contradicted(seq: number, reason: number, expected: number): RejectAction {
    return {
      kind: 'stop',
      why:
        `observation ${seq} rejected ${rejectReasonName[reason]} with expected sequence ${expected}, ` +
        `but ${this.acceptedSeq} was the last ACCEPTED and ${this.releasedThrough} the last due`,
    };
  }
}
