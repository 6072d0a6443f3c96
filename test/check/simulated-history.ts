// Valid histories for the checker's property test: a correct server and a
// go-back-N client simulated step by step, with in-order channels between them,
// cuts and resumes, fencing, deliberate gaps, duplicates and invalid sends, and
// admission rejections. A script of random steps drives it; whatever the script,
// the history must produce no finding.
import type { HistoryEvent, SendIntent, SessionKey, StreamId } from '../../src/history/history.js';

export interface Step {
  session: number;
  op: number;
  arg: number;
}

interface Request {
  seq: bigint;
  intent: SendIntent;
  episodeId: string;
}

type Response =
  | { kind: 'ack'; seq: bigint; status: 'ACCEPTED' | 'REJECTED'; reason: string; expected: bigint }
  | { kind: 'indexed'; mark: bigint }
  | { kind: 'status' };

const WINDOW = 8n;

/** Step kinds, weighted by repetition: mostly sends, serving and receiving. */
const OPS = [
  ...Array<'send'>(6).fill('send'),
  'gap',
  'duplicate',
  'invalid',
  ...Array<'serve'>(4).fill('serve'),
  ...Array<'receive'>(4).fill('receive'),
  'index',
  'index',
  'overload',
  'resume',
  'status',
] as const;
export const STEP_KINDS = OPS.length;

class SimSession {
  // server side
  serverAccepted = 0n;
  serverIndexed = 0n;
  overloadNext = false;
  // channels of the current stream, in order
  toServer: Request[] = [];
  toClient: Response[] = [];
  // client side
  stream: StreamId;
  lastAccepted = 0n;
  nextToSend = 1n;
  serial = 0;
  readonly duplicates: string[] = [];

  constructor(
    readonly key: SessionKey,
    readonly indexAcks: boolean,
    stream: StreamId,
  ) {
    this.stream = stream;
  }
}

export class HistorySimulation {
  readonly events: HistoryEvent[] = [];
  private t = 0;
  private nextStream = 1;
  private readonly sessions: SimSession[];

  constructor(indexAcks: boolean[]) {
    this.sessions = indexAcks.map((ia, i) => {
      const s = new SimSession(`s${i}`, ia, this.nextStream++);
      this.open(s, false);
      return s;
    });
  }

  run(steps: readonly Step[]): HistoryEvent[] {
    for (const step of steps) this.step(step);
    for (const s of this.sessions) this.finish(s);
    for (const s of this.sessions) this.probe(s);
    this.emit({ type: 'end' });
    return this.events;
  }

  private step({ session, op, arg }: Step): void {
    const s = this.sessions[session % this.sessions.length] as SimSession;
    switch (OPS[op % OPS.length]) {
      case 'send':
        if (s.nextToSend - s.lastAccepted <= WINDOW) this.send(s, s.nextToSend++, 'normal');
        return;
      case 'gap':
        this.send(s, s.nextToSend + 1n + BigInt(arg % 3), 'gap');
        return;
      case 'duplicate':
        if (s.lastAccepted > 0n) this.send(s, 1n + (BigInt(arg) % s.lastAccepted), 'duplicate');
        return;
      case 'invalid':
        this.send(s, s.nextToSend, 'invalid');
        return;
      case 'serve':
        this.serve(s);
        return;
      case 'receive':
        this.receive(s);
        return;
      case 'index':
        this.index(s);
        return;
      case 'overload':
        s.overloadNext = true;
        return;
      case 'resume':
        if (arg % 2 === 0) this.cutAndResume(s, arg);
        else this.fenceByResume(s, arg);
        return;
      default:
        s.toClient.push({ kind: 'status' });
    }
  }

  private open(s: SimSession, resume: boolean): void {
    this.emit({ type: 'stream-open', stream: s.stream, session: s.key });
    this.emit({
      type: 'init-sent',
      stream: s.stream,
      session: s.key,
      memorySpaceId: 'space_1',
      sessionId: resume ? s.key : '',
      resume,
      claimedSequence: s.lastAccepted,
      indexAcks: s.indexAcks,
    });
    if (!resume) this.initAck(s);
  }

  private initAck(s: SimSession): void {
    this.emit({
      type: 'init-ack',
      stream: s.stream,
      session: s.key,
      sessionId: s.key,
      initialSequence: s.serverAccepted,
    });
    s.lastAccepted = s.serverAccepted;
    s.nextToSend = s.serverAccepted + 1n;
  }

  private send(s: SimSession, seq: bigint, intent: SendIntent): void {
    const episodeId = intent === 'normal' ? `${s.key}-${seq}` : `${s.key}-${intent}-${s.serial++}`;
    if (intent === 'duplicate') s.duplicates.push(episodeId);
    s.toServer.push({ seq, intent, episodeId });
    this.emit({
      type: 'send',
      stream: s.stream,
      session: s.key,
      seq,
      intent,
      intendedT: this.t + 1,
      episodeId,
    });
  }

