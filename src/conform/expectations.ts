// Known deviations (`conform --expect FILE`), the way web-platform-tests keep
// expectations: case id patterns (wildcards * ?) mapped to the outcome a target is
// known to give, with the reason as a comment:
//   session.resume-*: FAIL  # resume is not implemented yet
//   flow.*: [PASS, INCONCLUSIVE]  # a slow target cannot always be driven past 90%
//   close.data-after-close: { outcome: FAIL, reason: drops data after close }
// With them, an outcome that matches its expectation does not fail the run; an
// unexpected FAIL or ERROR does, and so does an unexpected PASS: the expectation is stale.
import { isMap, isScalar, isSeq, type Node, parseDocument } from 'yaml';
import type {
  CaseOutcome,
  CaseResult,
  ConformResults,
  ExpectationReport,
  UnexpectedOutcome,
  Verdict,
} from '../results/results.js';
import { writeTextFile } from '../util/output-file.js';
import { readUserFile } from '../util/read-user-file.js';
import { UserError } from '../util/user-error.js';
import { wildcardRegExp } from '../util/wildcard.js';
import { OUTCOMES } from './run-verdict.js';

export interface Expectation {
  pattern: string;
  outcomes: CaseOutcome[];
  reason: string;
}

function outcome(value: unknown, where: string): CaseOutcome {
  const text = String(value).trim().toUpperCase();
  if (!(OUTCOMES as readonly string[]).includes(text)) {
    throw new UserError(
      `${where}: '${String(value)}' is not an outcome; write one of ${OUTCOMES.join(', ')}`,
    );
  }
  return text as CaseOutcome;
}

function outcomesOf(node: Node | null, where: string): { outcomes: CaseOutcome[]; reason?: string } {
  if (isScalar(node)) return { outcomes: [outcome(node.value, where)] };
  if (isSeq(node) && node.items.length > 0) {
    return { outcomes: node.items.map((i) => outcome(isScalar(i) ? i.value : i, where)) };
  }
  if (isMap(node)) {
    const o = node.toJSON() as { outcome?: unknown; reason?: unknown };
    const extra = Object.keys(o).filter((k) => k !== 'outcome' && k !== 'reason');
    if (o.outcome === undefined || extra.length > 0) {
      throw new UserError(
        `${where}: write { outcome: FAIL, reason: why }${extra.length ? `, not '${extra[0]}'` : ''}`,
      );
    }
    const list = Array.isArray(o.outcome) ? o.outcome : [o.outcome];
    return {
      outcomes: list.map((x) => outcome(x, where)),
      ...(o.reason === undefined ? {} : { reason: String(o.reason) }),
    };
  }
  throw new UserError(`${where}: give an outcome (FAIL), a list ([FAIL, ERROR]) or { outcome, reason }`);
}

/** Parses an expectations file's text; `file` names it in errors. */
export function parseExpectations(text: string, file: string): Expectation[] {
  const doc = parseDocument(text);
  const error = doc.errors[0];
  if (error) throw new UserError(`${file}: not YAML (${error.message.split('\n')[0]})`);
  if (doc.contents === null) return [];
  if (!isMap(doc.contents)) {
    throw new UserError(
      `${file}: expected a map of case id patterns to outcomes, e.g. 'session.resume-*: FAIL  # why'`,
    );
  }
  const line = (offset: number) => text.slice(0, offset).split('\n').length;
  return doc.contents.items.map((pair) => {
    const key = pair.key as Node | null;
    const pattern = String(isScalar(key) ? key.value : key);
    const where = `${file}:${line(key?.range?.[0] ?? 0)}: '${pattern}'`;
    const value = pair.value as Node | null;
    const parsed = outcomesOf(value, where);
    return { pattern, outcomes: parsed.outcomes, reason: (parsed.reason ?? value?.comment ?? '').trim() };
  });
}

export function loadExpectations(file: string): Expectation[] {
  return parseExpectations(readUserFile(file), file);
}

/** Literal characters of a pattern: the more, the more specific. */
const specificity = (pattern: string) =>
  pattern.replace(/[*?]/g, '').length + (/[*?]/.test(pattern) ? 0 : 1000);

/** The expectation for a case id: an exact id first, then the most specific pattern, then the first. */
export function expectationFor(id: string, list: readonly Expectation[]): Expectation | undefined {
  let best: Expectation | undefined;
  for (const e of list) {
    if (!wildcardRegExp(e.pattern).test(id)) continue;
    if (!best || specificity(e.pattern) > specificity(best.pattern)) best = e;
  }
  return best;
}

/** Outcomes that pass a run without any expectation. */
function passes(o: CaseOutcome, strict: boolean): boolean {
  return o === 'PASS' || o === 'SKIP' || (o === 'NON-STRICT' && !strict);
}

