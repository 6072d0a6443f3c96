// The checker's report crosses thread boundaries encoded, and the reports of all
// workers merge exactly: counts add, staleness histograms add, findings of one
// kind add their counts and keep the first few examples.
import type { CheckReport } from '../check/check-types.js';
import { FindingCollector } from '../check/finding-collector.js';
import type { CheckCounts, Finding } from '../check/findings.js';
import { type EncodedHistogram, encodeHistogram, mergeEncoded } from '../stats/histogram.js';

const MAX_EXAMPLES = 5;

export interface EncodedCheckReport {
  findings: Finding[];
  counts: CheckCounts;
  staleness: EncodedHistogram;
  stalenessProbe: EncodedHistogram;
}

export function encodeCheckReport(r: CheckReport): EncodedCheckReport {
  return {
    findings: r.findings,
    counts: r.counts,
    staleness: encodeHistogram(r.staleness),
    stalenessProbe: encodeHistogram(r.stalenessProbe),
  };
}

function addCounts(into: Record<string, unknown>, from: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(from)) {
    if (typeof value === 'number') into[key] = ((into[key] as number | undefined) ?? 0) + value;
    else if (value && typeof value === 'object') {
      into[key] ??= {};
      addCounts(into[key] as Record<string, unknown>, value as Record<string, unknown>);
    }
  }
}

export function mergeCheckReports(reports: readonly EncodedCheckReport[]): EncodedCheckReport {
  const counts = {} as Record<string, unknown>;
  const findings = new FindingCollector(MAX_EXAMPLES);
  for (const r of reports) {
    addCounts(counts, r.counts as unknown as Record<string, unknown>);
    for (const f of r.findings) {
      // The first example carries the count; the rest only add examples.
      f.examples.forEach((example, i) => {
        findings.add(f.kind, example, i === 0 ? f.count : 0);
      });
    }
  }
  return {
    findings: findings.findings(),
    counts: counts as unknown as CheckCounts,
    staleness: mergeEncoded(reports.map((r) => r.staleness)),
    stalenessProbe: mergeEncoded(reports.map((r) => r.stalenessProbe)),
  };
}
