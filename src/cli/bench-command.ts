// `engram-stream bench FILE`: flags -> scenario -> runBench -> progress, summary,
// results JSON (and HTML) -> exit code from the verdict.
import { basename } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import {
  addConnectionOptions,
  type ConnectionFlags,
  connectionFlagsOf,
  connectionFromFlags,
} from '../endpoint/connection-options.js';
import { addTransportOptions, type TransportFlags, transportChoice } from '../endpoint/stream-target.js';
import { createProgress, progressMode } from '../load/output/progress.js';
import { stopOnCtrlC } from '../load/run/interrupt.js';
import { runBench } from '../load/run/run-bench.js';
import { parseStartAt } from '../load/run/start-at.js';
import { parseWorkers } from '../load/run/workers-flag.js';
import { loadScenario } from '../load/scenario/load-scenario.js';
import { describeSchedule } from '../load/schedule/describe-schedule.js';
import { parseShard, WHOLE_RUN } from '../load/schedule/shard.js';
import { prepareBaseline } from '../report/compare/run-compare.js';
import { renderSummary } from '../report/console/bench-summary.js';
import { Dashboard } from '../report/live/dashboard.js';
import { writeOutputs } from '../report/write-outputs.js';
import { defaultResultsPath } from '../results/results-path.js';
import { formatDuration, parseDuration } from '../util/duration.js';
import { parseListenAddress } from '../util/listen-address.js';
import { ensureOutputDir } from '../util/output-file.js';
import { compareExitCode, VERDICT_EXIT } from './exit-codes.js';

interface BenchFlags extends ConnectionFlags, TransportFlags {
  target?: string;
  json?: string;
  html?: string;
  shard?: string;
  dryRun?: boolean;
  quiet?: boolean;
  workers?: string;
  startAt?: string;
  baseline?: string;
  tolerance?: string[];
  dashboard?: string;
  dashboardLinger: string;
}

export function register(program: Command): void {
  const command = program
    .command('bench')
    .description('Run a YAML load scenario against a server (default: the embedded reference server)')
    .argument('<file>', 'scenario file, e.g. scenarios/smoke.yaml')
    .option(
      '--target <host:port|ws-url>',
      'server to benchmark: host:port (gRPC) or ws://HOST:PORT/v1/stream (WebSocket); without it, bench starts the embedded reference server',
    )
    .option('--json <file>', 'results JSON (default: reports/bench-<scenario>-<time>.json)')
    .option('--html <file>', 'also write the self-contained HTML report')
    .option('--shard <i/N>', "run this shard's share of the sessions and rate, e.g. 0/4")
    .option(
      '--workers <n>',
      'worker threads for the sessions (default: min(sessions, cores); 0: main thread)',
    )
    .option(
      '--start-at <time>',
      'take this instant as time zero (RFC 3339, or +30s from now): shards started together; fails if not ready by then',
    )
    .option('--dry-run', 'print the schedule it would run, and exit')
    .option('--quiet', 'no progress output, only the summary')
    .option(
      '--baseline <file>',
      "compare the run with this earlier results JSON (exit code: the comparison's)",
    )
    .option(
      '--tolerance <metric=change>',
      "with --baseline: how much worse a metric may get, e.g. 'staleness.p99=+10%' (repeatable)",
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option(
      '--dashboard <[host:]port>',
      'serve a live dashboard of the run (host default 127.0.0.1; port 0 picks a free one)',
    )
    .option('--dashboard-linger <duration>', 'keep the dashboard up this long after the run, e.g. 5m', '0s')
    .action(async (file: string, flags: BenchFlags) => {
      const scenario = loadScenario(file);
      const shard = flags.shard ? parseShard(flags.shard) : WHOLE_RUN;
      const startAt = flags.startAt !== undefined ? parseStartAt(flags.startAt) : undefined;
      if (flags.dryRun) {
        process.stdout.write(describeSchedule(scenario, shard, flags.target ?? scenario.target.address));
        return;
      }
      const workers = parseWorkers(flags.workers);
      // Before the run, so that a missing baseline or a bad tolerance costs no run.
      const comparison = prepareBaseline({ ...flags, shardCount: shard.count });
      const transport = transportChoice(
        flags,
        flags.target ?? scenario.target.address,
        scenario.target.transport,
      );
      // Read the TLS and token files now, so that a bad one is an error before the run.
      const connection = connectionFlagsOf(flags);
      connectionFromFlags(connection);
      for (const file of [flags.json, flags.html]) if (file) ensureOutputDir(file);
      const listen = flags.dashboard ? parseListenAddress(flags.dashboard, '--dashboard') : undefined;
      const lingerMs = parseDuration(flags.dashboardLinger, '--dashboard-linger');
      const dashboard = listen
        ? await Dashboard.start({ listen, scenario, shard: { index: shard.index, count: shard.count } })
        : undefined;
      try {
        if (dashboard) process.stdout.write(`dashboard at ${dashboard.url}\n`);
        if (startAt !== undefined && !flags.quiet) {
          process.stderr.write(
            `starting at ${new Date(startAt).toISOString()} (in ${((startAt - Date.now()) / 1000).toFixed(1)} s) once every session is ready\n`,
          );
        }
        const signal = stopOnCtrlC();
        const progress = createProgress(progressMode(flags.quiet ?? false), scenario);
        const results = await runBench({
          scenario,
          shard,
          signal,
          ...(flags.target ? { target: flags.target } : {}),
          ...(workers !== undefined ? { workers } : {}),
          ...(startAt !== undefined ? { startAt } : {}),
          connection,
          transport,
          onProgress: (p) => {
            progress.update(p);
            dashboard?.update(p);
          },
        }).finally(() => progress.stop());
        const paths = {
          json: flags.json ?? defaultResultsPath(results),
          ...(flags.html ? { html: flags.html } : {}),
        };
        writeOutputs(results, paths);
        dashboard?.finish(results, `${basename(paths.json).replace(/\.json$/, '')}.html`);
        process.stdout.write(renderSummary(results, paths));
        process.exitCode = VERDICT_EXIT[results.verdict];
        if (comparison) {
          const compared = comparison.finish(paths.json, results);
          process.stdout.write(`\n${compared.text}`);
          // The comparison decides only a run that passed on its own.
          if (results.verdict === 'passed') process.exitCode = compareExitCode(compared.comparison.verdict);
        }
        if (dashboard && lingerMs > 0 && !signal.aborted) {
          process.stderr.write(
            `dashboard stays at ${dashboard.url} for ${formatDuration(lingerMs)} (Ctrl-C to stop now)\n`,
          );
          await sleep(lingerMs, undefined, { signal }).catch(() => {});
        }
      } finally {
        await dashboard?.close();
      }
    });
  addTransportOptions(addConnectionOptions(command));
}
