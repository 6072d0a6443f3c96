// Runs a scenario against a target: the embedded reference server in a child
// process unless a target is given, sessions spread over worker threads, the
// checker folded live in each worker, the series merged each second, and at the
// end one BenchResults with histograms merged by addition and the verdict.
import { createHash } from 'node:crypto';
import os from 'node:os';
import { type ConnectionFlags, usesTls } from '../../endpoint/connection-options.js';
import { type EmbeddedServer, startEmbeddedServer } from '../../endpoint/embedded-server.js';
import { type TransportChoice, targetHostPort, transportInfo } from '../../endpoint/stream-target.js';
import { mergeCheckReports } from '../../judge/check-merge.js';
import { judgeBench } from '../../judge/judge-bench.js';
import { histogramStatMs } from '../../judge/metric-lookup.js';
import { encodeScope, type MeasuredScope, runScope, sumScope } from '../../judge/scopes.js';
import { evaluateThreshold, type MetricLookup } from '../../judge/thresholds/evaluate-thresholds.js';
import { WS_STREAM_PATH } from '../../protocol/ws/subprotocols.js';
import type {
  BenchResults,
  Marker,
  PhaseResult,
  SeriesPoint,
  StartRecord,
  ThresholdResult,
} from '../../results/results.js';
import { RESULTS_SCHEMA_VERSION, type Unavailable } from '../../results/results.js';
import type { RunHistogram } from '../../results/run-histograms.js';
import type { Histogram } from '../../stats/histogram.js';
import { describeEnvironment } from '../../util/environment.js';
import { sumCounters } from '../../util/sum-counters.js';
import { UserError } from '../../util/user-error.js';
import { TOOL_VERSION } from '../../util/version.js';
import { TargetError } from '../driver/session-driver.js';
import { isNetworkFault, type Phase, type Scenario } from '../scenario/scenario.js';
import { phaseArrivalCounts } from '../schedule/arrivals.js';
import { resolveFaults } from '../schedule/faults.js';
import { phaseAt } from '../schedule/phases.js';
import { type Shard, shardSessions, WHOLE_RUN } from '../schedule/shard.js';
import { assessHealth, LATE_BUDGET_MS } from './generator-health.js';
import { type GroupHost, hostInProcess, hostInWorker } from './group-host.js';
import { NetworkChaos, PROXY_NOTE } from './network-chaos.js';
import { CpuMonitor } from './self-monitor.js';
import { type LiveTotals, SeriesAccumulator } from './series-accumulator.js';
import type { DriverTimings, GroupReport } from './session-group.js';
import { waitForStart } from './start-at.js';
import { epochNow } from './start-clock.js';

export interface BenchProgress {
  /** ms since the run's origin. */
  tMs: number;
  phase: Phase | undefined;
  totals: LiveTotals;
  /** Phase changes and faults due so far (and an abort, if one came). */
  markers: readonly Marker[];
  /** The per-second points that got data since the last call (for a live view). */
  changedSeconds: () => SeriesPoint[];
  /** Any second's point as it stands now. */
  pointAt: (second: number) => SeriesPoint;
  /** The generator process's CPU since the run's start, % of one core (all threads). */
  cpuPercent: number;
}

export interface BenchOptions {
  scenario: Scenario;
  /** host:port or ws://...; absent: the scenario's target.address, else the embedded reference server. */
  target?: string;
  /** --transport, --ws-dialect, --recall-target (checked by transportChoice). */
  transport?: TransportChoice;
  /** --tls, --tls-ca, --header, --token-file ...: how to dial the target. */
  connection?: ConnectionFlags;
  shard?: Shard;
  /** Worker threads; 0 runs the sessions on the main thread. Default: min(sessions, cores). */
  workers?: number;
  timings?: Partial<DriverTimings>;
  /** About once a second while the run lasts. */
  onProgress?: (p: BenchProgress) => void;
  /** Stops the run early (e.g. Ctrl-C): what is in flight still gets its outcome; the verdict cannot pass. */
  signal?: AbortSignal;
  /** Once the target is known (the embedded server's address when started). */
  onTarget?: (address: string, embedded: boolean) => void;
  /** The run's origin as high-resolution epoch ms (performance.timeOrigin + performance.now()). */
  onStart?: (epochOrigin: number) => void;
  /** Epoch ms to take as time zero (--start-at) instead of "as soon as the sessions are ready". */
  startAt?: number;
}

