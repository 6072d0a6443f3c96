// The history checker: a pure fold over HistoryEvent (history.ts) that classifies
// what the server did wrong, in the manner of Jepsen's checkers. Deterministic in
// the event sequence; memory is bounded per session and stream (counters, marks
// and the sets still open), so bench can run it live over millions of events.
//
// The model: outcomes (ACCEPTED or REJECTED acks) correlate to sends in order per
// (stream, sequence); a session's ACCEPTED acks run 1, 2, 3 ... across its streams
// and continue at initial_sequence + 1 after a resume; the right rejection reason
// follows from the session's last accepted sequence when the ack arrives (checks run
// closing, sequence, validity, admission). INDEXED marks are cumulative.

import type { HistoryEvent, SendIntent, SessionKey, StreamId } from '../history/history.js';
import type { Checker, CheckerOptions, CheckReport, StreamEndEvent } from './check-types.js';
import { SessionState, StreamState } from './checker-state.js';
import { FindingCollector } from './finding-collector.js';
import type { FindingExample } from './findings.js';
import { type CheckCounts, zeroCheckCounts } from './findings.js';
import { type DeferredEnd, NetworkWindows } from './network-windows.js';
import type { PendingSend } from './pending-sends.js';
import { ProbeWindow } from './probe-window.js';
import { StalenessRecorder } from './staleness-recorder.js';

type AckEvent = Extract<HistoryEvent, { type: 'ack' }>;
type ProbeEvent = Extract<HistoryEvent, { type: 'probe' }>;

const GRPC_ABORTED = 10;

export function createChecker(options: CheckerOptions = {}): Checker {
  return new HistoryChecker(options);
}

/** The checker as a plain function of a whole history (an 'end' is implied). */
export function checkHistory(events: Iterable<HistoryEvent>, options: CheckerOptions = {}): CheckReport {
  const checker = createChecker(options);
  for (const e of events) checker.observe(e);
  return checker.finish();
}

class HistoryChecker implements Checker {
  private readonly sessions = new Map<SessionKey, SessionState>();
  private readonly streams = new Map<StreamId, StreamState>();
  private readonly findings: FindingCollector;
  private readonly staleness: StalenessRecorder;
  private readonly probeWindow: ProbeWindow;
  private readonly network: NetworkWindows;
  /** UNAVAILABLE ends not (yet) explained by a network fault: judged once the history is complete. */
  private readonly unexplainedEnds: DeferredEnd[] = [];
  private readonly counts: CheckCounts = zeroCheckCounts();
  private readonly maxPending: number;
  private readonly backlogLimit: number;
  private ended = false;
  private report: CheckReport | undefined;

  constructor(private readonly options: CheckerOptions) {
    const examples = options.maxExamples ?? 5;
    this.findings = new FindingCollector(examples);
    this.staleness = new StalenessRecorder(examples, options.onStaleness);
    this.probeWindow = new ProbeWindow(options.probeWindow ?? 100_000);
    this.network = new NetworkWindows(options.onNetworkMeasure);
    this.maxPending = options.maxPendingPerStream ?? 100_000;
    this.backlogLimit = options.maxStalenessBacklog ?? 1_000_000;
  }

  observe(e: HistoryEvent): void {
    if (this.report) throw new Error('checker: observe() after finish()');
    if (this.ended) throw new Error(`checker: '${e.type}' event after the 'end' event`);
    switch (e.type) {
      case 'stream-open':
        this.stream(e.stream, e.session);
        this.network.streamOpened(e.session, e.stream, e.t);
        return;
      case 'init-sent':
        this.onInitSent(e);
        return;
      case 'init-ack':
        this.onInitAck(e);
        return;
      case 'send':
        this.onSend(e);
        return;
      case 'ack':
        this.onAck(e);
        return;
      case 'status':
        bump(this.counts.statusByState, e.state);
        return;
      case 'other-sent':
        return;
      case 'close-sent':
        this.stream(e.stream, e.session).closeSent ??= { drain: e.drain };
        return;
      case 'stream-end':
        this.onStreamEnd(e);
        return;
      case 'probe':
        this.onProbe(e);
        return;
      case 'net-fault':
        this.counts.networkFaults += e.phase === 'start' ? 1 : 0;
        this.network.fault(e.session, e);
        return;
      case 'end':
        this.onEnd();
        return;
    }
  }

