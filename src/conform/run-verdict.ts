// The run's verdict from its cases' outcomes: failed (a FAIL, or a NON-STRICT under
// --strict) before error, before inconclusive, before passed. The CLI maps the
// verdict to the exit code (1, 2, 3, 0).
import type { CaseOutcome, CaseResult, Verdict } from '../results/results.js';

export const OUTCOMES: readonly CaseOutcome[] = [
  'PASS',
  'NON-STRICT',
  'FAIL',
  'SKIP',
  'INCONCLUSIVE',
  'ERROR',
];

export function countOutcomes(cases: readonly CaseResult[]): Record<CaseOutcome, number> {
  return Object.fromEntries(OUTCOMES.map((k) => [k, cases.filter((c) => c.outcome === k).length])) as Record<
    CaseOutcome,
    number
  >;
}

function ids(cases: readonly CaseResult[], outcome: CaseOutcome): string {
  const list = cases.filter((c) => c.outcome === outcome).map((c) => c.id);
  return list.length > 5 ? `${list.slice(0, 5).join(', ')} and ${list.length - 5} more` : list.join(', ');
}

export function judgeRun(
  cases: readonly CaseResult[],
  strict: boolean,
): { verdict: Verdict; reasons: string[] } {
  const counts = countOutcomes(cases);
  const reasons: string[] = [];
  if (counts.FAIL > 0) reasons.push(`${counts.FAIL} case(s) failed: ${ids(cases, 'FAIL')}`);
  if (strict && counts['NON-STRICT'] > 0)
    reasons.push(
      `${counts['NON-STRICT']} NON-STRICT case(s) count as failed under --strict: ${ids(cases, 'NON-STRICT')}`,
    );
  if (reasons.length > 0) return { verdict: 'failed', reasons };
  if (counts.ERROR > 0)
    return { verdict: 'error', reasons: [`${counts.ERROR} case(s) could not run: ${ids(cases, 'ERROR')}`] };
  if (counts.INCONCLUSIVE > 0) {
    return {
      verdict: 'inconclusive',
      reasons: [`${counts.INCONCLUSIVE} case(s) inconclusive: ${ids(cases, 'INCONCLUSIVE')}`],
    };
  }
  const passed = counts.PASS + counts['NON-STRICT'];
  const skipped = counts.SKIP > 0 ? `, ${counts.SKIP} skipped` : '';
  const nonStrict = counts['NON-STRICT'] > 0 ? ` (${counts['NON-STRICT']} NON-STRICT)` : '';
  return { verdict: 'passed', reasons: [`${passed} of ${cases.length} cases passed${nonStrict}${skipped}`] };
}
