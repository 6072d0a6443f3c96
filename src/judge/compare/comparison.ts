// The comparison record: what `compare` decided and why, for the console, the HTML
// page, JUnit and --json alike. Every renderer reads this; none judges again.
import type { CaseOutcome } from '../../results/results.js';
import type { Interval } from './bootstrap.js';

export type ChangeVerdict = 'REGRESSED' | 'IMPROVED' | 'NO CHANGE' | 'INCONCLUSIVE';

export const COMPARISON_VERSION = 1;

export interface MetricChange {
  /** e.g. "staleness.p99", "achieved_rate", "rejected{OVERLOADED}", "finding{silent-drop}". */
  metric: string;
  group: 'ack_latency' | 'staleness' | 'rate' | 'rejections' | 'findings' | 'thresholds' | 'generator';
  /** ms, /s, count, %, number (a threshold's own unit), or '' for yes/no rows. */
  unit: string;
  baseline: number | null;
  current: number | null;
  /** current − baseline, in the unit. */
  change: number | null;
  /** The change relative to the baseline, as a fraction; null when the baseline is 0. */
  relative: number | null;
  /** Confidence interval of the change, where the data allow one. */
  interval: Interval | null;
  /** The tolerance applied, as written (e.g. "+10%,+1ms"), and where it came from. */
  tolerance: { text: string; source: string; allowance: number } | null;
  verdict: ChangeVerdict;
  /** Whether an INCONCLUSIVE here makes the whole comparison inconclusive. */
  decisive: boolean;
  /** Why the verdict, in words, when it is not plain from the numbers. */
  note?: string;
}

export interface RunIdentity {
  file: string;
  startedAt: string;
  tool: string;
  verdict: string;
}

export interface BenchComparison {
  kind: 'bench';
  comparisonVersion: typeof COMPARISON_VERSION;
  scenario: string;
  baseline: RunIdentity & { seconds: number };
  current: RunIdentity & { seconds: number };
  method: { replicates: number; confidence: number; minSeconds: number };
  /** Differences that make the comparison less meaningful (environment, tool version ...). */
  warnings: string[];
  metrics: MetricChange[];
  verdict: ChangeVerdict;
  reasons: string[];
}

export interface CaseChange {
  id: string;
  /** null: the case did not run on that side. */
  baseline: CaseOutcome | null;
  current: CaseOutcome | null;
  verdict: ChangeVerdict;
  /** The current run's reason or actual behaviour, for a case that got worse. */
  detail?: string;
}

export interface ConformComparison {
  kind: 'conform';
  comparisonVersion: typeof COMPARISON_VERSION;
  baseline: RunIdentity;
  current: RunIdentity;
  warnings: string[];
  /** Cases whose outcome changed, newly failing first. */
  changes: CaseChange[];
  unchanged: number;
  verdict: ChangeVerdict;
  reasons: string[];
}

export type Comparison = BenchComparison | ConformComparison;