export function checkExpectations(
  cases: readonly CaseResult[],
  strict: boolean,
  list: readonly Expectation[],
  file: string,
): ExpectationReport {
  const report: ExpectationReport = { file, asExpected: [], unexpected: [], unused: [] };
  const used = new Set<string>();
  for (const c of cases) {
    const e = expectationFor(c.id, list);
    if (e) used.add(e.pattern);
    if (e?.outcomes.includes(c.outcome)) {
      report.asExpected.push({ id: c.id, outcome: c.outcome, pattern: e.pattern });
    } else if (e) {
      report.unexpected.push({
        id: c.id,
        outcome: c.outcome,
        expected: e.outcomes,
        pattern: e.pattern,
        ...(e.reason ? { reason: e.reason } : {}),
      });
    } else if (!passes(c.outcome, strict)) {
      report.unexpected.push({ id: c.id, outcome: c.outcome, expected: 'pass' });
    }
  }
  report.unused = list.map((e) => e.pattern).filter((p) => !used.has(p));
  return report;
}

function ids(list: readonly UnexpectedOutcome[]): string {
  const names = list.map(
    (u) => `${u.id} (${u.outcome}${u.expected === 'pass' ? '' : `, expected ${u.expected.join(' or ')}`})`,
  );
  return names.length > 5 ? `${names.slice(0, 5).join(', ')} and ${names.length - 5} more` : names.join(', ');
}

/**
 * The run's verdict under expectations: an unexpected FAIL or ERROR, or an outcome that
 * no longer deviates as expected (stale), fails; an unexpected INCONCLUSIVE is inconclusive.
 */
export function judgeWithExpectations(
  cases: readonly CaseResult[],
  report: ExpectationReport,
): { verdict: Verdict; reasons: string[] } {
  const undecided = report.unexpected.filter((u) => u.outcome === 'INCONCLUSIVE');
  // Worse than allowed; anything else that missed its expectation got better: stale.
  const broken = report.unexpected.filter(
    (u) =>
      u.outcome === 'FAIL' || u.outcome === 'ERROR' || (u.outcome === 'NON-STRICT' && u.expected === 'pass'),
  );
  const stale = report.unexpected.filter((u) => !undecided.includes(u) && !broken.includes(u));
  const reasons: string[] = [];
  if (broken.length > 0) reasons.push(`${broken.length} case(s) failed unexpectedly: ${ids(broken)}`);
  if (stale.length > 0) {
    reasons.push(
      `${stale.length} expectation(s) in ${report.file} are stale, the case no longer deviates so: ${ids(stale)}; remove or update them`,
    );
  }
  const unused =
    report.unused.length > 0
      ? [`expectation(s) in ${report.file} that matched no case of this run: ${report.unused.join(', ')}`]
      : [];
  if (reasons.length > 0) return { verdict: 'failed', reasons: [...reasons, ...unused] };
  if (undecided.length > 0) {
    return {
      verdict: 'inconclusive',
      reasons: [`${undecided.length} case(s) inconclusive unexpectedly: ${ids(undecided)}`, ...unused],
    };
  }
  return {
    verdict: 'passed',
    reasons: [
      `${cases.length} cases as expected, ${report.asExpected.length} of them known deviations listed in ${report.file}`,
      ...unused,
    ],
  };
}

const PLAIN_ID = /^[A-Za-z0-9][A-Za-z0-9._*?-]*$/;

/** The run's deviations as an expectations file, so a team can start green and ratchet. */
export function formatExpectations(cases: readonly CaseResult[], strict: boolean, header: string): string {
  const deviations = cases.filter((c) => !passes(c.outcome, strict));
  const lines = deviations.map((c) => {
    const why = (c.reason ?? c.actual ?? '').replace(/\s+/g, ' ').trim().slice(0, 200);
    const key = PLAIN_ID.test(c.id) ? c.id : JSON.stringify(c.id);
    return `${key}: ${c.outcome}${why ? `  # ${why}` : ''}`;
  });
  return [
    `# Known deviations for 'engram-stream conform --expect'. ${header}`,
    '# case id (wildcards * ?): expected outcome  # why. Remove a line once the case passes.',
    ...(lines.length > 0 ? lines : ['{}']),
    '',
  ].join('\n');
}

/** The results judged again under expectations, with what they said kept beside the cases. */
export function applyExpectations(
  results: ConformResults,
  list: readonly Expectation[],
  file: string,
): ConformResults {
  const expectations = checkExpectations(results.cases, results.strict, list, file);
  const { verdict, reasons } = judgeWithExpectations(results.cases, expectations);
  return { ...results, verdict, verdictReasons: reasons, expectations };
}

/**
 * Writes the run's deviations to `file`; with `judge`, the run is judged by them (so it
 * passes: the starting point of a team that ratchets from there).
 */
export function writeExpectations(results: ConformResults, file: string, judge: boolean): ConformResults {
  const text = formatExpectations(
    results.cases,
    results.strict,
    `Written ${results.startedAt} against ${results.target.address}.`,
  );
  writeTextFile(file, text);
  return judge ? applyExpectations(results, parseExpectations(text, file), file) : results;
}
