// Drives one logical session on the open model: sends follow the schedule's
// absolute timeline, at most `window` observations are in flight, rejections are
// retried go-back-N (OVERLOADED after retry_after_ms), faults are injected on
// cue, and a cut stream is resumed. Every write and response is recorded through
// RecordedStream, so the checker sees exactly what happened on the wire.
//
// Sequence k of the session is the k-th arrival of its schedule, so the intended
// time of every sequence is known and latency is measured from it (coordinated
// omission corrected) as well as from the actual send. Sequences are numbers
// here: a bench session stays far below 2^53 observations.
import type { HistorySink, SessionKey } from '../../check/history.js';
import type { ObservationResponse, StreamCapabilities } from '../../protocol/messages.js';
import { AckStatus, RejectReason, rejectReasonName, streamStateName } from '../../protocol/messages.js';
import { type PreEncodedEpisode, RecordedStream, StreamEndedError } from '../../protocol/recorded-stream.js';
import type { RunClock } from '../../protocol/run-clock.js';
import { seededRandom } from '../../util/seeded-random.js';
import type { FaultEvent } from '../scenario/scenario.js';
import { DriverCounter, type DriverEvents, type SendDelay } from './driver-events.js';
import type { EpisodePool, ProbeEpisode } from './episode-pool.js';
import type { RecallProber } from './recall-prober.js';
import type { SessionChannel } from './session-channel.js';

/** A fault as this session meets it: when, and what. */
export interface SessionFault {
  atMs: number;
  fault: FaultEvent;
}

export interface DriverOptions {
  session: SessionKey;
  memorySpaceId: string;
  dim: number;
  /** Maximum observations in flight (sent, no outcome yet). */
  window: number;
  indexAcks: boolean;
  drain: boolean;
  /** Share of observations probed by recall (0..1). */
  probeShare: number;
  seed: number;
  /** A first send later than this after its intended time counts as late. */
  lateBudgetMs: number;
  initTimeoutMs: number;
  /**
   * After the schedule: how long without any response the end waits for missing
   * outcomes before it closes anyway; also the bound on the drain close.
   */
  finishTimeoutMs: number;
}

export interface DriverDeps {
  channel: SessionChannel;
  sink: HistorySink;
  clock: RunClock;
  pool: EpisodePool;
  /** Intended send times (ms on the run clock), ascending. */
  arrivals: Iterator<number>;
  faults: SessionFault[];
  events: DriverEvents;
  prober?: RecallProber;
  /** Stream numbers unique within the worker's history. */
  nextStreamId: () => number;
}

export interface DriverOutcome {
  session: SessionKey;
  sessionId: string;
  capabilities?: StreamCapabilities;
  /** Why the session stopped early, when it did. */
  failure?: string;
}

/** A connection-level failure: the run cannot measure anything (exit 2). */
export class TargetError extends Error {
  override name = 'TargetError';
}

type Kind = 'normal' | 'gap' | 'duplicate';

interface Transmission {
  seq: number;
  kind: Kind;
  /** Rewind generation when sent: stale rejections from before a rewind are not acted on. */
  epoch: number;
  sentT: number;
}

/** Used when an OVERLOADED rejection gives no retry_after_ms. */
const DEFAULT_RETRY_AFTER_MS = 10;

export class SessionDriver {
  private stream: RecordedStream | undefined;
  private sessionId = '';
  private capabilities: StreamCapabilities | undefined;
  private connected = false;
  private failure: string | undefined;
  private stopped = false;

  // Sequence bookkeeping: `intended[i]` and `episodes[i]` belong to sequence `base + i`
  // (entries up to acceptedThrough are done and wait to be dropped). Parallel arrays, not an
  // object per observation: a backlog of due sends must not burden the garbage collector.
  private readonly intended: number[] = [];
  private readonly episodes: PreEncodedEpisode[] = [];
  /** Probed sequences not yet accepted, with their own episodes. */
  private readonly probes = new Map<number, ProbeEpisode>();
  private base = 1;
  private released = 0;
  private nextSend = 1;
  private acceptedThrough = 0;
  private firstSentThrough = 0;
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
  private arrivalsDone = false;
  private pausedUntil = 0;
  private holdUntil = 0;
  private transportBlocked = false;
  private timer: NodeJS.Timeout | undefined;
  private endTimer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private readonly faultTimers: NodeJS.Timeout[] = [];
  private readonly probeRandom: () => number;
  private settle: (() => void) | undefined;