  finish(): CheckReport {
    if (this.report) return this.report;
    if (!this.ended) this.onEnd();
    this.judgeUnexplainedEnds();
    this.judgeStaleness();
    this.counts.sessions = this.sessions.size;
    this.counts.streams = this.streams.size;
    this.report = {
      findings: this.findings.findings(),
      counts: this.counts,
      staleness: this.staleness.indexed,
      stalenessProbe: this.staleness.probe,
    };
    return this.report;
  }

  // ---- sessions and streams ----

  private stream(id: StreamId, session: SessionKey): StreamState {
    let st = this.streams.get(id);
    if (st) return st;
    let s = this.sessions.get(session);
    if (!s) {
      s = new SessionState(session, this.backlogLimit);
      this.sessions.set(session, s);
    }
    st = new StreamState(id, s, this.streams.size);
    this.streams.set(id, st);
    s.streams.add(st);
    return st;
  }

  private onInitSent(e: Extract<HistoryEvent, { type: 'init-sent' }>): void {
    const st = this.stream(e.stream, e.session);
    st.initAsked = { resume: e.resume, indexAcks: e.indexAcks };
    if (e.resume) st.session.lastResumeStream = st;
  }

  private onInitAck(e: Extract<HistoryEvent, { type: 'init-ack' }>): void {
    const st = this.stream(e.stream, e.session);
    const s = st.session;
    if (st.initAsked.resume) {
      this.counts.resumes++;
      this.checkResume(st, e.initialSequence, e.t);
      for (const p of s.indeterminate.values()) this.settleByResume(s, p, e.initialSequence);
      s.indeterminate.clear();
      s.resumeInitial = e.initialSequence;
    }
    s.lastAccepted = e.initialSequence;
    s.current = st;
    st.initAcked = true;
    st.sessionId = e.sessionId;
    s.indexAcks = st.initAsked.indexAcks && (e.capabilities?.supportsIndexAcks ?? true);
  }

  /** initial_sequence must be exactly what was accepted: not below what the client saw, not above what it had outstanding. */
  private checkResume(st: StreamState, initial: bigint, t: number): void {
    const s = st.session;
    if (initial < s.lastAccepted) {
      this.findings.add('resume-lost-data', {
        session: s.key,
        seq: initial.toString(),
        t,
        note:
          `resume on stream ${st.id} reported initial_sequence ${initial} below ${s.lastAccepted}, ` +
          `which the client saw ACCEPTED: ${initial + 1n}..${s.lastAccepted} would be lost or accepted twice`,
      });
      return;
    }
    // Every sequence between the last ACCEPTED ack and initial_sequence must be a send
    // whose ack was lost with a broken or fenced stream; the loop ends within one step
    // past the number of such sends.
    const outstanding = new Set<bigint>(s.indeterminate.keys());
    for (const other of s.streams) if (other !== st) for (const q of other.pending.seqs()) outstanding.add(q);
    for (let q = s.lastAccepted + 1n; q <= initial; q++) {
      if (outstanding.has(q)) continue;
      this.findings.add('resume-lost-data', {
        session: s.key,
        seq: q.toString(),
        t,
        note:
          `resume on stream ${st.id} reported initial_sequence ${initial}, claiming ${q} accepted, ` +
          `but the client saw ACCEPTED only through ${s.lastAccepted} and had no unanswered send of ${q}`,
      });
      return;
    }
  }

  private settleByResume(s: SessionState, p: PendingSend, initial: bigint): void {
    if (p.seq <= initial && p.intent === 'normal') {
      this.counts.acceptedAckLost++;
      this.probeWindow.settled(s.key, p.episodeId, 'accepted');
    } else {
      this.counts.notReceived++;
      this.probeWindow.settled(s.key, p.episodeId, 'not-received');
    }
  }

  /** A stream whose session has since been resumed on a newer stream. */
  private isFenced(st: StreamState): boolean {
    const current = st.session.current;
    return current !== undefined && current.ordinal > st.ordinal && st.session.resumeInitial !== undefined;
  }

