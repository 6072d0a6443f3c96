// Judges a measured bench run: every threshold evaluated on the run or its phase, then
// the verdict. bench calls it on a finished run and `report --merge` on merged shards.
import type { ThresholdResult, Verdict } from '../results/results.js';
import { type MeasuredRun, metricLookup } from './metric-lookup.js';
import { evaluateThresholds } from './thresholds/evaluate-thresholds.js';
import type { Threshold } from './thresholds/threshold.js';
import { judgeRun, type VerdictInputs } from './verdict.js';

export interface BenchJudgement {
  thresholds: ThresholdResult[];
  verdict: Verdict;
  reasons: string[];
}

export function judgeBench(
  thresholds: readonly Threshold[],
  measured: MeasuredRun,
  run: Omit<VerdictInputs, 'findings' | 'thresholds'>,
): BenchJudgement {
  const results = evaluateThresholds(thresholds, metricLookup(measured));
  const { verdict, reasons } = judgeRun({ findings: measured.check.findings, thresholds: results, ...run });
  return { thresholds: results, verdict, reasons };
}
