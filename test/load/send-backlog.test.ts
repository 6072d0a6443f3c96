// The send backlog on its own, without a transport: what comes due, what is sent
// next (go-back-N), the window (AIMD), how outcomes settle it. A property test runs
// it against a model server that accepts in order, rejects OVERLOADED at random and
// answers anything out of order with SEQUENCE_GAP or DUPLICATE_SEQUENCE.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ProbeEpisode } from '../../src/load/driver/episode-pool.js';
import { type NextSend, SendBacklog } from '../../src/load/driver/send-backlog.js';
import { RejectReason } from '../../src/protocol/messages.js';
import type { PreEncodedEpisode } from '../../src/protocol/recorded-stream.js';

const NO_BYTES = new Uint8Array(0);

/** Episodes named after their sequence; every `probeEvery`-th sequence is probed. */
function episodesFor(probeEvery = 0) {
  let seq = 0;
  return {
    probe(s: number): ProbeEpisode | undefined {
      seq = s;
      if (probeEvery === 0 || s % probeEvery !== 0) return undefined;
      return { id: `p${s}`, bytes: NO_BYTES, embedding: new Float32Array(1) };
    },
    pooled: (): PreEncodedEpisode => ({ id: `e${seq}`, bytes: NO_BYTES }),
  };
}

function backlog(arrivals: number[], window: number, o: { lateBudgetMs?: number; probeEvery?: number } = {}) {
  const offered: number[] = [];
  const b = new SendBacklog({
    arrivals: arrivals[Symbol.iterator](),
    episodes: episodesFor(o.probeEvery),
    window,
    lateBudgetMs: o.lateBudgetMs ?? 1000,
    onOffered: (t) => offered.push(t),
  });
  return { b, offered };
}

