import { describe, expect, it } from 'vitest';
import { HistoryBuilder, kinds } from './history-builder.js';

describe('checker: good histories', () => {
  it('accepts the happy path with a drained close and measures staleness', () => {
    const h = new HistoryBuilder().open(1, 's1');
    h.send(1, 1n).send(1, 2n).send(1, 3n).accept(1, 1n).accept(1, 2n).accept(1, 3n);
    h.at(20).indexed(1, 3n).close(1, true, 3n).indexed(1, 3n).end(1, 0);
    const r = h.check({ stalenessBoundMs: 100 });
    expect(r.findings).toEqual([]);
    expect(r.counts).toMatchObject({
      sent: 3,
      accepted: 3,
      indexedAcks: 2,
      indexedCovered: 3,
      silentDrops: 0,
    });
    expect(r.staleness.totalCount).toBe(3);
    // Events are 1 ms apart from t=1: ACCEPTED 3 came at t=9, its covering INDEXED at t=20.
    expect(r.staleness.minNonZeroValue).toBe(11_000);
  });

  it('treats go-back-N retries after OVERLOADED and the gaps behind it as one send each', () => {
    const h = new HistoryBuilder().open(1, 's1');
    h.send(1, 1n).send(1, 2n).send(1, 3n);
    h.reject(1, 1n, 'OVERLOADED', 1n).reject(1, 2n, 'SEQUENCE_GAP', 1n).reject(1, 3n, 'SEQUENCE_GAP', 1n);
    h.send(1, 1n).send(1, 2n).send(1, 3n).accept(1, 1n).accept(1, 2n).accept(1, 3n).end(1, 0);
    const r = h.check();
    expect(r.findings).toEqual([]);
    expect(r.counts.rejectedByReason).toEqual({ OVERLOADED: 1, SEQUENCE_GAP: 2 });
  });

  it('accepts deliberate gaps, duplicates and invalid sends rejected with the right reason', () => {
    const h = new HistoryBuilder().open(1, 's1').send(1, 1n).accept(1, 1n);
    h.send(1, 5n, 'gap', 'g').reject(1, 5n, 'SEQUENCE_GAP', 2n);
    h.send(1, 1n, 'duplicate', 'd').reject(1, 1n, 'DUPLICATE_SEQUENCE', 2n);
    h.send(1, 2n, 'invalid', 'i').reject(1, 2n, 'INVALID_OBSERVATION');
    h.close(1, false, 1n).send(1, 2n).reject(1, 2n, 'SESSION_CLOSING').end(1, 0);
    expect(h.check().findings).toEqual([]);
  });

  it('settles sends lost with a cut stream by the resume, and continues after initial_sequence', () => {
    const h = new HistoryBuilder().open(1, 's1').send(1, 1n).accept(1, 1n);
    h.send(1, 2n).send(1, 3n).end(1, 1, true);
    h.open(2, 's1', { resume: true, claimed: 1n, initial: 2n });
    h.send(2, 3n).accept(2, 3n).indexed(2, 3n).close(2, true, 3n).indexed(2, 3n).end(2, 0);
    const r = h.check();
    expect(r.findings).toEqual([]);
    expect(r.counts).toMatchObject({ acceptedAckLost: 1, notReceived: 1, indeterminate: 0, resumes: 1 });
  });

  it('leaves sends of a broken stream indeterminate when no resume settles them', () => {
    const h = new HistoryBuilder().open(1, 's1').send(1, 1n).end(1, 14, false, 'connection reset');
    const r = h.check({ isExpectedEnd: (e) => e.code === 14 });
    expect(r.findings).toEqual([]);
    expect(r.counts.indeterminate).toBe(1);
  });

  it('expects ABORTED on a stream fenced by a resume, and late acks it already confirmed', () => {
    const h = new HistoryBuilder().open(1, 's1').send(1, 1n).send(1, 2n).accept(1, 1n);
    h.open(2, 's1', { resume: true, claimed: 1n, initial: 2n });
    h.accept(1, 2n).end(1, 10, false, 'fenced by a newer stream');
    h.send(2, 3n).accept(2, 3n).end(2, 0);
    expect(h.check().findings).toEqual([]);
  });

  it('judges probes: found accepted gives a staleness sample, rejected not found is fine', () => {
    const h = new HistoryBuilder().open(1, 's1', { indexAcks: false }).send(1, 1n).accept(1, 1n);
    h.send(1, 1n, 'duplicate', 'dup').reject(1, 1n, 'DUPLICATE_SEQUENCE', 2n).end(1, 0);
    h.probe('s1', 1n, true, { foundAt: 30 }).probe('s1', 1n, false, { episodeId: 'dup' });
    const samples: number[] = [];
    const r = h.check({
      onStaleness: (ms, _s, _q, _t, source) => samples.push(source === 'probe' ? ms : -1),
    });
    expect(r.findings).toEqual([]);
    // ACCEPTED 1 came at t=5 (after stream-open, init-sent, init-ack, send).
    expect(samples).toEqual([30 - 5]);
    expect(r.stalenessProbe.totalCount).toBe(1);
  });
});