  /** The correct server: closing, sequence, validity, admission, in that order. */
  private serve(s: SimSession): void {
    const r = s.toServer.shift();
    if (!r) return;
    const expected = s.serverAccepted + 1n;
    const reject = (reason: string) =>
      s.toClient.push({ kind: 'ack', seq: r.seq, status: 'REJECTED', reason, expected });
    if (r.seq > expected) reject('SEQUENCE_GAP');
    else if (r.seq < expected) reject('DUPLICATE_SEQUENCE');
    else if (r.intent === 'invalid') reject('INVALID_OBSERVATION');
    else if (s.overloadNext) {
      s.overloadNext = false;
      reject('OVERLOADED');
    } else {
      s.serverAccepted = r.seq;
      s.toClient.push({ kind: 'ack', seq: r.seq, status: 'ACCEPTED', reason: '', expected: 0n });
    }
  }

  private index(s: SimSession): void {
    if (s.serverAccepted <= s.serverIndexed) return;
    s.serverIndexed = s.serverAccepted;
    if (s.indexAcks) s.toClient.push({ kind: 'indexed', mark: s.serverIndexed });
  }

  /** The go-back-N client: an OVERLOADED rejection of the next expected sequence rewinds to it. */
  private receive(s: SimSession, stream = s.stream, react = true): void {
    const r = s.toClient.shift();
    if (!r) return;
    const base = { stream, session: s.key, retryAfterMs: 0, sessionId: s.key };
    if (r.kind === 'status') {
      this.emit({
        type: 'status',
        stream,
        session: s.key,
        state: 'ACTIVE',
        queueDepth: 0,
        queueCapacity: 100,
        pressure: 0,
        retryAfterMs: 0,
        lastAcceptedSequence: s.serverAccepted,
        indexedThroughSequence: s.serverIndexed,
        message: '',
      });
    } else if (r.kind === 'indexed') {
      this.emit({ type: 'ack', ...base, seq: r.mark, status: 'INDEXED', reason: '', expectedSequence: 0n });
    } else {
      this.emit({
        type: 'ack',
        ...base,
        seq: r.seq,
        status: r.status,
        reason: r.reason,
        expectedSequence: r.expected,
      });
      if (!react) return;
      if (r.status === 'ACCEPTED') s.lastAccepted = r.seq;
      else if (r.reason === 'OVERLOADED' && r.seq === s.lastAccepted + 1n) s.nextToSend = r.seq;
    }
  }

  /** The client cuts its stream; the server got some of what was in flight; the client resumes. */
  private cutAndResume(s: SimSession, arg: number): void {
    this.emit({
      type: 'stream-end',
      stream: s.stream,
      session: s.key,
      code: 1,
      details: 'cut',
      byClient: true,
    });
    this.serveSomeThenDrop(s, arg);
    s.toClient = [];
    s.stream = this.nextStream++;
    this.open(s, true);
    this.initAck(s);
  }

  /** A resume on a new stream while the old one is open: the server fences the old one with ABORTED. */
  private fenceByResume(s: SimSession, arg: number): void {
    const old = s.stream;
    s.stream = this.nextStream++;
    this.open(s, true);
    this.serveSomeThenDrop(s, arg);
    // Some responses of the old stream arrive before the init-ack, some after.
    const before = arg % (s.toClient.length + 1);
    for (let i = 0; i < before; i++) this.receive(s, old);
    const late = s.toClient;
    s.toClient = [];
    this.initAck(s);
    s.toClient = late;
    while (s.toClient.length > 0) this.receive(s, old, false);
    this.emit({
      type: 'stream-end',
      stream: old,
      session: s.key,
      code: 10,
      details: 'fenced',
      byClient: false,
    });
  }

  private serveSomeThenDrop(s: SimSession, arg: number): void {
    const received = arg % (s.toServer.length + 1);
    for (let i = 0; i < received; i++) this.serve(s);
    s.toServer = [];
  }

  /** Everything in flight is answered, then a drained close. */
  private finish(s: SimSession): void {
    while (s.toServer.length > 0 || s.toClient.length > 0) {
      this.serve(s);
      this.receive(s);
    }
    this.emit({
      type: 'close-sent',
      stream: s.stream,
      session: s.key,
      drain: true,
      lastSequence: s.lastAccepted,
    });
    this.index(s);
    if (s.indexAcks && s.serverIndexed > 0n) s.toClient.push({ kind: 'indexed', mark: s.serverIndexed });
    while (s.toClient.length > 0) this.receive(s);
    this.emit({
      type: 'stream-end',
      stream: s.stream,
      session: s.key,
      code: 0,
      details: '',
      byClient: false,
    });
  }

  /** Read your own writes: every accepted one is found once, rejected duplicates never. */
  private probe(s: SimSession): void {
    const base = { type: 'probe' as const, session: s.key, polls: 1, pollIntervalMs: 5 };
    for (let seq = 1n; seq <= s.serverAccepted; seq++) {
      this.emit({
        ...base,
        seq,
        episodeId: `${s.key}-${seq}`,
        found: true,
        foundAt: this.t + 1,
        occurrences: 1,
      });
    }
    for (const episodeId of s.duplicates) {
      this.emit({ ...base, seq: 0n, episodeId, found: false, occurrences: 0 });
    }
  }

  private emit(e: DistributiveOmit<HistoryEvent, 't'>): void {
    this.t += 1;
    this.events.push({ ...e, t: this.t } as HistoryEvent);
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
