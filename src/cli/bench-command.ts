// `engram-stream bench FILE`: flags -> scenario -> runBench -> progress, summary,
// results JSON (and HTML) -> exit code from the verdict.
import type { Command } from 'commander';
import {
  addConnectionOptions,
  type ConnectionFlags,
  connectionFlagsOf,
  connectionFromFlags,
} from '../endpoint/connection-options.js';
import { createProgress, progressMode } from '../load/output/progress.js';
import {
  defaultResultsPath,
  ensureOutputDir,
  writeResults,
  writeTextFile,
} from '../load/output/results-file.js';
import { runBench } from '../load/run/run-bench.js';
import { loadScenario } from '../load/scenario/load-scenario.js';
import { describeSchedule } from '../load/schedule/describe-schedule.js';
import { parseShard, WHOLE_RUN } from '../load/schedule/shard.js';
import { renderSummary } from '../report/console/bench-summary.js';
import { renderHtml } from '../report/html.js';
import { UserError } from '../util/user-error.js';
import { ExitCode } from './exit-codes.js';

interface BenchFlags extends ConnectionFlags {
  target?: string;
  json?: string;
  html?: string;
  shard?: string;
  dryRun?: boolean;
  quiet?: boolean;
  workers?: string;
}

const VERDICT_EXIT = {
  passed: ExitCode.OK,
  failed: ExitCode.FAILED,
  inconclusive: ExitCode.INCONCLUSIVE,
  error: ExitCode.USAGE,
};

function parseWorkers(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) {
    throw new UserError(
      `--workers '${text}' is not a number of threads; write 0 (main thread) or more, e.g. --workers 2`,
    );
  }
  return n;
}

export function register(program: Command): void {
  const command = program
    .command('bench')
    .description('Run a YAML load scenario against a server (default: the embedded reference server)')
    .argument('<file>', 'scenario file, e.g. scenarios/smoke.yaml')
    .option(
      '--target <host:port>',
      'server to benchmark; without it, bench starts the embedded reference server',
    )
    .option('--json <file>', 'results JSON (default: reports/bench-<scenario>-<time>.json)')
    .option('--html <file>', 'also write the self-contained HTML report')
    .option('--shard <i/N>', "run this shard's share of the sessions and rate, e.g. 0/4")
    .option(
      '--workers <n>',
      'worker threads for the sessions (default: min(sessions, cores); 0: main thread)',
    )
    .option('--dry-run', 'print the schedule it would run, and exit')
    .option('--quiet', 'no progress output, only the summary')
    .action(async (file: string, flags: BenchFlags) => {
      const scenario = loadScenario(file);
      const shard = flags.shard ? parseShard(flags.shard) : WHOLE_RUN;
      if (flags.dryRun) {
        process.stdout.write(describeSchedule(scenario, shard, flags.target ?? scenario.target.address));
        return;
      }
      const workers = parseWorkers(flags.workers);
      // Read the TLS and token files now, so that a bad one is an error before the run.
      const connection = connectionFlagsOf(flags);
      connectionFromFlags(connection);
      for (const file of [flags.json, flags.html]) if (file) ensureOutputDir(file);
      const progress = createProgress(progressMode(flags.quiet ?? false), scenario);
      // Ctrl-C: finish what is in flight, stop the embedded server, write the results; twice: quit now.
      const interrupt = new AbortController();
      process.once('SIGINT', () => {
        process.stderr.write('\nstopping: waiting for the outcomes in flight (Ctrl-C again to quit now)\n');
        interrupt.abort();
        process.once('SIGINT', () => process.exit(130));
      });
      const results = await runBench({
        scenario,
        shard,
        signal: interrupt.signal,
        ...(flags.target ? { target: flags.target } : {}),
        ...(workers !== undefined ? { workers } : {}),
        connection,
        onProgress: (p) => progress.update(p),
      }).finally(() => progress.stop());
      const jsonPath = flags.json ?? defaultResultsPath(results);
      writeResults(jsonPath, results);
      if (flags.html) writeTextFile(flags.html, renderHtml(results));
      process.stdout.write(renderSummary(results, jsonPath));
      process.exitCode = VERDICT_EXIT[results.verdict];
    });
  addConnectionOptions(command);
}