describe('checker: limits and large numbers', () => {
  it('keeps sequences past 2^53 exact across a resume', () => {
    const big = 2n ** 64n - 3n;
    const h = new HistoryBuilder()
      .open(1, 's1', { initial: big })
      .send(1, big + 1n)
      .accept(1, big + 1n);
    h.send(1, big + 2n).end(1, 1, true);
    h.open(2, 's1', { resume: true, claimed: big + 1n, initial: big + 2n })
      .indexed(2, big + 2n)
      .end(2, 0);
    const r = h.check();
    expect(r.findings).toEqual([]);
    expect(r.counts.acceptedAckLost).toBe(1);
  });

  it('counts probes of sends that fell out of the probe window instead of judging them', () => {
    const h = new HistoryBuilder().open(1, 's1', { indexAcks: false });
    for (let s = 1n; s <= 3n; s++) h.send(1, s).accept(1, s);
    h.end(1, 0).probe('s1', 1n, false).probe('s1', 3n, true);
    const r = h.check({ probeWindow: 2 });
    expect(r.findings).toEqual([]);
    expect(r.counts).toMatchObject({ probes: 2, probesUnmatched: 1, probesFound: 1 });
  });

  it('counts accepted observations beyond the staleness backlog as untracked', () => {
    const h = new HistoryBuilder().open(1, 's1').happy(1, 1n, 5n).end(1, 0);
    const r = h.check({ maxStalenessBacklog: 2 });
    expect(r.counts.stalenessUntracked).toBe(3);
    expect(r.staleness.totalCount).toBe(2);
  });
});

