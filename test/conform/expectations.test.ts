// Known deviations: parsing (comments are reasons, wildcards, lists, errors with the
// line), which pattern applies, and the verdict: matching deviations pass, an
// unexpected FAIL or ERROR fails, an unexpected PASS fails as stale.
import { describe, expect, it } from 'vitest';
import {
  applyExpectations,
  expectationFor,
  formatExpectations,
  parseExpectations,
} from '../../src/conform/expectations.js';
import type { CaseOutcome } from '../../src/results/results.js';
import { UserError } from '../../src/util/user-error.js';
import { sampleConform } from '../support/sample-results.js';

const FILE = 'expect.yaml';

function withOutcomes(outcomes: Record<string, CaseOutcome>) {
  const r = sampleConform();
  return { ...r, cases: r.cases.map((c) => ({ ...c, outcome: outcomes[c.id] ?? 'PASS' })) };
}

describe('expectations file', () => {
  it('reads outcomes, lists and maps, with the line comment as the reason', () => {
    const list = parseExpectations(
      [
        '# header',
        'session.resume-*: FAIL  # resume is not implemented yet',
        'flow.*: [PASS, inconclusive]',
        'close.x: { outcome: ERROR, reason: crashes }',
      ].join('\n'),
      FILE,
    );
    expect(list).toEqual([
      { pattern: 'session.resume-*', outcomes: ['FAIL'], reason: 'resume is not implemented yet' },
      { pattern: 'flow.*', outcomes: ['PASS', 'INCONCLUSIVE'], reason: '' },
      { pattern: 'close.x', outcomes: ['ERROR'], reason: 'crashes' },
    ]);
  });

  it('refuses an unknown outcome with the file, the line and the valid outcomes', () => {
    expect(() => parseExpectations('a.b: FAIL\nc.d: BROKEN\n', FILE)).toThrow(
      new UserError(
        "expect.yaml:2: 'c.d': 'BROKEN' is not an outcome; write one of PASS, NON-STRICT, FAIL, SKIP, INCONCLUSIVE, ERROR",
      ),
    );
    expect(() => parseExpectations('- a\n- b\n', FILE)).toThrow(/expected a map of case id patterns/);
    expect(() => parseExpectations('a: [FAIL\n', FILE)).toThrow(/^expect\.yaml: not YAML/);
  });

  it('applies the exact id before the most specific wildcard', () => {
    const list = parseExpectations(
      '"*": ERROR\nsession.*: FAIL\nsession.resume-*: SKIP\nsession.resume-x: PASS\n',
      FILE,
    );
    expect(expectationFor('session.resume-x', list)?.outcomes).toEqual(['PASS']);
    expect(expectationFor('session.resume-y', list)?.outcomes).toEqual(['SKIP']);
    expect(expectationFor('session.other', list)?.outcomes).toEqual(['FAIL']);
    expect(expectationFor('flow.a', list)?.outcomes).toEqual(['ERROR']);
  });
});

describe('judging a run against expectations', () => {
  it('passes when every deviation is expected, and says which patterns matched nothing', () => {
    const r = withOutcomes({ 'SEQ-2': 'FAIL', 'SES-1': 'ERROR' });
    const judged = applyExpectations(
      r,
      parseExpectations('SEQ-2: FAIL\nSES-*: ERROR\nGONE-1: FAIL\n', FILE),
      FILE,
    );
    expect(judged.verdict).toBe('passed');
    expect(judged.expectations?.asExpected.map((x) => x.id)).toEqual(['SEQ-2', 'SES-1']);
    expect(judged.expectations?.unused).toEqual(['GONE-1']);
    expect(judged.verdictReasons.join('\n')).toContain('matched no case of this run: GONE-1');
  });

  it('fails on an unexpected FAIL or ERROR', () => {
    const r = withOutcomes({ 'SEQ-2': 'FAIL', 'SES-1': 'ERROR' });
    const judged = applyExpectations(r, parseExpectations('SEQ-2: FAIL\n', FILE), FILE);
    expect(judged.verdict).toBe('failed');
    expect(judged.verdictReasons[0]).toBe('1 case(s) failed unexpectedly: SES-1 (ERROR)');
  });

  it('fails on an unexpected PASS: the expectation is stale', () => {
    const judged = applyExpectations(
      withOutcomes({}),
      parseExpectations('SEQ-2: FAIL  # was broken\n', FILE),
      FILE,
    );
    expect(judged.verdict).toBe('failed');
    expect(judged.verdictReasons[0]).toContain(
      'are stale, the case no longer deviates so: SEQ-2 (PASS, expected FAIL)',
    );
  });

  it('is inconclusive on an unexpected INCONCLUSIVE', () => {
    const judged = applyExpectations(withOutcomes({ 'IDX-1': 'INCONCLUSIVE' }), [], FILE);
    expect(judged.verdict).toBe('inconclusive');
  });

  it('writes the deviations so that the same run judged by them passes', () => {
    const r = sampleConform();
    const text = formatExpectations(r.cases, r.strict, 'Written in a test.');
    expect(text).toContain('SEQ-2: FAIL  # ');
    expect(text).toContain('SES-1: ERROR  # connection refused');
    expect(text).not.toContain('SEQ-1');
    expect(text).not.toContain('FLOW-1');
    expect(applyExpectations(r, parseExpectations(text, FILE), FILE).verdict).toBe('passed');
    // Under --strict, NON-STRICT is a deviation too.
    expect(formatExpectations(r.cases, true, '')).toContain('FLOW-1: NON-STRICT');
    expect(parseExpectations(formatExpectations([], false, ''), FILE)).toEqual([]);
  });
});
