// The verdict on one metric's change: REGRESSED only when the change is beyond the
// tolerance and its confidence interval leaves no room for "no change" (it lies wholly
// on the worse side of zero); IMPROVED likewise the other way; otherwise NO CHANGE.
import type { Interval } from './bootstrap.js';
import type { ChangeVerdict } from './comparison.js';

export interface ChangeEvidence {
  change: number;
  interval: Interval;
  /** Allowed worsening (>= 0) in the metric's unit. */
  allowance: number;
  worse: 'up' | 'down';
}

export function judgeChange(e: ChangeEvidence): ChangeVerdict {
  const sign = e.worse === 'up' ? 1 : -1;
  const worsening = sign * e.change;
  const lo = Math.min(sign * e.interval.lo, sign * e.interval.hi);
  const hi = Math.max(sign * e.interval.lo, sign * e.interval.hi);
  if (worsening > e.allowance && lo > 0) return 'REGRESSED';
  if (-worsening > e.allowance && hi < 0) return 'IMPROVED';
  return 'NO CHANGE';
}

const ORDER: readonly ChangeVerdict[] = ['REGRESSED', 'INCONCLUSIVE', 'IMPROVED', 'NO CHANGE'];

/** Overall: any regression; else anything decisive left undecided; else any improvement. */
export function overallVerdict(
  items: readonly { verdict: ChangeVerdict; decisive: boolean }[],
): ChangeVerdict {
  const counted = items.filter((i) => i.verdict !== 'INCONCLUSIVE' || i.decisive);
  return ORDER.find((v) => counted.some((i) => i.verdict === v)) ?? 'NO CHANGE';
}