const DEFAULT_TIMINGS: DriverTimings = {
  lateBudgetMs: LATE_BUDGET_MS,
  initTimeoutMs: 10_000,
  finishTimeoutMs: 5_000,
};
/** Time between the last session connected and the first scheduled send. */
const START_MARGIN_MS = 20;
const PROGRESS_MS = 1000;

export async function runBench(o: BenchOptions): Promise<BenchResults> {
  const { scenario } = o;
  const shard = o.shard ?? WHOLE_RUN;
  const sessions = shardSessions(scenario.sessions, shard);
  if (sessions.length === 0) {
    throw new UserError(
      `--shard ${shard.index}/${shard.count}: the scenario has ${scenario.sessions} session(s), so this shard has none; use fewer shards`,
    );
  }
  const workers = Math.min(
    o.workers ?? Math.min(sessions.length, os.availableParallelism()),
    sessions.length,
  );
  const series = new SeriesAccumulator();
  // Worker threads load while the embedded server starts: both take a while.
  const hosts: GroupHost[] = Array.from({ length: Math.max(1, workers) }, () =>
    workers === 0 ? hostInProcess((s) => series.add(s)) : hostInWorker((s) => series.add(s)),
  );
  let embedded: EmbeddedServer | undefined;
  let chaos: NetworkChaos | undefined;
  try {
    const given = o.target ?? scenario.target.address;
    if (!given && o.connection && usesTls(o.connection)) {
      throw new UserError(
        '--tls and --tls-ca need a --target: the embedded reference server speaks plaintext',
      );
    }
    const overWs = (o.transport?.transport ?? scenario.target.transport) === 'ws';
    if (!given) {
      embedded = await startEmbeddedServer({
        args: [
          '--dim',
          String(scenario.dim),
          ...scenario.target.serveArgs,
          ...(overWs ? ['--http-port', '0'] : []),
        ],
      });
    }
    const address =
      given ??
      (overWs ? `ws://${embedded?.httpAddress}${WS_STREAM_PATH}` : (embedded as EmbeddedServer).address);
    o.onTarget?.(address, embedded !== undefined);
    const timings = { ...DEFAULT_TIMINGS, ...o.timings };
    chaos = await NetworkChaos.start(scenario, sessions, targetHostPort(address));
    hosts.forEach((h, g) => {
      const mine = sessions.filter((_, i) => i % hosts.length === g);
      h.open({
        scenario,
        target: address,
        ...(chaos ? { dialVia: chaos.dialVia(mine) } : {}),
        ...(o.connection ? { connection: o.connection } : {}),
        ...(o.transport?.wsDialect === undefined ? {} : { wsDialect: o.transport.wsDialect }),
        ...(o.transport?.recallTarget === undefined ? {} : { recallTarget: o.transport.recallTarget }),
        sessions: mine,
        timings,
      });
    });
    return await runAgainst(o, { address, embedded: embedded !== undefined, shard, hosts, series, chaos });
  } catch (err) {
    await Promise.all(hosts.map((h) => h.dispose()));
    throw err;
  } finally {
    await chaos?.stop();
    await embedded?.stop();
  }
}

interface RunSetup {
  address: string;
  embedded: boolean;
  shard: Shard;
  hosts: GroupHost[];
  series: SeriesAccumulator;
  chaos: NetworkChaos | undefined;
}

