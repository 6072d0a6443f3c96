// What network faults did to a session, from its 'net-fault' events: which stream
// ends they explain (a reset or a connection keepalive gave up on ends UNAVAILABLE, and
// that is the network's doing, not the server's), how long a silenced connection took
// to be noticed (detection), and how long after a fault ended acks flowed again
// (recovery). Fault events come from another thread than the session's own events, so
// they may arrive a little after events that happened later: ends are judged when the
// history is complete, and recovery looks back over the latest ACCEPTED acks.
import type { SessionKey } from '../history/history.js';

export type NetworkMeasure = 'recovery' | 'detection';

interface Window {
  id: number;
  fault: string;
  start: number;
  end: number | undefined;
  /** Streams open when it started (for detection), by id with their open time. */
  streamsAtStart: number[];
}

interface StreamSpan {
  id: number;
  openT: number;
}

interface SessionWindows {
  windows: Window[];
  open: Map<number, StreamSpan>;
  /** Times of the latest ACCEPTED acks, oldest first. */
  recentAccepted: number[];
  /** Ends of faults whose recovery is not measured yet. */
  awaitingAck: number[];
}

/** ACCEPTED acks remembered per session, for fault events that arrive late. */
const RECENT = 64;
/** gRPC UNAVAILABLE: what a client sees when its connection is reset or given up. */
const UNAVAILABLE = 14;
/** Faults that silence connections: the time to notice them is measured. */
const SILENCING = new Set(['blackhole', 'stall-reads']);

export interface DeferredEnd {
  session: SessionKey;
  stream: number;
  openT: number;
  t: number;
  details: string;
}

export class NetworkWindows {
  private readonly sessions = new Map<SessionKey, SessionWindows>();

  constructor(private readonly onMeasure?: (what: NetworkMeasure, ms: number, t: number) => void) {}

  private of(session: SessionKey): SessionWindows {
    let s = this.sessions.get(session);
    if (!s) {
      s = { windows: [], open: new Map(), recentAccepted: [], awaitingAck: [] };
      this.sessions.set(session, s);
    }
    return s;
  }

  streamOpened(session: SessionKey, stream: number, t: number): void {
    this.of(session).open.set(stream, { id: stream, openT: t });
  }

  openedAt(session: SessionKey, stream: number): number | undefined {
    return this.sessions.get(session)?.open.get(stream)?.openT;
  }

  /** A stream ended: its span is no longer open; detection is measured for silenced ones. */
  streamEnded(session: SessionKey, stream: number, t: number, code: number): void {
    const s = this.sessions.get(session);
    if (!s) return;
    s.open.delete(stream);
    if (code !== UNAVAILABLE) return;
    for (const w of s.windows) {
      const i = w.streamsAtStart.indexOf(stream);
      if (i < 0 || !SILENCING.has(w.fault) || (w.end !== undefined && t > w.end)) continue;
      w.streamsAtStart.splice(i, 1);
      this.onMeasure?.('detection', t - w.start, t);
    }
  }

  fault(session: SessionKey, e: { id: number; fault: string; phase: 'start' | 'end'; t: number }): void {
    const s = this.of(session);
    if (e.phase === 'start') {
      s.windows.push({
        id: e.id,
        fault: e.fault,
        start: e.t,
        end: undefined,
        streamsAtStart: [...s.open.keys()],
      });
      return;
    }
    const w = [...s.windows].reverse().find((x) => x.id === e.id && x.end === undefined);
    if (w) w.end = e.t;
    const first = s.recentAccepted.find((a) => a >= e.t);
    if (first !== undefined) this.onMeasure?.('recovery', first - e.t, first);
    else s.awaitingAck.push(e.t);
  }

  accepted(session: SessionKey, t: number): void {
    const s = this.sessions.get(session);
    if (!s) return;
    s.recentAccepted.push(t);
    if (s.recentAccepted.length > RECENT) s.recentAccepted.shift();
    if (s.awaitingAck.length === 0) return;
    const still: number[] = [];
    for (const end of s.awaitingAck) {
      if (t >= end) this.onMeasure?.('recovery', t - end, t);
      else still.push(end);
    }
    s.awaitingAck = still;
  }

  /** Whether an UNAVAILABLE end of a stream open over [openT, t] is the network's doing. */
  explains(end: DeferredEnd): boolean {
    const s = this.sessions.get(end.session);
    if (!s) return false;
    return s.windows.some((w) => w.start <= end.t && (w.end === undefined || w.end >= end.openT));
  }

  static isNetworkCode(code: number): boolean {
    return code === UNAVAILABLE;
  }
}
