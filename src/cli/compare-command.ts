// `engram-stream compare BASELINE.json CURRENT.json`: flags -> runCompare -> exit code
// from the comparison's verdict.
import type { Command } from 'commander';
import { runCompare } from '../report/compare/run-compare.js';
import { compareExitCode } from './exit-codes.js';

interface CompareFlags {
  tolerance?: string[];
  html?: string;
  json?: string;
  junit?: string;
}

export function register(program: Command): void {
  program
    .command('compare')
    .description(
      "Compare two results files (bench or conform): each metric's change with a confidence interval, or each case whose outcome changed",
    )
    .argument('<baseline>', 'results JSON of the baseline run')
    .argument('<current>', 'results JSON of the run to judge')
    .option(
      '--tolerance <metric=change>',
      "how much worse a metric may get, e.g. 'staleness.p99=+10%' or 'ack_latency.p99=+0.5ms' (repeatable; wildcards)",
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option('--html <file>', 'self-contained HTML page of the comparison')
    .option('--json <file>', 'the comparison as JSON')
    .option('--junit <file>', 'JUnit XML, one test case per metric')
    .addHelpText(
      'after',
      '\nExit codes: 0 no regression, 1 regression, 2 usage or unreadable/mismatched input, 3 inconclusive.',
    )
    .action((baseline: string, current: string, flags: CompareFlags) => {
      const outcome = runCompare(baseline, current, flags);
      for (const f of outcome.written) process.stderr.write(`wrote ${f}\n`);
      process.stdout.write(outcome.text);
      process.exitCode = compareExitCode(outcome.comparison.verdict);
    });
}