/** Sends everything the window allows at `now`; a copy of each send. */
function sendAll(b: SendBacklog, now: number): NextSend[] {
  const out: NextSend[] = [];
  while (b.hasDue && !b.windowFull) out.push({ ...b.take(now) });
  return out;
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** A backlog of n arrivals (due at 1..n ms), all due and as many sent as the window allows. */
function sentBacklog(n: number, window: number): SendBacklog {
  const { b } = backlog(range(1, n), window);
  b.release(n);
  sendAll(b, n);
  return b;
}

describe('SendBacklog', () => {
  it('releases only the arrivals due by now, in order, each offered once', () => {
    const { b, offered } = backlog([0, 10, 20, 30], 8);
    b.release(15);
    expect(b.released).toBe(2);
    expect(offered).toEqual([0, 10]);
    expect(b.nextArrivalT).toBe(20);
    b.release(100);
    expect(offered).toEqual([0, 10, 20, 30]);
    expect(b.arrivalsDone).toBe(true);
    expect(b.finished).toBe(false); // due but not accepted
    const sent = sendAll(b, 100);
    expect(sent.map((s) => [s.seq, s.intendedT, s.episode.id])).toEqual([
      [1, 0, 'e1'],
      [2, 10, 'e2'],
      [3, 20, 'e3'],
      [4, 30, 'e4'],
    ]);
    for (const s of sent) expect(b.accept(s.seq, b.answered(s.seq))).toBeDefined();
    expect(b.finished).toBe(true);
  });

  it('holds sends beyond the window and says why a first send was late', () => {
    const { b } = backlog([0, 0, 0, 0, 0], 2, { lateBudgetMs: 5 });
    b.release(0);
    expect(sendAll(b, 0).map((s) => [s.seq, s.delay])).toEqual([
      [1, undefined],
      [2, undefined],
    ]);
    expect(b.windowFull).toBe(true);
    b.holdDueForWindow();
    b.accept(1, b.answered(1));
    expect(sendAll(b, 3).map((s) => [s.seq, s.delay])).toEqual([[3, 'window']]);
    const { b: d } = backlog([0, 0, 50], 8, { lateBudgetMs: 5 });
    d.release(0);
    d.deferDue();
    d.release(60);
    expect(sendAll(d, 60).map((s) => [s.seq, s.delay])).toEqual([
      [1, 'deferred'],
      [2, 'deferred'],
      [3, 'late'],
    ]);
  });

  it('OVERLOADED halves the window and rewinds to the rejected sequence; pipelined rejections behind it are not acted on', () => {
    const b = sentBacklog(20, 8);
    b.accept(1, b.answered(1));
    expect(b.reject(2, b.answered(2), RejectReason.OVERLOADED, 2)).toEqual({ kind: 'back-off' });
    expect(b.currentWindow).toBe(4);
    expect(b.resendFrom).toBe(2);
    // 3..8 were pipelined behind 2: their SEQUENCE_GAPs belong to the old round.
    for (const seq of range(3, 8)) {
      expect(b.reject(seq, b.answered(seq), RejectReason.SEQUENCE_GAP, 2)).toEqual({ kind: 'none' });
    }
    expect(b.resendFrom).toBe(2);
    const resent = sendAll(b, 21);
    expect(resent.map((s) => s.seq)).toEqual([2, 3, 4, 5]);
    expect(resent[0]).toMatchObject({ seq: 2, first: false, delay: undefined });
  });

  it('grows the window back by about one per window of ACCEPTED acks (AIMD), never beyond the configured one', () => {
    const b = sentBacklog(200, 8);
    b.reject(1, b.answered(1), RejectReason.OVERLOADED, 1);
    expect(b.currentWindow).toBe(4);
    for (const seq of range(2, 8)) b.reject(seq, b.answered(seq), RejectReason.SEQUENCE_GAP, 1);
    const windows: number[] = [];
    while (b.hasDue) {
      windows.push(b.currentWindow);
      for (const s of sendAll(b, 200)) b.accept(s.seq, b.answered(s.seq));
    }
    expect(windows[1]).toBeGreaterThan(4);
    expect(windows[1]).toBeLessThan(6);
    expect(b.currentWindow).toBe(8);
  });

  it('SEQUENCE_GAP resends from the expected sequence, or stops when the server contradicts its own acks', () => {
    const b = sentBacklog(10, 8);
    b.accept(1, b.answered(1));
    expect(b.reject(2, b.answered(2), RejectReason.SEQUENCE_GAP, 2)).toEqual({ kind: 'resend' });
    expect(b.resendFrom).toBe(2);
    const { b: c } = backlog([0, 0, 0], 8);
    c.release(0);
    sendAll(c, 0);
    c.accept(1, c.answered(1));
    expect(c.reject(2, c.answered(2), RejectReason.SEQUENCE_GAP, 1)).toEqual({
      kind: 'stop',
      why: 'observation 2 rejected SEQUENCE_GAP with expected sequence 1, but 1 was the last ACCEPTED and 3 the last due',
    });
  });

  it('DUPLICATE_SEQUENCE with a later expected sequence settles what the server holds (its acks were lost)', () => {
    const b = sentBacklog(10, 16);
    expect(b.reject(1, b.answered(1), RejectReason.DUPLICATE_SEQUENCE, 5)).toEqual({ kind: 'resend' });
    expect(b.acceptedThrough).toBe(4);
    expect(b.resendFrom).toBe(5);
    expect(sendAll(b, 11)[0]?.seq).toBe(5);
    // An ACCEPTED ack for a settled sequence, or one no send of ours answers, settles nothing.
    expect(b.accept(3, b.answered(3))).toBeUndefined();
    expect(b.accept(7, undefined)).toBeUndefined();
  });

  it('an invalid observation or a full space stops the session: retrying cannot help', () => {
    const { b } = backlog([0], 1);
    b.release(0);
    sendAll(b, 0);
    expect(b.reject(1, b.answered(1), RejectReason.SPACE_FULL, 1)).toEqual({
      kind: 'stop',
      why: 'observation 1 rejected with SPACE_FULL',
    });
  });

  it('injected gaps and duplicates are answered without touching the schedule', () => {
    const { b } = backlog([0, 0], 4);
    b.release(0);
    sendAll(b, 0);
    b.injected(9, 'gap', 1);
    b.accept(1, b.answered(1));
    b.accept(2, b.answered(2));
    expect(b.reject(9, b.answered(9), RejectReason.SEQUENCE_GAP, 3)).toEqual({ kind: 'none' });
    expect(b.finished).toBe(true);
  });

  it('a resume settles everything up to initial_sequence and resends the rest; an impossible one is refused', () => {
    const b = sentBacklog(6, 8);
    b.accept(1, b.answered(1));
    expect(b.resumedAt(3)).toBe(2);
    expect(b.inFlight).toBe(0);
    expect(b.acceptedThrough).toBe(3);
    expect(sendAll(b, 7).map((s) => [s.seq, s.first])).toEqual([
      [4, false],
      [5, false],
      [6, false],
    ]);
    expect(b.resumedAt(2)).toEqual({
      why: 'resume answered initial_sequence 2, outside 3 (last ACCEPTED) to 6 (last sent)',
    });
  });

  it('counts the arrivals a failed session will never offer; an aborted one just ends', () => {
    const { b } = backlog([0, 10, 20, 30], 8);
    b.release(10);
    expect(b.dropArrivals()).toBe(2);
    expect(b.arrivalsDone).toBe(true);
    const { b: aborted, offered } = backlog([0, 10, 20], 8);
    aborted.endArrivals();
    aborted.release(100);
    expect(offered).toEqual([]);
  });

  it('keeps intended times and episodes right while accepted entries are dropped in chunks', () => {
    const n = 20_000;
    const { b } = backlog(range(1, n), 64, { probeEvery: 1000 });
    b.release(n);
    const probes: string[] = [];
    for (;;) {
      const sent = sendAll(b, n);
      if (sent.length === 0) break;
      for (const s of sent) {
        expect(s.intendedT).toBe(s.seq);
        expect(s.episode.id).toBe(s.seq % 1000 === 0 ? `p${s.seq}` : `e${s.seq}`);
        const settled = b.accept(s.seq, b.answered(s.seq));
        expect(settled?.intendedT).toBe(s.seq);
        if (settled?.probe) probes.push(settled.probe.id);
      }
    }
    expect(b.finished).toBe(true);
    expect(probes).toEqual(range(1, n / 1000).map((k) => `p${k * 1000}`));
  });
});

/** A server that takes sequences in order: the outcome of every message it reads. */
function modelServer(overloads: boolean[]) {
  let expected = 1;
  let draw = 0;
  const accepted: number[] = [];
  return {
    accepted,
    answer(seq: number): { status: 'ACCEPTED' } | { status: 'REJECTED'; reason: number; expected: number } {
      if (seq > expected) return { status: 'REJECTED', reason: RejectReason.SEQUENCE_GAP, expected };
      if (seq < expected) return { status: 'REJECTED', reason: RejectReason.DUPLICATE_SEQUENCE, expected };
      if (overloads[draw++ % overloads.length] && draw < overloads.length * 4)
        return { status: 'REJECTED', reason: RejectReason.OVERLOADED, expected };
      accepted.push(seq);
      expected++;
      return { status: 'ACCEPTED' };
    },
  };
}

describe('SendBacklog against a model server (property)', () => {
  it('sends every sequence first in order, resends only from the go-back-N point, never exceeds the window, and settles everything', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 120 }),
        fc.integer({ min: 1, max: 16 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 30 }),
        fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 30 }),
        (gaps, window, overloads, reads) => {
          const arrivals: number[] = [];
          let t = 0;
          for (const g of gaps) {
            t += g;
            arrivals.push(t);
          }
          const n = arrivals.length;
          const { b } = backlog(arrivals, window, { probeEvery: 7 });
          const server = modelServer(overloads);
          const wire: number[] = [];
          const firstSends: number[] = [];
          const probed: string[] = [];
          let lastSent = 0;
          let rewoundTo: number | undefined;
          let now = 0;
          for (let step = 0; !b.finished; step++) {
            expect(step).toBeLessThan(100_000);
            b.release(now);
            while (b.hasDue && !b.windowFull) {
              expect(b.currentWindow).toBeLessThanOrEqual(window);
              const s = b.take(now);
              expect(b.inFlight).toBeLessThanOrEqual(window);
              expect(s.intendedT).toBe(arrivals[s.seq - 1]);
              expect(s.seq).toBeGreaterThan(b.acceptedThrough);
              // Contiguous, or from the go-back-N point a rejection rewound to since the last send.
              expect(s.seq).toBe(rewoundTo ?? lastSent + 1);
              rewoundTo = undefined;
              lastSent = s.seq;
              if (s.first) firstSends.push(s.seq);
              else expect(s.seq).toBeLessThanOrEqual(Math.max(...firstSends));
              wire.push(s.seq);
            }
            // The server reads a few messages; each is answered in order.
            const count = Math.min(wire.length, Math.max(1, reads[step % reads.length] as number));
            for (const seq of wire.splice(0, count)) {
              const tx = b.answered(seq);
              expect(tx).toBeDefined(); // every answer finds its send: nothing left without an outcome
              const a = server.answer(seq);
              if (a.status === 'ACCEPTED') {
                const settled = b.accept(seq, tx);
                expect(settled?.intendedT).toBe(arrivals[seq - 1]);
                if (settled?.probe) probed.push(settled.probe.id);
              } else {
                const action = b.reject(seq, tx, a.reason, a.expected);
                expect(action.kind).not.toBe('stop');
                if (action.kind !== 'none') rewoundTo = b.resendFrom;
              }
            }
            now += 1;
          }
          expect(firstSends).toEqual(range(1, n));
          expect(server.accepted).toEqual(range(1, n));
          expect(b.acceptedThrough).toBe(n);
          expect(b.inFlight).toBe(0);
          expect(probed).toEqual(
            range(1, n)
              .filter((s) => s % 7 === 0)
              .map((s) => `p${s}`),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