async function runAgainst(o: BenchOptions, setup: RunSetup): Promise<BenchResults> {
  const { scenario } = o;
  const { address, embedded, shard, hosts, series, chaos } = setup;
  try {
    await Promise.all(hosts.map((h) => h.ready));
  } catch (err) {
    if (err instanceof TargetError) {
      throw new UserError(
        `cannot run sessions on ${address}: ${err.message}; check --target and that the server is up`,
      );
    }
    throw err;
  }

  const readyBeforeMs = o.startAt === undefined ? undefined : await waitForStart(o.startAt, o.signal);
  const epochOrigin = o.startAt ?? epochNow() + START_MARGIN_MS;
  const startedAt = new Date(epochOrigin).toISOString();
  o.onStart?.(epochOrigin);
  const cpu = new CpuMonitor();
  chaos?.play(epochOrigin, (note) => {
    for (const h of hosts) h.netFault(note);
  });
  // Network faults are marked when the proxy acted on them (chaos.markers).
  const markers: Marker[] = [
    ...scenario.phases.map((p): Marker => ({ t: p.startMs, kind: 'phase', label: p.name })),
    ...resolveFaults(scenario)
      .filter((f) => !isNetworkFault(f))
      .map(
        (f): Marker => ({ t: f.atMs, kind: 'fault', label: `${f.kind} (${f.sessions.length} session(s))` }),
      ),
  ];
  let abortedBy: string | undefined;
  let interrupted = false;
  const stopAll = (label: string) => {
    markers.push({ t: epochNow() - epochOrigin, kind: 'abort', label });
    for (const h of hosts) h.stop();
  };
  const tick = setInterval(() => {
    const tMs = epochNow() - epochOrigin;
    o.onProgress?.({
      tMs,
      phase: phaseAt(scenario, tMs),
      totals: series.totals,
      markers: markers.filter((m) => m.t <= tMs),
      changedSeconds: () => series.takeChanged(scenario, epochOrigin),
      pointAt: (second) => series.pointAt(second, scenario, epochOrigin),
      cpuPercent: cpu.percent(),
    });
    if (abortedBy || interrupted) return;
    const failed = liveAbortCheck(scenario, series.totals);
    if (failed) {
      abortedBy = failed.expression;
      stopAll(`${failed.expression} (actual ${failed.actual})`);
    }
  }, PROGRESS_MS);
  const onInterrupt = () => {
    interrupted = true;
    stopAll('interrupted');
  };
  if (o.signal?.aborted) onInterrupt();
  else o.signal?.addEventListener('abort', onInterrupt, { once: true });
  let reports: GroupReport[];
  try {
    reports = await Promise.all(hosts.map((h) => h.run(epochOrigin)));
  } finally {
    clearInterval(tick);
    o.signal?.removeEventListener('abort', onInterrupt);
  }
  const durationMs = epochNow() - epochOrigin;
  const offered = phaseArrivalCounts(scenario);
  const cpuPercent = cpu.percent();
  if (chaos) markers.push(...chaos.markers);

  const check = mergeCheckReports(reports.map((r) => r.check));
  const phases = scenario.phases.map((phase, i) =>
    sumScope(
      phase.durationMs,
      reports.flatMap((r) => r.phases[i] ?? []),
    ),
  );
  const run = runScope(
    abortedBy || interrupted ? durationMs : scenario.totalMs,
    phases,
    sumCounters(reports.map((r) => r.counters)),
  );
  const unavailable = mergeUnavailable(scenario, reports);
  const counters = run.counters;
  const health = assessHealth({
    loopLagP99Ms: Math.max(...reports.map((r) => r.loopLag.p99Ms)),
    loopLagMaxMs: Math.max(...reports.map((r) => r.loopLag.maxMs)),
    cpuPercent,
    sendingThreads: hosts.length,
    cores: os.availableParallelism(),
    firstSends: counters.first_sends ?? 0,
    lateSends: counters.late_sends ?? 0,
    heldBySendWindow: counters.held_by_send_window ?? 0,
  });
  const { thresholds, verdict, reasons } = judgeBench(
    scenario.thresholds,
    {
      run,
      phases: new Map(scenario.phases.map((p, i) => [p.name, phases[i] as MeasuredScope])),
      check,
      unavailable,
    },
    { health, ...(abortedBy ? { abortedBy } : {}), interrupted },
  );
  const capabilities = reports.flatMap((r) => r.outcomes).find((x) => x.capabilities)?.capabilities;
  return {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    tool: { name: 'engram-stream', version: TOOL_VERSION },
    kind: 'bench',
    startedAt,
    durationMs: Math.round(durationMs),
    target: {
      address,
      embedded,
      tls: o.connection ? usesTls(o.connection) : false,
      ...(chaos ? { network: PROXY_NOTE } : {}),
      ...transportInfo(address, o.transport?.wsDialect),
      ...(capabilities ? { capabilities: { ...capabilities } as Record<string, number | boolean> } : {}),
    },
    environment: describeEnvironment(),
    verdict,
    verdictReasons: reasons,
    findings: check.findings,
    scenario: {
      name: scenario.name,
      file: scenario.file,
      description: scenario.description,
      digest: createHash('sha256').update(scenario.source).digest('hex'),
      source: scenario.source,
    },
    shard,
    ...(o.startAt !== undefined ? { start: startRecord(o.startAt, readyBeforeMs ?? 0, reports) } : {}),
    histograms: encodeScope(run),
    counters: { ...counters, ...failureCounters(reports) },
    checkCounts: check.counts,
    phases: scenario.phases.map((p, i) => phaseResult(p, phases[i] as MeasuredScope, offered[i] ?? 0)),
    series: series.points(scenario, epochOrigin),
    markers: markers.sort((a, b) => a.t - b.t),
    thresholds,
    generator: health,
    unavailable: [...unavailable, ...sessionFailures(reports)],
  };
}

