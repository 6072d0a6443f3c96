// Compares two conformance runs case by case: which outcomes changed, newly failing
// first. Moving to FAIL or ERROR, or to a worse passing outcome (PASS to NON-STRICT,
// a feature now SKIPped), is a regression; to INCONCLUSIVE, undecided.
import type { CaseOutcome, ConformResults } from '../../results/results.js';
import { environmentWarnings } from './comparable-runs.js';
import {
  type CaseChange,
  type ChangeVerdict,
  COMPARISON_VERSION,
  type ConformComparison,
} from './comparison.js';
import { overallVerdict } from './judge-change.js';

/** Best to worst. */
const RANK: Record<CaseOutcome, number> = {
  PASS: 0,
  'NON-STRICT': 1,
  SKIP: 2,
  INCONCLUSIVE: 3,
  ERROR: 4,
  FAIL: 5,
};

function caseVerdict(before: CaseOutcome | null, after: CaseOutcome | null): ChangeVerdict {
  if (before === null || after === null) return 'NO CHANGE';
  if (after === 'INCONCLUSIVE') return 'INCONCLUSIVE';
  if (RANK[after] > RANK[before]) return 'REGRESSED';
  return 'IMPROVED';
}

/** Order of the list: newly failing first, then other regressions, undecided, improved, added/removed. */
function order(c: CaseChange): number {
  if (c.verdict === 'REGRESSED') return c.current === 'FAIL' || c.current === 'ERROR' ? 0 : 1;
  if (c.verdict === 'INCONCLUSIVE') return 2;
  if (c.verdict === 'IMPROVED') return 3;
  return 4;
}

export function compareConform(
  baseline: ConformResults,
  current: ConformResults,
  files: { baseline: string; current: string },
): ConformComparison {
  const before = new Map(baseline.cases.map((c) => [c.id, c]));
  const after = new Map(current.cases.map((c) => [c.id, c]));
  const ids = [...new Set([...before.keys(), ...after.keys()])];
  const changes: CaseChange[] = [];
  let unchanged = 0;
  for (const id of ids) {
    const b = before.get(id)?.outcome ?? null;
    const a = after.get(id);
    const outcome = a?.outcome ?? null;
    if (b === outcome) {
      unchanged++;
      continue;
    }
    const verdict = caseVerdict(b, outcome);
    const detail =
      b === null
        ? 'only in the current run'
        : outcome === null
          ? 'only in the baseline run'
          : verdict !== 'IMPROVED'
            ? (a?.reason ?? a?.actual)
            : undefined;
    changes.push({
      id,
      baseline: b,
      current: outcome,
      verdict,
      ...(detail ? { detail } : {}),
    });
  }
  changes.sort((x, y) => order(x) - order(y) || x.id.localeCompare(y.id));
  const verdict = overallVerdict(changes.map((c) => ({ verdict: c.verdict, decisive: true })));
  const count = (v: ChangeVerdict) => changes.filter((c) => c.verdict === v).length;
  const reasons =
    changes.length === 0
      ? [`all ${unchanged} cases have the outcome they had`]
      : [
          `${changes.length} case(s) changed outcome: ${count('REGRESSED')} worse, ${count('IMPROVED')} better, ${count('INCONCLUSIVE')} inconclusive, ${count('NO CHANGE')} only in one run`,
        ];
  if (baseline.strict !== current.strict) {
    reasons.push(`--strict differs: baseline ${baseline.strict}, current ${current.strict}`);
  }
  const identity = (r: ConformResults, file: string) => ({
    file,
    startedAt: r.startedAt,
    tool: r.tool.version,
    verdict: r.verdict,
  });
  return {
    kind: 'conform',
    comparisonVersion: COMPARISON_VERSION,
    baseline: identity(baseline, files.baseline),
    current: identity(current, files.current),
    warnings: environmentWarnings(baseline, current),
    changes,
    unchanged,
    verdict,
    reasons,
  };
}
