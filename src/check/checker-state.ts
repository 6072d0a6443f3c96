// The checker's memory per session and per stream: counters, marks and the small
// sets that are still open (outstanding sends, accepted-but-not-indexed), never
// the events themselves.

import type { SessionKey, StreamId } from '../history/history.js';
import { AcceptedBacklog } from './accepted-backlog.js';
import { type PendingSend, PendingSends } from './pending-sends.js';

export class SessionState {
  /** Highest sequence the client knows accepted (from ACCEPTED acks or a resume's initial_sequence). */
  lastAccepted = 0n;
  /** Highest INDEXED mark seen for the session, on any of its streams. */
  indexedHigh = 0n;
  /** The stream of the latest init-ack: acks on older streams are late or fenced. */
  current: StreamState | undefined;
  /** initial_sequence of the latest resume, which bounds what fenced streams may still confirm. */
  resumeInitial: bigint | undefined;
  /** The stream that sent the latest resume init: older streams may end ABORTED (fenced). */
  lastResumeStream: StreamState | undefined;
  /** Sends whose stream broke before their outcome, by sequence, until a resume settles them. */
  readonly indeterminate = new Map<bigint, PendingSend>();
  readonly streams = new Set<StreamState>();
  readonly backlog: AcceptedBacklog;
  /** Whether INDEXED acks were asked for and not denied by the capabilities. */
  indexAcks = false;

  constructor(
    readonly key: SessionKey,
    backlogLimit: number,
  ) {
    this.backlog = new AcceptedBacklog(backlogLimit);
  }
}

/** Outcomes remembered per stream to recognise a second outcome for the same send. */
const SETTLED_KEPT = 1024;

export class StreamState {
  readonly pending = new PendingSends();
  /** Sends so far on this stream: the next send's position. */
  sends = 0;
  /** Sequences recently settled on this stream, to tell a duplicate outcome from an unexpected ack. */
  private settledSeqs: bigint[] = [];
  private settledTimes: number[] = [];
  private settledNext = 0;
  /** Last INDEXED mark on this stream. */
  lastMark = 0n;
  initAsked = { resume: false, indexAcks: false };
  initAcked = false;
  /** The session id the init ack gave; every ack on the stream must carry it (WIRE-5). */
  sessionId: string | undefined;
  /** The first close on this stream (a repeated close is ignored, as the server ignores it). */
  closeSent: { drain: boolean } | undefined;
  isEnded = false;

  constructor(
    readonly id: StreamId,
    readonly session: SessionState,
    /** Order of first appearance, to tell older streams from newer ones. */
    readonly ordinal: number,
  ) {}

  /** Remembers the last SETTLED_KEPT outcomes in a ring: written on every outcome, searched only on a stray one. */
  rememberSettled(seq: bigint, t: number): void {
    this.settledSeqs[this.settledNext] = seq;
    this.settledTimes[this.settledNext] = t;
    this.settledNext = (this.settledNext + 1) % SETTLED_KEPT;
  }

  /** Frees what only a live stream needs: a run with many reconnects keeps only small records of ended streams. */
  markEnded(): void {
    this.isEnded = true;
    this.settledSeqs = [];
    this.settledTimes = [];
    this.settledNext = 0;
  }

  /** When the latest outcome for this sequence came, if it is among the remembered ones. */
  settledAt(seq: bigint): number | undefined {
    for (let i = 1; i <= this.settledSeqs.length; i++) {
      const at = (this.settledNext - i + SETTLED_KEPT) % SETTLED_KEPT;
      if (this.settledSeqs[at] === seq) return this.settledTimes[at];
    }
    return undefined;
  }
}
