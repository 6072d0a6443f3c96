import type { ChangeVerdict } from '../judge/compare/comparison.js';
import type { Verdict } from '../results/results.js';

/** Documented exit codes of every command (README, "Exit codes"). */
export const ExitCode = {
  /** Everything passed. */
  OK: 0,
  /** A threshold, check or conformance case failed. */
  FAILED: 1,
  /** Usage, configuration, input or connection error: nothing was judged. */
  USAGE: 2,
  /** Nothing failed, but the evidence was not enough to pass (e.g. the generator was the bottleneck). */
  INCONCLUSIVE: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A run's verdict as the process exit code. */
export const VERDICT_EXIT: Record<Verdict, ExitCode> = {
  passed: ExitCode.OK,
  failed: ExitCode.FAILED,
  inconclusive: ExitCode.INCONCLUSIVE,
  error: ExitCode.USAGE,
};
/** A comparison's exit code: a regression fails, an undecided comparison is inconclusive. */
export function compareExitCode(verdict: ChangeVerdict): ExitCode {
  if (verdict === 'REGRESSED') return ExitCode.FAILED;
  if (verdict === 'INCONCLUSIVE') return ExitCode.INCONCLUSIVE;
  return ExitCode.OK;
}
