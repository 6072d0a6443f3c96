// Check reports of sessions and workers merge exactly: counts add (also per key),
// staleness histograms add bucket by bucket, findings of one kind add their counts
// and keep a few examples.
import { describe, expect, it } from 'vitest';
import type { CheckCounts, Finding } from '../../src/check/findings.js';
import { type EncodedCheckReport, mergeCheckReports } from '../../src/judge/check-merge.js';
import { decodeHistogram, encodeHistogram, newHistogram, recordMs } from '../../src/stats/histogram.js';

function report(stalenessMs: number[], findings: Finding[], accepted: number): EncodedCheckReport {
  const h = newHistogram();
  for (const ms of stalenessMs) recordMs(h, ms);
  return {
    findings,
    counts: { accepted, rejectedByReason: { OVERLOADED: accepted } } as unknown as CheckCounts,
    staleness: encodeHistogram(h),
    stalenessProbe: encodeHistogram(newHistogram()),
  };
}

const drop = (session: string, count: number): Finding => ({
  kind: 'silent-drop',
  severity: 'fail',
  count,
  message: `${count} observation(s) got no ack`,
  examples: [{ session, seq: '7', note: 'no outcome' }],
});

describe('mergeCheckReports', () => {
  it('adds counts, histograms and findings', () => {
    const merged = mergeCheckReports([
      report([1, 2, 3], [drop('s0', 2)], 10),
      report([100], [drop('s1', 3)], 5),
      report([], [], 1),
    ]);
    expect(merged.counts.accepted).toBe(16);
    expect(merged.counts.rejectedByReason).toEqual({ OVERLOADED: 16 });
    const h = decodeHistogram(merged.staleness);
    expect(h.totalCount).toBe(4);
    expect(h.maxValue).toBeGreaterThanOrEqual(99_900);
    expect(merged.findings).toHaveLength(1);
    expect(merged.findings[0]?.count).toBe(5);
    expect(merged.findings[0]?.message).toContain('5');
    expect(merged.findings[0]?.examples.map((e) => e.session)).toEqual(['s0', 's1']);
  });
});