  // ---- sends and outcomes ----

  private onSend(e: Extract<HistoryEvent, { type: 'send' }>): void {
    const st = this.stream(e.stream, e.session);
    this.counts.sent++;
    bump(this.counts.sentByIntent, e.intent);
    st.pending.add({
      n: st.sends++,
      seq: e.seq,
      t: e.t,
      intent: e.intent,
      episodeId: e.episodeId,
      afterClose: st.closeSent !== undefined,
      settled: false,
    });
    this.probeWindow.sent(e.session, e.episodeId, e.seq);
    if (st.pending.size > this.maxPending) {
      const oldest = st.pending.takeOldest() as PendingSend;
      this.silentDrop(st, oldest, `still unanswered after ${this.maxPending} later sends on the stream`);
    }
  }

  private onAck(e: AckEvent): void {
    const st = this.stream(e.stream, e.session);
    if (st.sessionId !== undefined && e.sessionId !== st.sessionId) {
      this.counts.unexpectedAcks++;
      this.findings.add('unexpected-ack', {
        session: e.session,
        seq: e.seq.toString(),
        t: e.t,
        note: `${e.status} ack on stream ${st.id} carries session_id '${e.sessionId}', but the stream's session is '${st.sessionId}'`,
      });
    }
    if (e.status === 'INDEXED') {
      this.onIndexed(st, e);
      return;
    }
    if (e.status !== 'ACCEPTED' && e.status !== 'REJECTED') {
      this.counts.unexpectedAcks++;
      this.findings.add('unexpected-ack', {
        session: e.session,
        seq: e.seq.toString(),
        t: e.t,
        note: `ack with status ${e.status} on stream ${st.id}: only ACCEPTED, REJECTED and INDEXED are outcomes`,
      });
      return;
    }
    const p = st.pending.take(e.seq);
    if (!p) {
      this.onUnmatchedOutcome(st, e);
      return;
    }
    st.rememberSettled(e.seq, e.t);
    if (e.status === 'ACCEPTED') this.network.accepted(e.session, e.t);
    if (e.status === 'ACCEPTED') this.onAccepted(st, p, e);
    else this.onRejected(st, p, e);
  }

  private onUnmatchedOutcome(st: StreamState, e: AckEvent): void {
    const firstAt = st.settledAt(e.seq);
    if (firstAt !== undefined) {
      this.counts.duplicateOutcomes++;
      this.findings.add('duplicate-outcome', {
        session: e.session,
        seq: e.seq.toString(),
        t: e.t,
        note: `second outcome (${e.status}) on stream ${st.id}; the send had its outcome at ${ms(firstAt)}`,
      });
      return;
    }
    this.counts.unexpectedAcks++;
    this.findings.add('unexpected-ack', {
      session: e.session,
      seq: e.seq.toString(),
      t: e.t,
      note: `${e.status} on stream ${st.id} for sequence ${e.seq}, which has no unanswered send there`,
    });
  }

  private onAccepted(st: StreamState, p: PendingSend, e: AckEvent): void {
    const s = st.session;
    this.counts.accepted++;
    this.probeWindow.settled(s.key, p.episodeId, 'accepted', e.t);
    if (this.isFenced(st)) {
      const initial = s.resumeInitial as bigint;
      if (p.seq <= initial) return; // a late ack of what the resume already confirmed
      this.findings.add('resume-lost-data', {
        session: s.key,
        seq: p.seq.toString(),
        t: e.t,
        note: `stream ${st.id} ACCEPTED ${p.seq} after a resume reported initial_sequence ${initial}: the fenced stream kept accepting`,
      });
      return;
    }
    const next = s.lastAccepted + 1n;
    if (p.intent !== 'normal') {
      this.wrongOutcome(
        st,
        p,
        e,
        `a deliberate ${p.intent} send was ACCEPTED; expected ${intentReason(p.intent)}`,
      );
    } else if (p.afterClose) {
      this.wrongOutcome(st, p, e, 'ACCEPTED although sent after close; expected REJECTED SESSION_CLOSING');
    }
    if (p.seq > next && !this.presumeOvertaken(st, next, p.seq - 1n, p.n)) {
      this.findings.add('accepted-not-dense', {
        session: s.key,
        seq: p.seq.toString(),
        t: e.t,
        note: `ACCEPTED ${p.seq} on stream ${st.id} while the last accepted was ${s.lastAccepted}: ${range(next, p.seq - 1n)} skipped`,
      });
    } else if (p.seq < next) {
      this.findings.add('accepted-out-of-order', {
        session: s.key,
        seq: p.seq.toString(),
        t: e.t,
        note: `ACCEPTED ${p.seq} on stream ${st.id} after ${s.lastAccepted} had been accepted`,
      });
      return;
    }
    s.lastAccepted = p.seq;
    if (s.indexAcks && p.seq > s.indexedHigh && !s.backlog.push(p.seq, e.t)) this.counts.stalenessUntracked++;
  }

