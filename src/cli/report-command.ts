// `engram-stream report RESULTS.json...`: flags -> runReport -> exit code from the verdict.
import type { Command } from 'commander';
import { startText } from '../report/console/start-text.js';
import { runReport } from '../report/run-report.js';
import { VERDICT_EXIT } from './exit-codes.js';

interface ReportFlags {
  html?: string;
  junit?: string;
  hgrm?: string;
  merge?: string;
}

export function register(program: Command): void {
  program
    .command('report')
    .description(
      'Render results JSON (bench or conform) as HTML, JUnit XML or .hgrm; merge the shards of one bench run',
    )
    .argument(
      '<results...>',
      'results JSON files; several files are the shards of one bench run and are merged',
    )
    .option(
      '--html <file>',
      'self-contained HTML report (default when no other output is asked: next to the JSON)',
    )
    .option('--junit <file>', 'JUnit XML for CI test reporters')
    .option('--hgrm <dir>', 'one HdrHistogram percentile-distribution file per latency/staleness histogram')
    .option('--merge <file>', 'write the merged results JSON (thresholds judged again on the merged data)')
    .addHelpText(
      'after',
      '\nExit codes: 0 passed, 1 failed, 2 unreadable or invalid input, 3 inconclusive (from the merged verdict).',
    )
    .action((files: string[], flags: ReportFlags) => {
      const outcome = runReport(files, flags);
      for (const f of outcome.written) process.stderr.write(`wrote ${f}\n`);
      if (outcome.start) process.stdout.write(`${startText(outcome.start)}\n`);
      process.stdout.write(
        `verdict: ${outcome.verdict}\n${outcome.verdictReasons.map((r) => `  ${r}\n`).join('')}`,
      );
      process.exitCode = VERDICT_EXIT[outcome.verdict];
    });
}