  constructor(
    private readonly o: DriverOptions,
    private readonly d: DriverDeps,
  ) {
    this.probeRandom = seededRandom(o.seed);
    this.window = o.window;
    this.takeArrival();
  }

  /** In flight now: sent, no outcome yet. */
  get inFlight(): number {
    return this.fifo.length - this.fifoHead;
  }

  /** Opens the session (init); throws TargetError when the target cannot start it. */
  open(): Promise<void> {
    return this.connect(false);
  }

  /** Gives up a session that was opened but will not run (another session failed to open). */
  abandon(): void {
    this.stopped = true;
    this.stream?.cut();
    this.d.channel.close();
  }

  /** Runs the whole schedule from the run clock's origin, then closes; resolves when done. */
  async run(): Promise<DriverOutcome> {
    for (const f of this.d.faults) {
      const delay = Math.max(0, f.atMs - this.d.clock.now());
      this.faultTimers.push(setTimeout(() => this.inject(f.fault), delay));
    }
    await new Promise<void>((resolve) => {
      this.settle = resolve;
      this.pump();
    });
    await this.finish();
    const outcome: DriverOutcome = { session: this.o.session, sessionId: this.sessionId };
    if (this.capabilities) outcome.capabilities = this.capabilities;
    if (this.failure) outcome.failure = this.failure;
    return outcome;
  }

  /** Stops the schedule early (run aborted): what is in flight still gets its outcome. */
  stop(): void {
    if (this.arrivalsDone) return;
    this.arrivalsDone = true;
    this.nextArrival = undefined;
    this.pump();
  }

  // ---- connection ----

  private async connect(resume: boolean): Promise<void> {
    // A new call starts with an empty write buffer, whatever the cut one was waiting for.
    this.transportBlocked = false;
    const stream = RecordedStream.open(this.d.channel.client, {
      stream: this.d.nextStreamId(),
      session: this.o.session,
      sink: this.d.sink,
      clock: this.d.clock,
      metadata: this.d.channel.metadata(),
      onResponse: (r, t) => this.onResponse(stream, r, t),
    });
    this.stream = stream;
    stream.init({
      memorySpaceId: this.o.memorySpaceId,
      sessionId: this.sessionId,
      resume,
      claimedSequence: BigInt(this.acceptedThrough),
      indexAcks: this.o.indexAcks,
    });
    let ack: Awaited<ReturnType<RecordedStream['initAck']>>;
    try {
      ack = await stream.initAck(this.o.initTimeoutMs);
    } catch (err) {
      stream.cut();
      const why = err instanceof StreamEndedError ? err.message : (err as Error).message;
      if (!resume) throw new TargetError(`session ${this.o.session}: ${why}`);
      this.fail(`resume failed: ${why}`);
      return;
    }
    if (!resume) {
      this.sessionId = ack.sessionId;
      this.capabilities = ack.capabilities;
      this.checkCapabilities(ack.capabilities);
    } else {
      this.resumedAt(Number(ack.initialSequence));
    }
    this.connected = true;
    void stream.ended.then(() => this.onStreamEnd(stream));
  }

  private checkCapabilities(c: StreamCapabilities | undefined): void {
    if (c?.embeddingDim && c.embeddingDim !== this.o.dim) {
      throw new TargetError(
        `the target takes ${c.embeddingDim}-d embeddings but the scenario sends ${this.o.dim}-d; ` +
          `set dim: ${c.embeddingDim} in the scenario`,
      );
    }
    if (this.o.indexAcks && !c?.supportsIndexAcks) {
      this.d.events.unavailable(
        'staleness',
        'the server does not send INDEXED acks (capabilities.supports_index_acks is false); use probes',
      );
    }
  }

  /** After a resume: everything up to the server's initial sequence was accepted, acks or not. */
  private resumedAt(initial: number): void {
    if (initial < this.acceptedThrough || initial > this.firstSentThrough) {
      // The server lost accepted observations, or claims ones never sent; the checker reports it.
      this.fail(
        `resume answered initial_sequence ${initial}, outside ${this.acceptedThrough} (last ACCEPTED) ` +
          `to ${this.firstSentThrough} (last sent)`,
      );
      return;
    }
    if (initial > this.acceptedThrough) {
      this.d.events.count(DriverCounter.settledByResume, initial - this.acceptedThrough);
      this.acceptThrough(initial);
    }
    this.nextSend = this.acceptedThrough + 1;
    this.dropFifo();
  }

