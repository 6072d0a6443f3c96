import { describe, expect, it } from 'vitest';
import { judgeRun } from '../../src/conform/run-verdict.js';
import type { CaseOutcome, CaseResult } from '../../src/results/results.js';

function result(id: string, outcome: CaseOutcome): CaseResult {
  return {
    id,
    category: id.split('.')[0] as string,
    clauses: ['SEQ-3'],
    requirement: 'r',
    outcome,
    durationMs: 1,
    findings: [],
    transcript: [],
  };
}

describe('run verdict (exit codes 0, 1, 2, 3)', () => {
  it('passes when nothing failed, errored or was inconclusive; skips and NON-STRICT allowed', () => {
    const r = judgeRun([result('a.x', 'PASS'), result('a.y', 'SKIP'), result('a.z', 'NON-STRICT')], false);
    expect(r.verdict).toBe('passed');
    expect(r.reasons).toEqual(['2 of 3 cases passed (1 NON-STRICT), 1 skipped']);
  });

  it('fails on a FAIL, before any error or inconclusive case', () => {
    const r = judgeRun([result('a.x', 'ERROR'), result('a.y', 'FAIL'), result('a.z', 'INCONCLUSIVE')], false);
    expect(r).toEqual({ verdict: 'failed', reasons: ['1 case(s) failed: a.y'] });
  });

  it('--strict counts NON-STRICT as failed', () => {
    expect(judgeRun([result('a.x', 'NON-STRICT')], true).verdict).toBe('failed');
    expect(judgeRun([result('a.x', 'NON-STRICT')], false).verdict).toBe('passed');
  });

  it('is error when a case could not run and none failed, inconclusive when only evidence was short', () => {
    expect(judgeRun([result('a.x', 'ERROR'), result('a.y', 'INCONCLUSIVE')], false).verdict).toBe('error');
    expect(judgeRun([result('a.x', 'PASS'), result('a.y', 'INCONCLUSIVE')], false)).toEqual({
      verdict: 'inconclusive',
      reasons: ['1 case(s) inconclusive: a.y'],
    });
  });
});
