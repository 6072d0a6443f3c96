// `engram-stream conform`: flags -> runConformance -> one line per case, summary,
// results JSON (and JUnit, HTML) -> exit code from the verdict.
import type { Command } from 'commander';
import { selectCases, splitPatterns } from '../conform/case-selection.js';
import { CATALOG } from '../conform/catalog.js';
import { formatCatalog } from '../conform/catalog-listing.js';
import { targetOptions } from '../conform/conform-flags.js';
import { loadExpectations, writeExpectations } from '../conform/expectations.js';
import { runConformance } from '../conform/runner.js';
import {
  addConnectionOptions,
  type ConnectionFlags,
  connectionFromFlags,
} from '../endpoint/connection-options.js';
import { addTransportOptions, type TransportFlags } from '../endpoint/stream-target.js';
import { caseLine, consoleChalk, summaryTable } from '../report/console/conform-summary.js';
import { writeOutputs } from '../report/write-outputs.js';
import { defaultResultsPath } from '../results/results-path.js';
import { VERDICT_EXIT } from './exit-codes.js';

interface ConformFlags extends ConnectionFlags, TransportFlags {
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
  expect?: string;
  writeExpect?: string;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function register(program: Command): void {
  const command = program
    .command('conform')
    .description('Run the conformance suite against a server (default: the embedded reference server)')
    .option(
      '--target <host:port>',
      'server to test: host:port (gRPC) or ws://HOST:PORT/v1/stream (WebSocket); without it, conform starts the embedded reference server',
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
    .option('--max-elements <n>', "the target's per-space element limit, if known (enables flow.space-full)")
    .option(
      '--expect <file>',
      'known deviations (YAML: case id pattern: outcome  # why); exit 0 when every outcome matches',
    )
    .option('--write-expect <file>', "write this run's deviations as an expectations file, to start green");
  addTransportOptions(addConnectionOptions(command)).action(async (flags: ConformFlags) => {
    const cases = splitPatterns(flags.case);
    const exclude = splitPatterns(flags.exclude);
    if (flags.list) {
      process.stdout.write(formatCatalog(selectCases(CATALOG, cases, exclude)));
      return;
    }
    const target = targetOptions(flags);
    const connection = connectionFromFlags(flags);
    const c = consoleChalk();
    // Read before the run, so that a bad file costs no run.
    const expectations = flags.expect
      ? { list: loadExpectations(flags.expect), file: flags.expect }
      : undefined;
    let results = await runConformance({
      ...(expectations ? { expectations } : {}),
      cases,
      exclude,
      strict: flags.strict ?? false,
      connection,
      tls: flags.tls === true || flags.tlsCa !== undefined,
      ...target,
      onCaseDone: (r, i, total) => process.stdout.write(caseLine(c, r, i, total)),
    });
    // Without --expect, the run is judged by the file it writes: the starting point.
    if (flags.writeExpect) results = writeExpectations(results, flags.writeExpect, !expectations);
    const written = [
      ...writeOutputs(results, {
        json: flags.json ?? defaultResultsPath(results),
        ...(flags.junit ? { junit: flags.junit } : {}),
        ...(flags.html ? { html: flags.html } : {}),
      }),
      ...(flags.writeExpect ? [flags.writeExpect] : []),
    ];
    process.stdout.write(summaryTable(c, results, written));
    process.exitCode = VERDICT_EXIT[results.verdict];
  });
}