  private onStreamEnd(stream: RecordedStream): void {
    if (stream !== this.stream) return;
    this.connected = false;
    this.transportBlocked = false;
    if (this.settle === undefined) return; // the close at the end
    // Not cut by us: resume when the server can, else the session is over.
    if (!this.capabilities?.supportsResume) {
      this.fail('the stream ended and the server does not support resume');
      return;
    }
    this.d.events.count(DriverCounter.unplannedResumes);
    void this.reconnect();
  }

  private async reconnect(): Promise<void> {
    if (this.stopped) return;
    await this.connect(true);
    this.d.events.count(DriverCounter.resumes);
    this.pump();
  }

  private fail(why: string): void {
    if (this.failure) return;
    this.failure = why;
    this.d.events.count(DriverCounter.sessionsFailed);
    // What was due but never sent is counted, never dropped silently.
    this.d.events.count(DriverCounter.notSent, this.released - this.firstSentThrough);
    let notOffered = 0;
    while (this.nextArrival !== undefined) {
      notOffered++;
      this.takeArrival();
    }
    this.d.events.count(DriverCounter.notOffered, notOffered);
    this.arrivalsDone = true;
    this.done();
  }

  // ---- sending ----

  private takeArrival(): void {
    const next = this.d.arrivals.next();
    if (next.done) {
      this.arrivalsDone = true;
      this.nextArrival = undefined;
    } else {
      this.nextArrival = next.value;
    }
  }

  private release(now: number): void {
    while (this.nextArrival !== undefined && this.nextArrival <= now) {
      const intendedT = this.nextArrival;
      this.released++;
      const probe =
        this.o.probeShare > 0 && this.d.prober !== undefined && this.probeRandom() < this.o.probeShare;
      if (probe) {
        const episode = this.d.pool.probe(this.o.session, this.released);
        this.probes.set(this.released, episode);
        this.episodes.push(episode);
      } else {
        this.episodes.push(this.d.pool.next());
      }
      this.intended.push(intendedT);
      this.d.events.offered(intendedT);
      this.takeArrival();
    }
  }

  private pump(): void {
    if (this.stopped || this.failure) return;
    const now = this.d.clock.now();
    this.release(now);
    const stream = this.stream;
    while (this.nextSend <= this.released) {
      const blocked =
        !this.connected || !stream || this.transportBlocked || now < this.pausedUntil || now < this.holdUntil;
      if (blocked) {
        this.deferredThrough = this.released;
        const until = Math.max(this.pausedUntil, this.holdUntil);
        if (until > now) this.arm(until);
        break;
      }
      if (this.inFlight >= this.window) {
        this.windowHeldThrough = this.released;
        break;
      }
      this.transmit(stream, this.nextSend, now);
      this.nextSend++;
    }
    if (this.nextArrival !== undefined) this.arm(this.nextArrival);
    if (this.finished()) this.done();
    else if (this.arrivalsDone && !this.endTimer) {
      // Outcomes still missing after the schedule: wait while responses keep coming
      // (a backlog being retried), give up after finishTimeoutMs of silence.
      this.endTimer = setTimeout(() => this.done(), this.o.finishTimeoutMs);
    }
  }

  private transmit(stream: RecordedStream, seq: number, now: number): void {
    const intendedT = this.intended[seq - this.base] as number;
    const first = seq > this.firstSentThrough;
    let delay: SendDelay | undefined;
    if (first) {
      this.firstSentThrough = seq;
      if (seq <= this.windowHeldThrough) delay = 'window';
      else if (seq <= this.deferredThrough) delay = 'deferred';
      else if (now - intendedT > this.o.lateBudgetMs) delay = 'late';
    }
    this.fifo.push({ seq, kind: 'normal', epoch: this.epoch, sentT: now });
    const ok = stream.send(BigInt(seq), this.episodes[seq - this.base] as PreEncodedEpisode, { intendedT });
    this.d.events.transmitted(now, intendedT, first, delay);
    if (!ok) this.blockUntilDrained(stream);
  }

  private blockUntilDrained(stream: RecordedStream): void {
    this.transportBlocked = true;
    stream.onceDrained(() => {
      if (stream !== this.stream) return;
      this.transportBlocked = false;
      this.pump();
    });
  }

