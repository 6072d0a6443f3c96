// Accumulates findings by kind: a total count and the first few examples (the
// earliest occurrence is usually the cause, the rest its consequences). Memory is
// bounded by the number of kinds times the example limit.
import type { Finding, FindingExample, FindingKind } from './findings.js';

interface Tally {
  count: number;
  examples: FindingExample[];
}

/** One sentence per kind, given the count: what went wrong and what the server must do. */
const MESSAGES: Record<FindingKind, (n: number) => string> = {
  'silent-drop': (n) =>
    `${n} observation(s) got no ACCEPTED or REJECTED ack on a stream that ended normally or stayed open: ` +
    'the server must answer every observation it receives, in the order received.',
  'unexpected-ack': (n) =>
    `${n} ack(s) named a sequence number with no outstanding send on that stream: ` +
    "the server must echo each observation's own sequence number, once.",
  'duplicate-outcome': (n) =>
    `${n} send(s) got a second ACCEPTED or REJECTED ack: each observation must get exactly one outcome.`,
  'accepted-not-dense': (n) =>
    `ACCEPTED acks skipped sequence numbers ${n} time(s): a session's ACCEPTED acks must run 1, 2, 3 ... ` +
    'without a hole, so a gap must be rejected, never accepted past.',
  'accepted-out-of-order': (n) =>
    `${n} ACCEPTED ack(s) went backwards or repeated an accepted sequence: ` +
    'each sequence number may be accepted once, in increasing order.',
  'wrong-reject-reason': (n) =>
    `${n} outcome(s) disagreed with the session's sequence state: a gap must be rejected as SEQUENCE_GAP ` +
    'and a duplicate as DUPLICATE_SEQUENCE, both with expected_sequence = last accepted + 1, ' +
    'an invalid observation as INVALID_OBSERVATION, and a valid one at the expected sequence accepted ' +
    'or rejected only for admission.',
  'rejected-but-visible': (n) =>
    `${n} rejected or never-received observation(s) were found by recall: a rejected observation must never be indexed.`,
  'visible-twice': (n) =>
    `${n} observation(s) came back more than once from one recall: each accepted observation must be indexed exactly once.`,
  'lost-write': (n) =>
    `${n} accepted observation(s) never became visible (not covered by the final INDEXED mark of a drained ` +
    'close, or never found by recall): accepted means it will be indexed, even across close and resume.',
  'indexed-backwards': (n) =>
    `The INDEXED mark went backwards ${n} time(s): it is cumulative and must never decrease.`,
  'indexed-ahead-of-accepted': (n) =>
    `${n} INDEXED mark(s) exceeded the highest accepted sequence: the server must not report as indexed ` +
    'what it never accepted.',
  'resume-lost-data': (n) =>
    `${n} resume(s) or fenced stream(s) disagreed with what the client saw accepted: initial_sequence must be ` +
    'exactly the last accepted sequence, and a fenced stream must accept nothing more.',
  'staleness-over-bound': (n) => `${n} staleness measure(s) had a P99 above the bound.`,
  'stream-error': (n) =>
    `${n} stream(s) ended with an unexpected gRPC error: in-band problems must be rejected in-band ` +
    'and leave the stream usable.',
};

export class FindingCollector {
  private readonly tallies = new Map<FindingKind, Tally>();
  private readonly messageOverrides = new Map<FindingKind, string>();

  constructor(private readonly maxExamples: number) {}

  add(kind: FindingKind, example: FindingExample, count = 1): void {
    let tally = this.tallies.get(kind);
    if (!tally) {
      tally = { count: 0, examples: [] };
      this.tallies.set(kind, tally);
    }
    tally.count += count;
    if (tally.examples.length < this.maxExamples) tally.examples.push(example);
  }

  /** Replaces the generic sentence of a kind when the caller knows the figures (staleness). */
  describe(kind: FindingKind, message: string): void {
    this.messageOverrides.set(kind, message);
  }

  /** Findings in a stable order (the order of the kinds above), messages built from the totals. */
  findings(): Finding[] {
    const out: Finding[] = [];
    for (const kind of Object.keys(MESSAGES) as FindingKind[]) {
      const tally = this.tallies.get(kind);
      if (!tally) continue;
      out.push({
        kind,
        severity: 'fail',
        count: tally.count,
        message: this.messageOverrides.get(kind) ?? MESSAGES[kind](tally.count),
        examples: tally.examples,
      });
    }
    return out;
  }
}