describe('checker: bad histories, one per finding kind', () => {
  it('silent-drop: a send without outcome on a stream that ended OK or stayed open', () => {
    const h = new HistoryBuilder().open(1, 's1').send(1, 1n).send(1, 2n).accept(1, 1n).end(1, 0);
    h.open(2, 's2').send(2, 1n);
    const r = h.check();
    expect(kinds(r)).toEqual(['silent-drop']);
    expect(r.findings[0]?.count).toBe(2);
    expect(r.findings[0]?.examples.map((e) => [e.session, e.seq])).toEqual([
      ['s1', '2'],
      ['s2', '1'],
    ]);
  });

  it('silent-drop: a stream too far ahead of its oldest unanswered send', () => {
    const h = new HistoryBuilder().open(1, 's1').send(1, 1n).send(1, 2n).send(1, 3n);
    h.accept(1, 2n);
    const r = h.check({ maxPendingPerStream: 2 });
    expect(r.counts.silentDrops).toBeGreaterThanOrEqual(1);
    expect(r.findings.find((f) => f.kind === 'silent-drop')?.examples[0]?.seq).toBe('1');
  });

  it('unexpected-ack: an ack for a sequence never sent on that stream', () => {
    const h = new HistoryBuilder().open(1, 's1').send(1, 1n).accept(1, 1n).accept(1, 7n).end(1, 0);
    const r = h.check();
    expect(kinds(r)).toContain('unexpected-ack');
    expect(r.counts.unexpectedAcks).toBe(1);
  });

  it("unexpected-ack: an ack that does not carry the stream's session id", () => {
    const h = new HistoryBuilder().open(1, 's1').send(1, 1n).ack(1, 1n, 'ACCEPTED', '', 0n, 'other');
    const r = h.end(1, 0).check();
    expect(kinds(r)).toEqual(['unexpected-ack']);
    expect(r.findings[0]?.examples[0]?.note).toBe(
      "ACCEPTED ack on stream 1 carries session_id 'other', but the stream's session is 's1'",
    );
  });

  it('duplicate-outcome: a second outcome for one send', () => {
    const h = new HistoryBuilder().open(1, 's1').send(1, 1n).accept(1, 1n).reject(1, 1n, 'OVERLOADED');
    const r = h.check();
    expect(kinds(r)).toEqual(['duplicate-outcome']);
  });

  it('accepted-not-dense and wrong-reject-reason: a deliberate gap accepted (accept-gap)', () => {
    const h = new HistoryBuilder().open(1, 's1').send(1, 1n).accept(1, 1n);
    // 2 is sent after the gap, so ACCEPTED 3 cannot have overtaken its ack.
    h.send(1, 3n, 'gap').send(1, 2n).accept(1, 3n).reject(1, 2n, 'DUPLICATE_SEQUENCE', 4n).end(1, 0);
    const r = h.check();
    expect(kinds(r)).toEqual(['accepted-not-dense', 'wrong-reject-reason']);
    expect(r.findings[0]?.examples[0]?.note).toContain('sequence 2 skipped');
  });

  it('accepted-out-of-order: acks reordered (reorder-acks)', () => {
    const h = new HistoryBuilder().open(1, 's1').send(1, 1n).send(1, 2n).send(1, 3n);
    h.accept(1, 1n).accept(1, 3n).accept(1, 2n).end(1, 0);
    const r = h.check();
    expect(kinds(r)).toEqual(['accepted-out-of-order']);
    expect(r.findings[0]?.examples[0]?.note).toBe('ACCEPTED 2 on stream 1 after 3 had been accepted');
  });

  it('silent-drop only, when later responses show the server accepted the unanswered sends', () => {
    const h = new HistoryBuilder().open(1, 's1').send(1, 1n).send(1, 2n).send(1, 3n);
    h.send(1, 9n, 'gap', 'g').send(1, 4n).send(1, 5n).send(1, 6n);
    // 2 and 3 overtaken by an expected_sequence of 4, 5 by ACCEPTED 6, 7 by an INDEXED mark.
    h.accept(1, 1n).reject(1, 9n, 'SEQUENCE_GAP', 4n).accept(1, 4n).accept(1, 6n);
    h.send(1, 7n).indexed(1, 7n).end(1, 0);
    const r = h.check();
    expect(kinds(r)).toEqual(['silent-drop']);
    expect(r.findings[0]?.examples.map((e) => e.seq)).toEqual(['2', '3', '5', '7']);
  });

  it('accepted-not-dense: an overtaken send whose own outcome is then a rejection', () => {
    const h = new HistoryBuilder().open(1, 's1').send(1, 1n).send(1, 2n).send(1, 3n);
    h.accept(1, 1n).accept(1, 3n).reject(1, 2n, 'DUPLICATE_SEQUENCE', 4n).end(1, 0);
    const r = h.check();
    expect(kinds(r)).toEqual(['accepted-not-dense']);
    expect(r.findings[0]?.examples[0]?.note).toContain(
      'whose own outcome then came: REJECTED DUPLICATE_SEQUENCE',
    );
  });

  it('accepted-out-of-order: a deliberate duplicate accepted (index-twice)', () => {
    const h = new HistoryBuilder().open(1, 's1').send(1, 1n).accept(1, 1n);
    h.send(1, 1n, 'duplicate', 'e1').accept(1, 1n).end(1, 0);
    h.probe('s1', 1n, true, { occurrences: 2 });
    expect(kinds(h.check())).toEqual(['accepted-out-of-order', 'wrong-reject-reason', 'visible-twice']);
  });

  it('wrong-reject-reason: a gap with the wrong expected_sequence', () => {
    const h = new HistoryBuilder().open(1, 's1').send(1, 1n).accept(1, 1n);
    h.send(1, 4n, 'gap').reject(1, 4n, 'SEQUENCE_GAP', 3n).end(1, 0);
    const r = h.check();
    expect(kinds(r)).toEqual(['wrong-reject-reason']);
    expect(r.findings[0]?.examples[0]?.note).toContain("the session's next sequence is 2");
  });

  it('wrong-reject-reason: a retry of a rejected sequence called a duplicate (consume-rejected-seq)', () => {
    const h = new HistoryBuilder().open(1, 's1').send(1, 1n).accept(1, 1n);
    h.send(1, 2n, 'invalid').reject(1, 2n, 'INVALID_OBSERVATION');
    h.send(1, 2n).reject(1, 2n, 'DUPLICATE_SEQUENCE', 3n).end(1, 0);
    const r = h.check();
    expect(kinds(r)).toEqual(['wrong-reject-reason']);
    expect(r.findings[0]?.examples[0]?.note).toContain('expected OVERLOADED or SPACE_FULL');
  });

  it('wrong-reject-reason: a deliberate duplicate rejected as a gap', () => {
    const h = new HistoryBuilder().open(1, 's1').send(1, 1n).accept(1, 1n);
    h.send(1, 1n, 'duplicate', 'd').reject(1, 1n, 'SEQUENCE_GAP', 2n).end(1, 0);
    expect(kinds(h.check())).toEqual(['wrong-reject-reason']);
  });

  it('rejected-but-visible: recall finds a rejected observation', () => {
    const h = new HistoryBuilder().open(1, 's1').send(1, 1n).accept(1, 1n);
    h.send(1, 1n, 'duplicate', 'dup').reject(1, 1n, 'DUPLICATE_SEQUENCE', 2n).end(1, 0);
    h.probe('s1', 1n, true, { episodeId: 'dup' });
    expect(kinds(h.check())).toEqual(['rejected-but-visible']);
  });

  it('visible-twice: recall returns one episode twice', () => {
    const h = new HistoryBuilder().open(1, 's1').send(1, 1n).accept(1, 1n).end(1, 0);
    h.probe('s1', 1n, true, { occurrences: 2 });
    expect(kinds(h.check())).toEqual(['visible-twice']);
  });

  it('lost-write: a drained close whose final INDEXED mark does not cover all accepted (no-drain-on-close)', () => {
    const h = new HistoryBuilder().open(1, 's1');
    for (let s = 1n; s <= 4n; s++) h.send(1, s).accept(1, s);
    h.indexed(1, 1n).close(1, true, 4n).end(1, 0);
    const r = h.check();
    expect(kinds(r)).toEqual(['lost-write']);
    expect(r.findings[0]?.count).toBe(3);
    expect(r.findings[0]?.examples[0]?.note).toContain('sequences 2..4');
  });

  it('lost-write: a probe never finds an accepted observation', () => {
    const h = new HistoryBuilder().open(1, 's1', { indexAcks: false }).send(1, 1n).accept(1, 1n).end(1, 0);
    h.probe('s1', 1n, false);
    expect(kinds(h.check())).toEqual(['lost-write']);
  });

  it('indexed-backwards: the cumulative mark decreases', () => {
    const h = new HistoryBuilder().open(1, 's1').happy(1, 1n, 3n).indexed(1, 2n).end(1, 0);
    expect(kinds(h.check())).toEqual(['indexed-backwards']);
  });

  it('indexed-ahead-of-accepted: a mark beyond the last accepted sequence', () => {
    const h = new HistoryBuilder().open(1, 's1').send(1, 1n).accept(1, 1n).indexed(1, 2n).end(1, 0);
    expect(kinds(h.check())).toEqual(['indexed-ahead-of-accepted']);
  });

  it('resume-lost-data: initial_sequence below what the client saw accepted', () => {
    const h = new HistoryBuilder().open(1, 's1').send(1, 1n).send(1, 2n).accept(1, 1n).accept(1, 2n);
    h.end(1, 1, true).open(2, 's1', { resume: true, claimed: 2n, initial: 1n });
    const r = h.check();
    expect(kinds(r)).toEqual(['resume-lost-data']);
    expect(r.findings[0]?.examples[0]?.note).toContain('below 2');
  });

  it('resume-lost-data: initial_sequence above anything outstanding (lose-on-resume)', () => {
    const h = new HistoryBuilder().open(1, 's1').send(1, 1n).send(1, 2n).accept(1, 1n);
    h.end(1, 1, true).open(2, 's1', { resume: true, claimed: 1n, initial: 3n });
    const r = h.check();
    expect(kinds(r)).toEqual(['resume-lost-data']);
    expect(r.findings[0]?.examples[0]?.seq).toBe('3');
  });

  it('resume-lost-data: a fenced stream keeps accepting after the resume', () => {
    const h = new HistoryBuilder().open(1, 's1').send(1, 1n).send(1, 2n).accept(1, 1n);
    h.open(2, 's1', { resume: true, claimed: 1n, initial: 1n }).accept(1, 2n);
    expect(kinds(h.check())).toEqual(['resume-lost-data']);
  });

  it('staleness-over-bound: P99 above the bound names the worst samples', () => {
    const h = new HistoryBuilder().open(1, 's1').send(1, 1n).send(1, 2n).accept(1, 1n).accept(1, 2n);
    h.at(200).indexed(1, 2n).end(1, 0);
    const r = h.check({ stalenessBoundMs: 100 });
    expect(kinds(r)).toEqual(['staleness-over-bound']);
    const f = r.findings[0];
    expect(f?.message).toMatch(
      /^P99 staleness 19\d\.\d ms from INDEXED acks \(2 samples\) exceeds the 100 ms bound/,
    );
    expect(f?.examples.map((e) => e.seq)).toEqual(['1', '2']);
  });

  it('stream-error: an unexpected non-OK end, but not a client cut or an expected code', () => {
    const h = new HistoryBuilder().open(1, 's1').send(1, 1n).send(1, 3n, 'gap');
    h.accept(1, 1n).end(1, 3, false, 'sequence gap');
    const r = h.check();
    expect(kinds(r)).toEqual(['stream-error']);
    expect(r.findings[0]?.examples[0]?.note).toBe('stream 1 ended with gRPC status 3: sequence gap');
    expect(r.counts.indeterminate).toBe(1);
    expect(kinds(h.check({ isExpectedEnd: (e) => e.code === 3 }))).toEqual([]);
  });

  it('keeps only the first examples but counts every occurrence', () => {
    const h = new HistoryBuilder().open(1, 's1');
    for (let s = 1n; s <= 50n; s++) h.send(1, s);
    h.end(1, 0);
    const r = h.check({ maxExamples: 3 });
    expect(r.findings[0]).toMatchObject({ kind: 'silent-drop', count: 50 });
    expect(r.findings[0]?.examples.map((e) => e.seq)).toEqual(['1', '2', '3']);
  });
});
