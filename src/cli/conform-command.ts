// `engram-stream conform`: flags -> runConformance -> one line per case, summary,
// results JSON (and JUnit, HTML) -> exit code from the verdict.
import type { Command } from 'commander';
import { selectCases, splitPatterns } from '../conform/case-selection.js';
import { CATALOG } from '../conform/catalog.js';
import { formatCatalog } from '../conform/catalog-listing.js';
import { defaultConformResultsPath } from '../conform/results-path.js';
import { runConformance } from '../conform/runner.js';
import {
  addConnectionOptions,
  type ConnectionFlags,
  connectionFromFlags,
} from '../endpoint/connection-options.js';
import { writeTextFile } from '../load/output/results-file.js';
import { caseLine, consoleChalk, summaryTable } from '../report/console/conform-summary.js';
import { renderHtml } from '../report/html.js';
import { renderJunit } from '../report/junit.js';
import { UserError } from '../util/user-error.js';
import { ExitCode } from './exit-codes.js';

interface ConformFlags extends ConnectionFlags {
  target?: string;
  case?: string[];
  exclude?: string[];
  list?: boolean;
  strict?: boolean;
  timeoutScale?: string;
  json?: string;
  junit?: string;
  html?: string;
  dim?: string;
  maxElements?: string;
}

const VERDICT_EXIT = {
  passed: ExitCode.OK,
  failed: ExitCode.FAILED,
  inconclusive: ExitCode.INCONCLUSIVE,
  error: ExitCode.USAGE,
};

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function positiveNumber(text: string, flag: string, example: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0)
    throw new UserError(`${flag} '${text}' is not a positive number; e.g. ${flag} ${example}`);
  return n;
}

function wholeNumber(text: string, flag: string, example: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < 1)
    throw new UserError(`${flag} '${text}' is not a whole number of at least 1; e.g. ${flag} ${example}`);
  return n;
}

export function register(program: Command): void {
  const command = program
    .command('conform')
    .description('Run the conformance suite against a server (default: the embedded reference server)')
    .option(
      '--target <host:port>',
      'server to test; without it, conform starts the embedded reference server',
    )
    .option(
      '--case <pattern>',
      'run only cases whose id matches (wildcards * ?; repeatable or comma list)',
      collect,
    )
    .option(
      '--exclude <pattern>',
      'leave out cases whose id matches (wildcards; repeatable or comma list)',
      collect,
    )
    .option('--list', 'print the catalog (ids, clauses, requirements) without running')
    .option('--strict', 'count NON-STRICT (allowed, not recommended) as failure')
    .option('--timeout-scale <factor>', 'multiply every wait and case budget, e.g. 3 for a slow target', '1')
    .option('--json <file>', 'results JSON (default: reports/conform-<time>.json)')
    .option('--junit <file>', 'also write JUnit XML for CI test reporters')
    .option('--html <file>', 'also write the self-contained HTML report')
    .option('--dim <n>', 'embedded server only: embedding dimension (default 384)')
    .option('--max-elements <n>', "the target's per-space element limit, if known (enables flow.space-full)");
  addConnectionOptions(command).action(async (flags: ConformFlags) => {
    const cases = splitPatterns(flags.case);
    const exclude = splitPatterns(flags.exclude);
    if (flags.list) {
      process.stdout.write(formatCatalog(selectCases(CATALOG, cases, exclude)));
      return;
    }
    if (flags.dim !== undefined && flags.target !== undefined) {
      throw new UserError(
        '--dim sets up the embedded server; with --target the server says its own dimension',
      );
    }
    if (flags.maxElements !== undefined && flags.target === undefined) {
      throw new UserError('--max-elements describes a --target; the embedded server has its own limit');
    }
    const connection = connectionFromFlags(flags);
    const c = consoleChalk();
    const results = await runConformance({
      cases,
      exclude,
      strict: flags.strict ?? false,
      timeoutScale: positiveNumber(flags.timeoutScale ?? '1', '--timeout-scale', '2'),
      connection,
      tls: flags.tls === true || flags.tlsCa !== undefined,
      ...(flags.target === undefined ? {} : { target: flags.target }),
      ...(flags.dim === undefined ? {} : { dim: wholeNumber(flags.dim, '--dim', '768') }),
      ...(flags.maxElements === undefined
        ? {}
        : { maxElements: wholeNumber(flags.maxElements, '--max-elements', '100000') }),
      onCaseDone: (r, i, total) => process.stdout.write(caseLine(c, r, i, total)),
    });
    const jsonPath = flags.json ?? defaultConformResultsPath(results);
    writeTextFile(jsonPath, `${JSON.stringify(results, null, 2)}\n`);
    const written = [jsonPath];
    if (flags.junit) {
      writeTextFile(flags.junit, renderJunit(results));
      written.push(flags.junit);
    }
    if (flags.html) {
      writeTextFile(flags.html, renderHtml(results));
      written.push(flags.html);
    }
    process.stdout.write(summaryTable(c, results, written));
    process.exitCode = VERDICT_EXIT[results.verdict];
  });
}
