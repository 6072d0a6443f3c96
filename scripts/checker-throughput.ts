// How fast the history checker folds events, and how much memory it keeps, on a
// bench-like history: many sessions, pipelined sends, in-order ACCEPTED acks, an
// INDEXED mark every 10 acks, a gap now and then, a drained close. The history is
// built first, so only the fold is timed (best of 3 runs).
// Run: npx tsx scripts/checker-throughput.ts [sessions] [sendsPerSession]
import { performance } from 'node:perf_hooks';
import { createChecker } from '../src/check/checker.js';
import type { HistoryEvent } from '../src/history/history.js';

const sessions = Number(process.argv[2] ?? 100);
const perSession = Number(process.argv[3] ?? 20_000);
const window = 64;

/** The history, window by window round-robin over the sessions. */
function* history(): Generator<HistoryEvent> {
  let t = 0;
  const tick = () => (t += 0.001);
  for (let s = 0; s < sessions; s++) {
    const base = { stream: s, session: `s${s}` };
    yield { t: tick(), type: 'stream-open', ...base };
    yield {
      t: tick(),
      type: 'init-sent',
      ...base,
      memorySpaceId: 'bench',
      sessionId: '',
      resume: false,
      claimedSequence: 0n,
      indexAcks: true,
    };
    yield { t: tick(), type: 'init-ack', ...base, sessionId: `id${s}`, initialSequence: 0n };
  }
  const ack = (
    s: number,
    seq: bigint,
    status: 'ACCEPTED' | 'REJECTED' | 'INDEXED',
    reason = '',
    expected = 0n,
  ) =>
    ({
      t: tick(),
      type: 'ack',
      stream: s,
      session: `s${s}`,
      seq,
      status,
      reason,
      expectedSequence: expected,
      retryAfterMs: 0,
      sessionId: `id${s}`,
    }) as const;
  for (let from = 1; from <= perSession; from += window) {
    for (let s = 0; s < sessions; s++) {
      const to = Math.min(perSession, from + window - 1);
      for (let i = from; i <= to; i++) {
        const seq = BigInt(i);
        yield {
          t: tick(),
          type: 'send',
          stream: s,
          session: `s${s}`,
          seq,
          intent: 'normal',
          intendedT: t,
          episodeId: `w0-${i % 256}`,
        };
      }
      if (from % 1024 === 1) {
        yield {
          t: tick(),
          type: 'send',
          stream: s,
          session: `s${s}`,
          seq: BigInt(to + 5),
          intent: 'gap',
          intendedT: t,
          episodeId: 'g',
        };
      }
      for (let i = from; i <= to; i++) {
        yield ack(s, BigInt(i), 'ACCEPTED');
        if (i % 10 === 0) yield ack(s, BigInt(i), 'INDEXED');
      }
      if (from % 1024 === 1) yield ack(s, BigInt(to + 5), 'REJECTED', 'SEQUENCE_GAP', BigInt(to + 1));
    }
  }
  for (let s = 0; s < sessions; s++) {
    const base = { stream: s, session: `s${s}` };
    yield { t: tick(), type: 'close-sent', ...base, drain: true, lastSequence: BigInt(perSession) };
    yield ack(s, BigInt(perSession), 'INDEXED');
    yield { t: tick(), type: 'stream-end', ...base, code: 0, details: '', byClient: false };
  }
  yield { t: tick(), type: 'end' };
}

const events = [...history()];
const mb = (n: number) => (n / 2 ** 20).toFixed(1);
let best = Number.POSITIVE_INFINITY;
let summary = '';
let retained = 0;
for (let run = 0; run < 3; run++) {
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const checker = createChecker({ stalenessBoundMs: 100 });
  const started = performance.now();
  for (const e of events) checker.observe(e);
  const report = checker.finish();
  best = Math.min(best, (performance.now() - started) / 1000);
  global.gc?.();
  retained = process.memoryUsage().heapUsed - heapBefore;
  summary =
    `findings: ${report.findings.map((f) => `${f.kind} x${f.count}`).join(', ') || 'none'}; ` +
    `staleness samples ${report.staleness.totalCount}`;
}
console.log(
  `${events.length.toLocaleString()} events (${sessions} sessions x ${perSession} sends): best of 3 ` +
    `${best.toFixed(2)} s = ${Math.round(events.length / best).toLocaleString()} events/s; ` +
    `checker heap after finish ${mb(retained)} MB (measured with --expose-gc); ${summary}`,
);