/** The common start and how well this run kept to it: the latest of its threads' first sends tells. */
function startRecord(startAt: number, readyBeforeMs: number, reports: GroupReport[]): StartRecord {
  const late = reports.flatMap((r) => (r.firstSendLateMs !== undefined ? [r.firstSendLateMs] : []));
  return {
    at: new Date(startAt).toISOString(),
    readyBeforeMs: Math.round(readyBeforeMs),
    ...(late.length > 0 ? { latenessMs: Math.round(Math.max(...late) * 100) / 100 } : {}),
  };
}

/** Thresholds marked abortOnFail, judged on the live run-wide totals where those can answer. */
function liveAbortCheck(scenario: Scenario, totals: LiveTotals): ThresholdResult | undefined {
  const histograms: Partial<Record<RunHistogram, Histogram>> = {
    ack_latency: totals.ackLatency,
    staleness: totals.staleness,
  };
  const lookup: MetricLookup = (metric, scope) => {
    const dot = metric.lastIndexOf('.');
    const h = histograms[metric.slice(0, dot) as RunHistogram];
    if (scope !== 'run' || !h || h.totalCount === 0) return { unavailable: 'not judged live' };
    return histogramStatMs(h, metric.slice(dot + 1));
  };
  return scenario.thresholds
    .filter((t) => t.abortOnFail)
    .map((t) => evaluateThreshold(t, lookup))
    .find((r) => r.passed === false);
}

function phaseResult(phase: Phase, scope: MeasuredScope, scheduled: number): PhaseResult {
  return {
    name: phase.name,
    startMs: phase.startMs,
    durationMs: phase.durationMs,
    shape: phase.shape.kind,
    // Across all sessions of the scenario (all shards), as the scenario states rates.
    offeredRate: phase.durationMs > 0 ? scheduled / (phase.durationMs / 1000) : 0,
    histograms: encodeScope(scope),
    counters: scope.counters,
  };
}

function failureCounters(reports: GroupReport[]): Record<string, number> {
  const sessions = reports.flatMap((r) => r.outcomes);
  return { sessions: sessions.length, sessions_failed: sessions.filter((s) => s.failure).length };
}

/** What the target could not give, once per metric, and what the scenario did not ask for. */
function mergeUnavailable(scenario: Scenario, reports: GroupReport[]): Unavailable[] {
  const out: Unavailable[] = [];
  const notAsked: Unavailable[] = [];
  if (!scenario.indexAcks)
    notAsked.push({ metric: 'staleness', why: 'not asked for: the scenario has indexAcks: false' });
  if (scenario.probes.share === 0) {
    notAsked.push({
      metric: 'staleness_probe',
      why: 'not asked for: the scenario has no probes (probes.share is 0)',
    });
  }
  for (const u of [...reports.flatMap((r) => r.unavailable), ...notAsked]) {
    if (!out.some((x) => x.metric === u.metric)) out.push(u);
  }
  return out;
}

/** Sessions that stopped early, said once per distinct reason. */
function sessionFailures(reports: GroupReport[]): Unavailable[] {
  const byReason = new Map<string, string[]>();
  for (const s of reports.flatMap((r) => r.outcomes)) {
    if (s.failure) byReason.set(s.failure, [...(byReason.get(s.failure) ?? []), s.session]);
  }
  return [...byReason].map(([why, sessions]) => ({
    metric: `sessions ${sessions.slice(0, 5).join(', ')}${sessions.length > 5 ? ` (+${sessions.length - 5})` : ''}`,
    why: `stopped early: ${why}`,
  }));
}
