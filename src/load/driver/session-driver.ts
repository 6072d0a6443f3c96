// Drives one logical session on the open model by wiring its send backlog (what is
// due, what is sent next, the window) and its fault injector to a RecordedStream:
// sends follow the schedule's absolute timeline, OVERLOADED waits retry_after_ms
// before the go-back-N resend, a cut stream is resumed. Every write and response
// is recorded through RecordedStream, so the checker sees exactly what happened on
// the wire.
//
// The intended time of every sequence is known, so latency is measured from it
// (coordinated omission corrected) as well as from the actual send.
import type { HistorySink, SessionKey } from '../../history/history.js';
import type { ObservationResponse, StreamCapabilities } from '../../protocol/messages.js';
import { AckStatus, rejectReasonName, streamStateName } from '../../protocol/messages.js';
import { RecordedStream, StreamEndedError } from '../../protocol/recorded-stream.js';
import type { RunClock } from '../../protocol/run-clock.js';
import { seededRandom } from '../../util/seeded-random.js';
import { DriverCounter, type DriverEvents } from './driver-events.js';
import type { EpisodePool, ProbeEpisode } from './episode-pool.js';
import { FaultInjector, type FaultTarget, type SessionFault } from './fault-injector.js';
import type { RecallProber } from './recall-prober.js';
import { SendBacklog } from './send-backlog.js';
import type { SessionChannel } from './session-channel.js';

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

/** Used when an OVERLOADED rejection gives no retry_after_ms. */
const DEFAULT_RETRY_AFTER_MS = 10;

export class SessionDriver {
  private stream: RecordedStream | undefined;
  private sessionId = '';
  private capabilities: StreamCapabilities | undefined;
  private connected = false;
  private failure: string | undefined;
  private stopped = false;
  private readonly backlog: SendBacklog;
  private readonly faults: FaultInjector;
  /** Retry-after of the last OVERLOADED rejection: no send before this time. */
  private pausedUntil = 0;
  private transportBlocked = false;
  private timer: NodeJS.Timeout | undefined;
  private endTimer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private settle: (() => void) | undefined;

  constructor(
    private readonly o: DriverOptions,
    private readonly d: DriverDeps,
  ) {
    const probeRandom = seededRandom(o.seed);
    const probing = o.probeShare > 0 && d.prober !== undefined;
    this.backlog = new SendBacklog({
      arrivals: d.arrivals,
      episodes: {
        probe: (seq) => (probing && probeRandom() < o.probeShare ? d.pool.probe(o.session, seq) : undefined),
        pooled: () => d.pool.next(),
      },
      window: o.window,
      lateBudgetMs: o.lateBudgetMs,
      onOffered: (intendedT) => d.events.offered(intendedT),
    });
    this.faults = new FaultInjector(d.faults, this.faultTarget(), this.backlog, d.channel, d.clock, d.events);
  }

  /** In flight now: sent, no outcome yet. */
  get inFlight(): number {
    return this.backlog.inFlight;
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
    this.faults.start();
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
    if (this.backlog.arrivalsDone) return;
    this.backlog.endArrivals();
    this.pump();
  }

  // ---- what faults act on ----

  private faultTarget(): FaultTarget {
    const driver = this;
    return {
      get running() {
        return !driver.stopped && !driver.failure && driver.settle !== undefined;
      },
      get connectedStream() {
        return driver.connected ? driver.stream : undefined;
      },
      get supportsResume() {
        return driver.capabilities?.supportsResume ?? false;
      },
      sendInjected: (stream, kind, seq) => this.sendInjected(stream, kind, seq),
      held: (until) => this.arm(until),
      detach: () => {
        this.connected = false;
        this.stream = undefined;
      },
      resume: () => void this.reconnect(),
    };
  }

  private sendInjected(stream: RecordedStream, kind: 'gap' | 'duplicate', seq: number): void {
    const now = this.d.clock.now();
    this.backlog.injected(seq, kind, now);
    if (!stream.send(BigInt(seq), this.d.pool.next(), { intent: kind, intendedT: now })) {
      this.blockUntilDrained(stream);
    }
  }

  // ---- connection ----

