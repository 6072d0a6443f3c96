// The scenario's faults, applied to one session on cue: a hold pauses its sending,
// a disconnect cuts its stream (or its whole channel) and resumes after a while,
// gaps and duplicates go out as deliberately bad sequences. The injector decides
// what each fault does; the driver it is given does the sending and the resuming.
import type { RecordedStream } from '../../protocol/recorded-stream.js';
import type { RunClock } from '../../protocol/run-clock.js';
import type { FaultEvent } from '../scenario/scenario.js';
import { DriverCounter, type DriverEvents } from './driver-events.js';
import type { SendBacklog } from './send-backlog.js';
import type { SessionChannel } from './session-channel.js';

/** A fault as this session meets it: when, and what. */
export interface SessionFault {
  atMs: number;
  fault: FaultEvent;
}

/** What a fault acts on: the session driver. */
export interface FaultTarget {
  /** Faults apply only while the schedule runs (not once stopped, failed or closing). */
  readonly running: boolean;
  /** The connected stream; undefined while there is none. */
  readonly connectedStream: RecordedStream | undefined;
  readonly supportsResume: boolean;
  /** Sends a deliberately bad sequence on the stream, outside the schedule. */
  sendInjected(stream: RecordedStream, kind: 'gap' | 'duplicate', seq: number): void;
  /** A hold began: sending waits until `until`. */
  held(until: number): void;
  /** Forgets the stream that is about to be cut: its end is ours, not the server's. */
  detach(): void;
  /** Opens a new stream that resumes the session. */
  resume(): void;
}

/**
 * A gap or duplicate goes out on a connected stream, and a duplicate needs something accepted
 * to repeat: until then it is tried again this often (while the session runs), never skipped.
 */
const INJECT_RETRY_MS = 50;

export class FaultInjector {
  private readonly timers: NodeJS.Timeout[] = [];
  private holdUntil = 0;

  constructor(
    private readonly faults: readonly SessionFault[],
    private readonly target: FaultTarget,
    private readonly backlog: SendBacklog,
    private readonly channel: SessionChannel,
    private readonly clock: RunClock,
    private readonly events: DriverEvents,
  ) {}

  /** Sending is held by a hold fault until this time (ms on the run clock). */
  get heldUntil(): number {
    return this.holdUntil;
  }

  /** Arms every fault at its time on the run clock. */
  start(): void {
    for (const f of this.faults) {
      const delay = Math.max(0, f.atMs - this.clock.now());
      this.timers.push(setTimeout(() => this.inject(f.fault), delay));
    }
  }

  /** Cancels the faults still to come and a resume still to start. */
  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
  }

  private inject(fault: FaultEvent): void {
    if (!this.target.running) return;
    const stream = this.target.connectedStream;
    switch (fault.kind) {
      case 'hold':
        this.events.count(DriverCounter.holds);
        this.holdUntil = this.clock.now() + fault.holdMs;
        this.target.held(this.holdUntil);
        return;
      case 'disconnect':
        this.disconnect(fault.cut, fault.resumeAfterMs);
        return;
      case 'gap':
        if (!stream) {
          this.retry(fault);
          return;
        }
        for (let i = 0; i < fault.count; i++) {
          this.target.sendInjected(stream, 'gap', this.backlog.resendFrom + 1 + i);
        }
        this.events.count(DriverCounter.injectedGaps, fault.count);
        return;
      case 'duplicate':
        if (!stream || this.backlog.acceptedThrough === 0) {
          this.retry(fault);
          return;
        }
        for (let i = 0; i < fault.count; i++) {
          this.target.sendInjected(stream, 'duplicate', Math.max(1, this.backlog.acceptedThrough - i));
        }
        this.events.count(DriverCounter.injectedDuplicates, fault.count);
        return;
    }
  }

  /** The session is between streams (resuming) or has nothing to repeat yet: the fault waits. */
  private retry(fault: FaultEvent): void {
    this.timers.push(setTimeout(() => this.inject(fault), INJECT_RETRY_MS));
  }

  private disconnect(cut: 'stream' | 'channel', resumeAfterMs: number): void {
    if (!this.target.supportsResume) {
      this.events.unavailable(
        'resume',
        'the server does not support resume (capabilities.supports_resume is false); disconnect faults were skipped',
      );
      return;
    }
    const stream = this.target.connectedStream;
    if (!stream) return;
    this.events.count(DriverCounter.disconnects);
    // Detached before it ends, and cut from this side first, so its history records the
    // client as the cause, also for a channel cut.
    this.target.detach();
    stream.cut();
    if (cut === 'channel') this.channel.cut();
    this.timers.push(setTimeout(() => this.target.resume(), resumeAfterMs));
  }
}