  private arm(at: number): void {
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.timerAt = Number.POSITIVE_INFINITY;
        this.pump();
      },
      Math.max(0, at - this.d.clock.now()),
    );
  }

  private finished(): boolean {
    return this.arrivalsDone && this.acceptedThrough >= this.released && this.inFlight === 0;
  }

  private done(): void {
    const settle = this.settle;
    this.settle = undefined;
    settle?.();
  }

  // ---- responses ----

  private onResponse(stream: RecordedStream, r: ObservationResponse, t: number): void {
    if (stream !== this.stream) return;
    const res = r.result;
    if (res?.case === 'status') {
      this.d.events.serverState(t, streamStateName[res.status.state] ?? 'UNSPECIFIED');
      return;
    }
    if (res?.case !== 'ack') return;
    this.endTimer?.refresh();
    const ack = res.ack;
    if (ack.status === AckStatus.INDEXED || ack.status === AckStatus.UNSPECIFIED) return;
    const seq = Number(r.sequenceNumber);
    const tx = this.popTransmission(seq);
    if (ack.status === AckStatus.ACCEPTED) this.onAccepted(seq, tx, t);
    else this.onRejected(seq, tx, t, ack.reason, Number(ack.expectedSequence), ack.retryAfterMs);
    this.pump();
  }

  /** Outcomes come in send order; one that skips ahead leaves the skipped to the checker. */
  private popTransmission(seq: number): Transmission | undefined {
    for (let i = this.fifoHead; i < this.fifo.length; i++) {
      const tx = this.fifo[i] as Transmission;
      if (tx.seq !== seq) continue;
      this.fifoHead = i + 1;
      if (this.fifoHead > 1024 && this.fifoHead * 2 > this.fifo.length) {
        this.fifo.splice(0, this.fifoHead);
        this.fifoHead = 0;
      }
      return tx;
    }
    return undefined;
  }

  private dropFifo(): void {
    this.fifo.length = 0;
    this.fifoHead = 0;
    this.epoch++;
  }

  private onAccepted(seq: number, tx: Transmission | undefined, t: number): void {
    if (tx?.kind !== 'normal' || seq <= this.acceptedThrough) return; // the checker reports it
    this.d.events.accepted(t, this.intended[seq - this.base] as number, tx.sentT);
    if (this.window < this.o.window) this.window = Math.min(this.o.window, this.window + 1 / this.window);
    const probe = this.probes.get(seq);
    if (probe && this.d.prober) {
      this.d.prober.watch({
        session: this.o.session,
        seq: BigInt(seq),
        memorySpaceId: this.o.memorySpaceId,
        sessionId: this.sessionId,
        episode: probe,
      });
    }
    this.acceptThrough(seq);
  }

  private acceptThrough(seq: number): void {
    // Accepted entries are dropped in chunks: splicing one by one would cost the whole backlog
    // each time. An eighth of the array at least keeps the cost per ack constant, also when a
    // backlog behind them is large.
    const n = Math.min(seq, this.released) - this.base + 1;
    if (n > 1024 && n * 8 > this.intended.length) {
      this.intended.splice(0, n);
      this.episodes.splice(0, n);
      this.base += n;
    }
    // Probes are kept in sequence order: drop the accepted ones from the front.
    for (const probed of this.probes.keys()) {
      if (probed > seq) break;
      this.probes.delete(probed);
    }
    this.acceptedThrough = seq;
    if (this.nextSend <= seq) this.nextSend = seq + 1;
  }

  private onRejected(
    seq: number,
    tx: Transmission | undefined,
    t: number,
    reason: number,
    expected: number,
    retryAfterMs: number,
  ): void {
    const injected = tx !== undefined && tx.kind !== 'normal';
    this.d.events.rejected(t, rejectReasonName[reason] ?? `REASON_${reason}`, injected);
    // Only a rejection from the current round rewinds; the ones behind it were pipelined.
    if (!tx || injected || tx.epoch !== this.epoch) return;
    switch (reason) {
      case RejectReason.OVERLOADED:
        this.window = Math.max(1, this.window / 2);
        this.rewind(seq);
        this.pausedUntil = t + (retryAfterMs || DEFAULT_RETRY_AFTER_MS);
        break;
      case RejectReason.SEQUENCE_GAP:
        // Resend from where the server expects, if that is a sequence it can expect.
        if (expected > this.acceptedThrough && expected <= this.released + 1) this.rewind(expected);
        else this.contradicted(seq, 'SEQUENCE_GAP', expected);
        break;
      case RejectReason.DUPLICATE_SEQUENCE:
        // The server holds more than we saw acknowledged (acks lost): continue where it expects.
        if (expected > this.acceptedThrough + 1 && expected <= this.released + 1) {
          this.acceptThrough(expected - 1);
          this.rewind(expected);
        } else {
          this.contradicted(seq, 'DUPLICATE_SEQUENCE', expected);
        }
        break;
      default:
        // Invalid observation, space full, closing: retrying the same payload cannot help.
        this.fail(`observation ${seq} rejected with ${rejectReasonName[reason] ?? reason}`);
    }
  }

  /** The server's sequence view contradicts its own acks: retrying would loop, so the session stops. */
  private contradicted(seq: number, reason: string, expected: number): void {
    this.fail(
      `observation ${seq} rejected ${reason} with expected sequence ${expected}, ` +
        `but ${this.acceptedThrough} was the last ACCEPTED and ${this.released} the last due`,
    );
  }

  private rewind(to: number): void {
    this.nextSend = Math.min(this.nextSend, to);
    this.epoch++;
  }

  // ---- faults ----

  private inject(fault: FaultEvent): void {
    if (this.stopped || this.failure || !this.settle) return;
    const stream = this.stream;
    switch (fault.kind) {
      case 'hold':
        this.d.events.count(DriverCounter.holds);
        this.holdUntil = this.d.clock.now() + fault.holdMs;
        this.arm(this.holdUntil);
        return;
      case 'disconnect':
        this.disconnect(fault.cut, fault.resumeAfterMs);
        return;
      case 'gap':
        if (!stream || !this.connected) return;
        for (let i = 0; i < fault.count; i++) this.sendInjected(stream, 'gap', this.nextSend + 1 + i);
        this.d.events.count(DriverCounter.injectedGaps, fault.count);
        return;
      case 'duplicate':
        if (!stream || !this.connected) return;
        if (this.acceptedThrough === 0) {
          // Nothing accepted yet to duplicate: try again shortly.
          this.faultTimers.push(setTimeout(() => this.inject(fault), 50));
          return;
        }
        for (let i = 0; i < fault.count; i++) {
          this.sendInjected(stream, 'duplicate', Math.max(1, this.acceptedThrough - i));
        }
        this.d.events.count(DriverCounter.injectedDuplicates, fault.count);
        return;
    }
  }

  private sendInjected(stream: RecordedStream, kind: 'gap' | 'duplicate', seq: number): void {
    const now = this.d.clock.now();
    this.fifo.push({ seq, kind, epoch: this.epoch, sentT: now });
    if (!stream.send(BigInt(seq), this.d.pool.next(), { intent: kind, intendedT: now })) {
      this.blockUntilDrained(stream);
    }
  }

  private disconnect(cut: 'stream' | 'channel', resumeAfterMs: number): void {
    if (!this.capabilities?.supportsResume) {
      this.d.events.unavailable(
        'resume',
        'the server does not support resume (capabilities.supports_resume is false); disconnect faults were skipped',
      );
      return;
    }
    if (!this.connected) return;
    this.d.events.count(DriverCounter.disconnects);
    this.connected = false;
    // The cut stream's end is ours: mark it replaced before it ends, and cut it from this
    // side first so its history records the client as the cause, also for a channel cut.
    const old = this.stream;
    this.stream = undefined;
    old?.cut();
    if (cut === 'channel') this.d.channel.cut();
    this.faultTimers.push(setTimeout(() => void this.reconnect(), resumeAfterMs));
  }

  // ---- the end ----

  private async finish(): Promise<void> {
    for (const timer of this.faultTimers) clearTimeout(timer);
    if (this.timer) clearTimeout(this.timer);
    if (this.endTimer) clearTimeout(this.endTimer);
    this.stopped = true;
    if (this.inFlight > 0) this.d.events.count(DriverCounter.unresolvedAtEnd, this.inFlight);
    const notAccepted = this.released - this.acceptedThrough;
    if (notAccepted > 0) this.d.events.count(DriverCounter.notAcceptedAtEnd, notAccepted);
    const stream = this.stream;
    if (!stream || !this.connected) {
      this.d.channel.close();
      return;
    }
    stream.close(this.o.drain, BigInt(this.acceptedThrough));
    stream.halfClose();
    const timeout = new Promise<'timeout'>((resolve) => {
      const t = setTimeout(() => resolve('timeout'), this.o.finishTimeoutMs);
      void stream.ended.then(() => clearTimeout(t));
    });
    if ((await Promise.race([stream.ended, timeout])) === 'timeout') {
      this.d.events.count('close_timeouts');
      stream.cut();
    }
    this.d.channel.close();
  }
}