  private async connect(resume: boolean): Promise<void> {
    // A new call starts with an empty write buffer, whatever the cut one was waiting for.
    this.transportBlocked = false;
    const metadata = this.d.channel.metadata();
    const stream = RecordedStream.over(this.d.channel.streams.openObserve(metadata), {
      stream: this.d.nextStreamId(),
      session: this.o.session,
      sink: this.d.sink,
      clock: this.d.clock,
      metadata,
      onResponse: (r, t) => this.onResponse(stream, r, t),
    });
    this.stream = stream;
    stream.init({
      memorySpaceId: this.o.memorySpaceId,
      sessionId: this.sessionId,
      resume,
      claimedSequence: BigInt(this.backlog.acceptedThrough),
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
      const settled = this.backlog.resumedAt(Number(ack.initialSequence));
      if (typeof settled !== 'number') {
        // The server lost accepted observations, or claims ones never sent; the checker reports it.
        this.fail(settled.why);
        return;
      }
      if (settled > 0) this.d.events.count(DriverCounter.settledByResume, settled);
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
    this.d.events.count(DriverCounter.notSent, this.backlog.released - this.backlog.firstSentThrough);
    this.d.events.count(DriverCounter.notOffered, this.backlog.dropArrivals());
    this.done();
  }

  // ---- sending ----

  private pump(): void {
    if (this.stopped || this.failure) return;
    const b = this.backlog;
    const now = this.d.clock.now();
    b.release(now);
    const stream = this.stream;
    const heldUntil = this.faults.heldUntil;
    while (b.hasDue) {
      const blocked =
        !this.connected || !stream || this.transportBlocked || now < this.pausedUntil || now < heldUntil;
      if (blocked) {
        b.deferDue();
        const until = Math.max(this.pausedUntil, heldUntil);
        if (until > now) this.arm(until);
        break;
      }
      if (b.windowFull) {
        b.holdDueForWindow();
        break;
      }
      const s = b.take(now);
      const ok = stream.send(BigInt(s.seq), s.episode, { intendedT: s.intendedT });
      this.d.events.transmitted(now, s.intendedT, s.first, s.delay);
      if (!ok) this.blockUntilDrained(stream);
    }
    const next = b.nextArrivalT;
    if (next !== undefined) this.arm(next);
    if (b.finished) this.done();
    else if (b.arrivalsDone && !this.endTimer) {
      // Outcomes still missing after the schedule: wait while responses keep coming
      // (a backlog being retried), give up after finishTimeoutMs of silence.
      this.endTimer = setTimeout(() => this.done(), this.o.finishTimeoutMs);
    }
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
    const tx = this.backlog.answered(seq);
    if (ack.status === AckStatus.ACCEPTED) {
      const settled = this.backlog.accept(seq, tx);
      if (settled) {
        this.d.events.accepted(t, settled.intendedT, settled.sentT);
        if (settled.probe) this.watchProbe(seq, settled.probe);
      }
    } else {
      const injected = tx !== undefined && tx.kind !== 'normal';
      this.d.events.rejected(t, rejectReasonName[ack.reason] ?? `REASON_${ack.reason}`, injected);
      const action = this.backlog.reject(seq, tx, ack.reason, Number(ack.expectedSequence));
      if (action.kind === 'back-off') this.pausedUntil = t + (ack.retryAfterMs || DEFAULT_RETRY_AFTER_MS);
      else if (action.kind === 'stop') this.fail(action.why);
    }
    this.pump();
  }

  private watchProbe(seq: number, episode: ProbeEpisode): void {
    this.d.prober?.watch({
      session: this.o.session,
      seq: BigInt(seq),
      memorySpaceId: this.o.memorySpaceId,
      sessionId: this.sessionId,
      episode,
    });
  }

  // ---- the end ----

  private async finish(): Promise<void> {
    this.faults.stop();
    if (this.timer) clearTimeout(this.timer);
    if (this.endTimer) clearTimeout(this.endTimer);
    this.stopped = true;
    if (this.inFlight > 0) this.d.events.count(DriverCounter.unresolvedAtEnd, this.inFlight);
    const notAccepted = this.backlog.released - this.backlog.acceptedThrough;
    if (notAccepted > 0) this.d.events.count(DriverCounter.notAcceptedAtEnd, notAccepted);
    const stream = this.stream;
    if (!stream || !this.connected) {
      // A stream still open (its resume was answered with a position the session refused)
      // ends now, so its end is recorded before the session reports it is done.
      if (stream && !stream.isEnded) {
        stream.cut();
        await stream.ended;
      }
      this.d.channel.close();
      return;
    }
    stream.close(this.o.drain, BigInt(this.backlog.acceptedThrough));
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
