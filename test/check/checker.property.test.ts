import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkHistory, createChecker } from '../../src/check/checker.js';
import type { HistoryEvent } from '../../src/history/history.js';
import { HistorySimulation, STEP_KINDS } from './simulated-history.js';

const steps = fc.array(fc.record({ session: fc.nat(2), op: fc.nat(STEP_KINDS - 1), arg: fc.nat(1000) }), {
  minLength: 50,
  maxLength: 400,
});

describe('checker: property', () => {
  it('finds nothing in any history of a correct server and a go-back-N client', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 3 }), steps, (indexAcks, script) => {
        const events = new HistorySimulation(indexAcks).run(script);
        const checker = createChecker({ stalenessBoundMs: 1e9 });
        for (const e of events) checker.observe(e);
        const report = checker.finish();
        expect(report.findings).toEqual([]);
        expect(report.counts.silentDrops + report.counts.indeterminate).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('finds a silent drop or worse when one outcome on a stream that ends OK is removed', () => {
    fc.assert(
      fc.property(steps, fc.nat(), (script, pick) => {
        const events = new HistorySimulation([true, true]).run(script);
        const endedOk = new Set(
          events.flatMap((e) => (e.type === 'stream-end' && e.code === 0 ? [e.stream] : [])),
        );
        const outcomes = events.flatMap((e, i) => (isOutcome(e) && endedOk.has(e.stream) ? [i] : []));
        fc.pre(outcomes.length > 0);
        const victim = outcomes[pick % outcomes.length] as number;
        const report = checkHistory(events.filter((_, i) => i !== victim));
        expect(report.counts.silentDrops).toBe(1);
      }),
      { numRuns: 100 },
    );
  });

  // On a stream that is later cut, a repeated outcome can pass for the outcome of a
  // retry whose own outcome was lost with the stream; on a stream that ends OK it cannot.
  it('finds a duplicate outcome when an outcome on a stream that ends OK is delivered twice', () => {
    fc.assert(
      fc.property(steps, fc.nat(), (script, pick) => {
        const events = new HistorySimulation([true, false]).run(script);
        const endedOk = new Set(
          events.flatMap((e) => (e.type === 'stream-end' && e.code === 0 ? [e.stream] : [])),
        );
        const outcomes = events.flatMap((e, i) => (isOutcome(e) && endedOk.has(e.stream) ? [i] : []));
        fc.pre(outcomes.length > 0);
        const victim = outcomes[pick % outcomes.length] as number;
        const twice = events.flatMap((e, i) => (i === victim ? [e, e] : [e]));
        expect(checkHistory(twice).counts.duplicateOutcomes).toBe(1);
      }),
      { numRuns: 100 },
    );
  });

  it('finds exactly one out-of-order ACCEPTED ack when two adjacent ones are swapped', () => {
    fc.assert(
      fc.property(steps, fc.nat(), (script, pick) => {
        const events = new HistorySimulation([true, true]).run(script);
        const endedOk = new Set(
          events.flatMap((e) => (e.type === 'stream-end' && e.code === 0 ? [e.stream] : [])),
        );
        /** The stream of an ACCEPTED ack on a stream that ends OK. */
        const acceptedOn = (e: HistoryEvent | undefined): number | undefined =>
          e?.type === 'ack' && e.status === 'ACCEPTED' && endedOk.has(e.stream) ? e.stream : undefined;
        const pairs = events.flatMap((e, i) => {
          const stream = acceptedOn(e);
          return stream !== undefined && acceptedOn(events[i + 1]) === stream ? [i] : [];
        });
        fc.pre(pairs.length > 0);
        const i = pairs[pick % pairs.length] as number;
        const swapped = [...events];
        [swapped[i], swapped[i + 1]] = [swapped[i + 1] as HistoryEvent, swapped[i] as HistoryEvent];
        const report = checkHistory(swapped);
        expect(report.findings.map((f) => [f.kind, f.count])).toEqual([['accepted-out-of-order', 1]]);
      }),
      { numRuns: 100 },
    );
  });

  it('is deterministic: the same history gives the same report', () => {
    fc.assert(
      fc.property(steps, (script) => {
        const events = new HistorySimulation([true, false]).run(script);
        const run = () => {
          const c = createChecker();
          for (const e of events) c.observe(e);
          const r = c.finish();
          return { findings: r.findings, counts: r.counts, staleness: r.staleness.totalCount };
        };
        expect(run()).toEqual(run());
      }),
      { numRuns: 50 },
    );
  });
});

function isOutcome(e: HistoryEvent): e is Extract<HistoryEvent, { type: 'ack' }> {
  return e.type === 'ack' && (e.status === 'ACCEPTED' || e.status === 'REJECTED');
}