  private onRejected(st: StreamState, p: PendingSend, e: AckEvent): void {
    const s = st.session;
    this.counts.rejected++;
    bump(this.counts.rejectedByReason, e.reason || 'UNSPECIFIED');
    this.probeWindow.settled(s.key, p.episodeId, 'rejected');
    if (this.isFenced(st)) return;
    if (p.presumedAccepted) {
      this.findings.add('accepted-not-dense', {
        session: s.key,
        seq: p.seq.toString(),
        t: e.t,
        note: `ACCEPTED acks on stream ${st.id} had gone past ${p.seq}, whose own outcome then came: REJECTED ${e.reason || 'without a reason'}`,
      });
      return;
    }
    // The server's expected_sequence beyond the client's view: acks of sends still outstanding were overtaken.
    if (
      e.expectedSequence > s.lastAccepted + 1n &&
      this.presumeOvertaken(st, s.lastAccepted + 1n, e.expectedSequence - 1n, p.n)
    ) {
      s.lastAccepted = e.expectedSequence - 1n;
    }
    const next = s.lastAccepted + 1n;
    const sequenceReason = p.seq > next ? 'SEQUENCE_GAP' : p.seq < next ? 'DUPLICATE_SEQUENCE' : undefined;
    let allowed: string[];
    if (p.afterClose) allowed = ['SESSION_CLOSING'];
    else if (sequenceReason) allowed = [sequenceReason];
    else if (p.intent === 'invalid') allowed = ['INVALID_OBSERVATION'];
    else allowed = ['OVERLOADED', 'SPACE_FULL'];
    const got = e.reason || 'no reason';
    if (!allowed.includes(e.reason)) {
      const expected = sequenceReason
        ? `${sequenceReason} with expected_sequence ${next}`
        : allowed.join(' or ');
      this.wrongOutcome(
        st,
        p,
        e,
        `${p.intent} send of ${p.seq} (last accepted ${s.lastAccepted}) rejected as ${got}; expected ${expected}`,
      );
    } else if (sequenceReason && e.expectedSequence !== next) {
      this.wrongOutcome(
        st,
        p,
        e,
        `rejected as ${got} with expected_sequence ${e.expectedSequence}; the session's next sequence is ${next}`,
      );
    }
  }

  /**
   * Whether every sequence in from..to has an outstanding normal send on this stream,
   * sent before the send at position `before` whose response is now arriving: then the
   * server accepted them and their acks were overtaken (dropped or reordered, which
   * their own outcome or its absence will show), so the client's view moves on without
   * a density finding. The loop stops at the first sequence without such a send.
   */
  private presumeOvertaken(st: StreamState, from: bigint, to: bigint, before: number): boolean {
    const overtaken: PendingSend[] = [];
    for (let q = from; q <= to; q++) {
      const p = st.pending.firstNormal(q, before);
      if (!p) return false;
      overtaken.push(p);
    }
    for (const p of overtaken) p.presumedAccepted = true;
    return true;
  }

  private wrongOutcome(st: StreamState, p: PendingSend, e: AckEvent, note: string): void {
    this.findings.add('wrong-reject-reason', {
      session: st.session.key,
      seq: p.seq.toString(),
      t: e.t,
      note: `stream ${st.id}: ${note}`,
    });
  }

