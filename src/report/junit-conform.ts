import type { CaseResult, ConformResults } from '../results/results.js';
import { formatExample } from './finding-titles.js';
import type { JunitCase, JunitOutcome, JunitSuite } from './junit-xml.js';
import { formatTranscript } from './transcript-text.js';

function caseDetail(c: CaseResult): string {
  const lines = [`Requirement: ${c.requirement}`, `Clauses: ${c.clauses.join(', ')}`];
  if (c.expected !== undefined) lines.push(`Expected: ${c.expected}`);
  if (c.actual !== undefined) lines.push(`Actual: ${c.actual}`);
  if (c.reason !== undefined) lines.push(`Reason: ${c.reason}`);
  for (const f of c.findings) {
    lines.push(`Finding ${f.kind} (${f.severity}, ${f.count}x): ${f.message}`);
    for (const e of f.examples) lines.push(`  ${formatExample(e)}`);
  }
  return lines.join('\n');
}

function summaryLine(c: CaseResult): string {
  if (c.actual !== undefined && c.expected !== undefined) return `expected ${c.expected}; got ${c.actual}`;
  return c.reason ?? c.actual ?? c.requirement;
}

function outcomeOf(c: CaseResult, strict: boolean): JunitOutcome {
  switch (c.outcome) {
    case 'PASS':
      return { kind: 'passed' };
    case 'NON-STRICT':
      // Allowed by the spec but not recommended: a failure only under --strict.
      return strict
        ? { kind: 'failure', type: 'NON-STRICT', message: summaryLine(c), detail: caseDetail(c) }
        : { kind: 'passed' };
    case 'FAIL':
      return { kind: 'failure', type: 'FAIL', message: summaryLine(c), detail: caseDetail(c) };
    case 'ERROR':
      return { kind: 'error', type: 'ERROR', message: summaryLine(c), detail: caseDetail(c) };
    case 'SKIP':
    case 'INCONCLUSIVE':
      return { kind: 'skipped', message: `${c.outcome}: ${c.reason ?? 'no reason given'}` };
  }
}

function junitCase(c: CaseResult, strict: boolean): JunitCase {
  const outcome = outcomeOf(c, strict);
  const notes: string[] = [];
  if (c.outcome === 'NON-STRICT' && !strict) notes.push(`NON-STRICT: ${c.reason ?? summaryLine(c)}`);
  // The wire transcript is what a reader needs to see why a case did not pass.
  if (c.outcome !== 'PASS' && c.transcript.length > 0) notes.push(`Transcript:\n${formatTranscript(c)}`);
  const j: JunitCase = {
    name: `${c.id} ${c.requirement}`,
    classname: `engram-stream.conform.${c.category}`,
    seconds: c.durationMs / 1000,
    outcome,
  };
  if (notes.length > 0) j.output = notes.join('\n\n');
  return j;
}

/** One suite per case category, in the order the categories first appear. */
export function conformSuites(r: ConformResults): JunitSuite[] {
  const byCategory = new Map<string, CaseResult[]>();
  for (const c of r.cases) {
    const list = byCategory.get(c.category) ?? [];
    list.push(c);
    byCategory.set(c.category, list);
  }
  const properties: [string, string][] = [
    ['tool.version', r.tool.version],
    ['target', r.target.address],
    ['strict', String(r.strict)],
    ['verdict', r.verdict],
    ['node', r.environment.node],
  ];
  return [...byCategory].map(([category, cases]) => ({
    name: `conform.${category}`,
    timestamp: r.startedAt,
    hostname: r.environment.hostname,
    properties,
    cases: cases.map((c) => junitCase(c, r.strict)),
  }));
}
