// What `conform` prints while it runs: one line per case with its outcome in
// colour (plain text when stdout is not a terminal or CI is set), the failure
// explained as requirement / expected / actual, and a summary table at the end.
import { Chalk, type ChalkInstance } from 'chalk';
import { CATEGORIES } from '../../conform/case-types.js';
import { OUTCOMES } from '../../conform/run-verdict.js';
import type { CaseOutcome, CaseResult, ConformResults } from '../../results/results.js';

export function consoleChalk(stream: NodeJS.WriteStream = process.stdout): ChalkInstance {
  return new Chalk({ level: stream.isTTY && !process.env.CI ? 1 : 0 });
}

function paint(c: ChalkInstance, outcome: CaseOutcome, text: string): string {
  switch (outcome) {
    case 'PASS':
      return c.green(text);
    case 'NON-STRICT':
    case 'INCONCLUSIVE':
      return c.yellow(text);
    case 'FAIL':
    case 'ERROR':
      return c.red.bold(text);
    case 'SKIP':
      return c.dim(text);
  }
}

/** The line (and, unless it passed, the explanation) printed when a case finishes. */
export function caseLine(c: ChalkInstance, r: CaseResult, index: number, total: number): string {
  const width = String(total).length;
  const head =
    `[${String(index + 1).padStart(width)}/${total}] ${paint(c, r.outcome, r.outcome.padEnd(12))} ` +
    `${r.id.padEnd(36)} ${c.dim(`${r.durationMs.toFixed(0).padStart(5)} ms`)}`;
  const lines = [head];
  const indent = ' '.repeat(width * 2 + 4);
  if (r.outcome === 'FAIL' || r.outcome === 'ERROR') {
    lines.push(`${indent}requirement: ${r.requirement} [${r.clauses.join(', ')}]`);
    if (r.expected !== undefined) lines.push(`${indent}expected:    ${r.expected}`);
    if (r.actual !== undefined) lines.push(`${indent}actual:      ${r.actual}`);
  }
  if (r.reason !== undefined && r.outcome !== 'PASS') lines.push(`${indent}${c.dim(r.reason)}`);
  return `${lines.join('\n')}\n`;
}

/** Counts per category and outcome, the verdict and where the results went. */
export function summaryTable(c: ChalkInstance, r: ConformResults, written: readonly string[]): string {
  const categories = CATEGORIES.filter((cat) => r.cases.some((x) => x.category === cat));
  const col = (s: string | number, w: number) => String(s).padStart(w);
  const widths = OUTCOMES.map((o) => Math.max(o.length, 4));
  const header = `${'category'.padEnd(12)}${OUTCOMES.map((o, i) => col(o, (widths[i] as number) + 2)).join('')}`;
  const row = (name: string, cases: CaseResult[]) =>
    `${name.padEnd(12)}${OUTCOMES.map((o, i) => {
      const n = cases.filter((x) => x.outcome === o).length;
      const cell = col(n === 0 ? '.' : n, (widths[i] as number) + 2);
      return n === 0 ? c.dim(cell) : paint(c, o, cell);
    }).join('')}`;
  const lines = [
    '',
    c.bold(header),
    ...categories.map((cat) =>
      row(
        cat,
        r.cases.filter((x) => x.category === cat),
      ),
    ),
    c.bold(row('total', r.cases)),
    '',
  ];
  const style =
    r.verdict === 'passed' ? c.green.bold : r.verdict === 'inconclusive' ? c.yellow.bold : c.red.bold;
  lines.push(
    `${style(r.verdict.toUpperCase())}${r.strict ? ' (strict)' : ''}: ${r.verdictReasons.join('; ')} ` +
      c.dim(
        `in ${(r.durationMs / 1000).toFixed(1)} s against ${r.target.address}${r.target.embedded ? ' (embedded reference server)' : ''}`,
      ),
  );
  for (const file of written) lines.push(c.dim(`wrote ${file}`));
  return `${lines.join('\n')}\n`;
}