  private silentDrop(st: StreamState, p: PendingSend, why: string): void {
    this.counts.silentDrops++;
    this.findings.add('silent-drop', {
      session: st.session.key,
      seq: p.seq.toString(),
      t: p.t,
      note: `${p.intent} send of ${p.seq} on stream ${st.id} at ${ms(p.t)}: ${why}`,
    });
  }

  // ---- visibility ----

  private onIndexed(st: StreamState, e: AckEvent): void {
    const s = st.session;
    const mark = e.seq;
    this.counts.indexedAcks++;
    const previous = st === s.current && s.indexedHigh > st.lastMark ? s.indexedHigh : st.lastMark;
    if (mark < previous) {
      this.findings.add('indexed-backwards', {
        session: s.key,
        seq: mark.toString(),
        t: e.t,
        note: `INDEXED mark ${mark} on stream ${st.id} after the mark had reached ${previous}`,
      });
    }
    if (mark > s.lastAccepted && this.presumeOvertaken(st, s.lastAccepted + 1n, mark, st.sends)) {
      s.lastAccepted = mark;
    }
    if (mark > s.lastAccepted) {
      this.findings.add('indexed-ahead-of-accepted', {
        session: s.key,
        seq: mark.toString(),
        t: e.t,
        note: `INDEXED mark ${mark} on stream ${st.id} while the highest accepted sequence was ${s.lastAccepted}`,
      });
    }
    if (mark > st.lastMark) st.lastMark = mark;
    if (mark > s.indexedHigh) s.indexedHigh = mark;
    s.backlog.release(mark, (seq, acceptedT) => {
      this.counts.indexedCovered++;
      this.staleness.record('indexed', e.t - acceptedT, s.key, seq, e.t);
    });
  }

  private onProbe(e: ProbeEvent): void {
    this.counts.probes++;
    if (e.found) this.counts.probesFound++;
    const where = `episode ${e.episodeId} (seq ${e.seq})`;
    if (e.occurrences > 1) {
      this.findings.add('visible-twice', {
        session: e.session,
        seq: e.seq.toString(),
        t: e.foundAt ?? e.t,
        note: `${where} came back ${e.occurrences} times from one recall`,
      });
    }
    const record = this.probeWindow.get(e.session, e.episodeId);
    if (!record) {
      this.counts.probesUnmatched++;
      return;
    }
    if (record.state === 'accepted') {
      if (e.found && e.foundAt !== undefined && record.acceptedT !== undefined) {
        this.staleness.record('probe', e.foundAt - record.acceptedT, e.session, record.seq, e.foundAt);
      } else if (!e.found) {
        this.findings.add('lost-write', {
          session: e.session,
          seq: record.seq.toString(),
          t: e.t,
          note: `${where} was accepted but ${e.polls} recall polls, every ${e.pollIntervalMs} ms, never found it`,
        });
      }
    } else if (record.state === 'rejected' || record.state === 'not-received') {
      if (e.found) {
        this.findings.add('rejected-but-visible', {
          session: e.session,
          seq: record.seq.toString(),
          t: e.foundAt ?? e.t,
          note: `${where} was ${record.state} but recall found it${e.foundAt === undefined ? '' : ` at ${ms(e.foundAt)}`}`,
        });
      }
    } else {
      this.counts.probesUnsettled++;
    }
  }

  // ---- ends ----

  private onStreamEnd(e: StreamEndEvent): void {
    const st = this.stream(e.stream, e.session);
    const s = st.session;
    st.markEnded();
    s.streams.delete(st);
    const openT = this.network.openedAt(e.session, e.stream);
    this.network.streamEnded(e.session, e.stream, e.t, e.code);
    const fencedAbort =
      e.code === GRPC_ABORTED && s.lastResumeStream !== undefined && s.lastResumeStream.ordinal > st.ordinal;
    if (e.code !== 0 && !e.byClient && !fencedAbort && !this.options.isExpectedEnd?.(e)) {
      if (NetworkWindows.isNetworkCode(e.code) && openT !== undefined) {
        // A network fault may explain it; the fault's own event can arrive a little later.
        this.unexplainedEnds.push({ session: s.key, stream: st.id, openT, t: e.t, details: e.details });
      } else {
        this.streamError(s.key, st.id, e.t, e.code, e.details);
      }
    }
    const unanswered = st.pending.drain();
    if (e.code === 0) {
      for (const p of unanswered)
        this.silentDrop(st, p, `no outcome before the stream ended OK at ${ms(e.t)}`);
      if (st.closeSent?.drain) this.checkDrainedClose(st, e.t);
      return;
    }
    for (const p of unanswered) {
      if (this.isFenced(st)) {
        this.settleByResume(s, p, s.resumeInitial as bigint);
      } else {
        s.indeterminate.set(p.seq, p);
        this.probeWindow.settled(s.key, p.episodeId, 'indeterminate');
      }
    }
  }

  private streamError(session: SessionKey, stream: StreamId, t: number, code: number, details: string): void {
    this.counts.streamErrors++;
    this.findings.add('stream-error', {
      session,
      t,
      note: `stream ${stream} ended with gRPC status ${code}${details ? `: ${details}` : ''}`,
    });
  }

  /** UNAVAILABLE ends while a network fault was on the session's connection are the network's doing. */
  private judgeUnexplainedEnds(): void {
    for (const end of this.unexplainedEnds.splice(0)) {
      if (this.network.explains(end)) this.counts.networkEnds++;
      else this.streamError(end.session, end.stream, end.t, 14, end.details);
    }
  }

  /** After a drained close ends OK, the final INDEXED mark must cover everything accepted. */
  private checkDrainedClose(st: StreamState, t: number): void {
    const s = st.session;
    if (!s.indexAcks || s.indexedHigh >= s.lastAccepted) return;
    this.findings.add(
      'lost-write',
      {
        session: s.key,
        seq: (s.indexedHigh + 1n).toString(),
        t,
        note:
          `drained close on stream ${st.id} ended OK with the INDEXED mark at ${s.indexedHigh}, ` +
          `but ${range(s.indexedHigh + 1n, s.lastAccepted)} had been accepted`,
      },
      Number(s.lastAccepted - s.indexedHigh),
    );
  }

  private onEnd(): void {
    this.ended = true;
    for (const st of this.streams.values()) {
      const unanswered = st.pending.drain();
      if (st.isEnded) this.counts.indeterminate += unanswered.length;
      else for (const p of unanswered) this.silentDrop(st, p, 'still unanswered when the history ended');
    }
    for (const s of this.sessions.values()) this.counts.indeterminate += s.indeterminate.size;
  }

  private judgeStaleness(): void {
    const bound = this.options.stalenessBoundMs;
    if (bound === undefined) return;
    const over: string[] = [];
    for (const source of ['indexed', 'probe'] as const) {
      const p99 = this.staleness.p99Ms(source);
      if (p99 === undefined || p99 <= bound) continue;
      const how = source === 'indexed' ? 'from INDEXED acks' : 'from recall probes';
      over.push(`${p99.toFixed(1)} ms ${how} (${this.staleness.count(source)} samples)`);
      this.staleness.worstExamples(source).forEach((ex: FindingExample, i) => {
        this.findings.add('staleness-over-bound', ex, i === 0 ? 1 : 0);
      });
    }
    if (over.length === 0) return;
    this.findings.describe(
      'staleness-over-bound',
      `P99 staleness ${over.join(' and ')} exceeds the ${bound} ms bound: accepted observations must become ` +
        'visible within the bound, so index faster or push backpressure and admission sooner.',
    );
  }
}

function bump(counter: Record<string, number>, key: string): void {
  counter[key] = (counter[key] ?? 0) + 1;
}

function intentReason(intent: SendIntent): string {
  if (intent === 'gap') return 'REJECTED SEQUENCE_GAP';
  if (intent === 'duplicate') return 'REJECTED DUPLICATE_SEQUENCE';
  return 'REJECTED INVALID_OBSERVATION';
}

function range(from: bigint, to: bigint): string {
  return from === to ? `sequence ${from}` : `sequences ${from}..${to}`;
}

function ms(t: number): string {
  return `${t.toFixed(1)} ms`;
}
