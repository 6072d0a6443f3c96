// The sessions one thread runs (a worker, or the main thread for a small run):
// their drivers, one recall prober, the live checker fold (one checker per session)
// and the metrics. The history is never kept: every event goes straight into the
// checker of its session.
import type { ChannelOptions } from '@grpc/grpc-js';
import type { Checker } from '../../check/check-types.js';
import { createChecker } from '../../check/checker.js';
import { type ConnectionFlags, connectionFromFlags } from '../../endpoint/connection-options.js';
import type { SessionKey } from '../../history/history.js';
import { type EncodedCheckReport, encodeCheckReport, mergeCheckReports } from '../../judge/check-merge.js';
import type { Unavailable } from '../../results/results.js';
import { RUN_HISTOGRAMS, type RunHistogram } from '../../results/run-histograms.js';
import type { EncodedHistogram } from '../../stats/histogram.js';
import { encodeHistogram } from '../../stats/histogram.js';
import { seededRandom } from '../../util/seeded-random.js';
import { EmbeddingSource, EpisodePool } from '../driver/episode-pool.js';
import type { SessionFault } from '../driver/fault-injector.js';
import { RecallProber } from '../driver/recall-prober.js';
import { SessionChannel } from '../driver/session-channel.js';
import { type DriverOutcome, SessionDriver } from '../driver/session-driver.js';
import { isNetworkFault, type Scenario } from '../scenario/scenario.js';
import { createArrivals } from '../schedule/arrivals.js';
import { resolveFaults } from '../schedule/faults.js';
import { type LoopLag, LoopLagMonitor } from './self-monitor.js';
import { StartClock } from './start-clock.js';
import { type SecondSnapshot, WorkerMetrics } from './worker-metrics.js';

export interface DriverTimings {
  /** A first send later than this after its intended time counts as late. */
  lateBudgetMs: number;
  initTimeoutMs: number;
  finishTimeoutMs: number;
}

export interface GroupSpec {
  scenario: Scenario;
  target: string;
  /** Per session (parallel to `sessions`), the address it dials instead of `target`: its route through the fault proxy. */
  dialVia?: string[];
  /** --tls, --tls-ca, --header, --token-file ... as plain data (it crosses to worker threads). */
  connection?: ConnectionFlags;
  /** WebSocket targets: --ws-dialect and --recall-target. */
  wsDialect?: string;
  recallTarget?: string;
  /** Global indices of the sessions this group runs. */
  sessions: number[];
  timings: DriverTimings;
}

export interface EncodedPhaseMetrics {
  histograms: Record<RunHistogram, EncodedHistogram>;
  counters: Record<string, number>;
}

export interface GroupReport {
  phases: EncodedPhaseMetrics[];
  counters: Record<string, number>;
  check: EncodedCheckReport;
  outcomes: DriverOutcome[];
  unavailable: Unavailable[];
  loopLag: LoopLag;
  /** How late the thread's first send left (ms); absent when it sent nothing. */
  firstSendLateMs?: number;
}

/** A network fault going on or off, as the main thread tells the groups (times on the run clock). */
export interface NetworkFaultNote {
  t: number;
  fault: string;
  id: number;
  phase: 'start' | 'end';
  /** Global indices of the sessions it affects. */
  sessions: number[];
  /** Connections of each session it took hold of or reset, by global index. */
  connections: Record<number, number>;
}

/** Channel options from the scenario: keepalive, and the TLS name when dialled through the proxy. */
function dialOptions(spec: GroupSpec): ChannelOptions {
  const k = spec.scenario.keepalive;
  return {
    ...(k ? { 'grpc.keepalive_time_ms': k.timeMs, 'grpc.keepalive_timeout_ms': k.timeoutMs } : {}),
    ...(spec.dialVia
      ? {
          'grpc.ssl_target_name_override': spec.target.slice(0, spec.target.lastIndexOf(':')),
          'grpc.default_authority': spec.target,
        }
      : {}),
  };
}

/** Seconds are handed over soon after they end, so the live display lags little. */
const SERIES_FLUSH_MS = 250;

/** A session's name in the history and the results: its global index, the same in every shard. */
function sessionKey(index: number): SessionKey {
  return `s${index}`;
}

export class SessionGroup {
  private stopRequested = false;
  /** The histories are closed: a late note about a network fault has nowhere to go. */
  private historiesClosed = false;

  private constructor(
    private readonly clock: StartClock,
    private readonly metrics: WorkerMetrics,
    private readonly checkers: Map<SessionKey, Checker>,
    private readonly drivers: SessionDriver[],
    private readonly prober: RecallProber | undefined,
    private readonly proberChannel: SessionChannel | undefined,
    private readonly onSeconds: (s: SecondSnapshot[]) => void,
  ) {}

  /** Builds the drivers and connects every session (init); throws TargetError when the target fails. */
  static async open(spec: GroupSpec, onSeconds: (s: SecondSnapshot[]) => void): Promise<SessionGroup> {
    const { scenario, timings } = spec;
    const metrics = new WorkerMetrics(scenario);
    const checkers = new Map<SessionKey, Checker>(
      spec.sessions.map((index) => [
        sessionKey(index),
        createChecker({
          onStaleness: (ms, _session, _seq, t, source) => metrics.staleness(ms, t, source),
          onNetworkMeasure: (what, ms, t) => metrics.network(what, ms, t),
          // Without probes there is nothing to match sends to by episode: skip remembering them.
          ...(scenario.probes.share === 0 ? { probeWindow: 0 } : {}),
        }),
      ]),
    );
    // Every event but the history's 'end' names its session.
    const clock = new StartClock((e) => {
      if (e.type !== 'end') checkers.get(e.session)?.observe(e);
    });
    const first = spec.sessions[0] ?? 0;
    const pool = new EpisodePool(new EmbeddingSource(scenario.dim, scenario.embeddings, first), `g${first}`);
    const connection = spec.connection ? connectionFromFlags(spec.connection) : undefined;
    const target = {
      target: spec.target,
      ...(connection ? { connection } : {}),
      ...(spec.wsDialect === undefined ? {} : { wsDialect: spec.wsDialect }),
      ...(spec.recallTarget === undefined ? {} : { recallTarget: spec.recallTarget }),
    };
    const proberChannel = scenario.probes.share > 0 ? new SessionChannel(target) : undefined;
    const prober = proberChannel
      ? new RecallProber(
          proberChannel.streams,
          clock.sink,
          clock,
          scenario.probes,
          metrics,
          proberChannel.metadata(),
        )
      : undefined;
    // Network faults are the proxy's business; the drivers inject the others.
    const faults = resolveFaults(scenario).filter((f) => !isNetworkFault(f));
    const channelOptions = dialOptions(spec);
    let streamId = 0;
    const drivers = spec.sessions.map((index, i) => {
      const sessionFaults: SessionFault[] = faults
        .filter((f) => f.sessions.includes(index))
        .map((f) => ({ atMs: f.atMs, fault: f }));
      return new SessionDriver(
        {
          session: sessionKey(index),
          memorySpaceId: scenario.memorySpaces[index % scenario.memorySpaces.length] as string,
          dim: scenario.dim,
          window: scenario.sendWindow,
          indexAcks: scenario.indexAcks,
          drain: scenario.close.drain,
          probeShare: scenario.probes.share,
          seed: Math.floor(seededRandom(scenario.seed + index)() * 2 ** 32),
          ...timings,
        },
        {
          channel: new SessionChannel(
            { ...target, ...(spec.dialVia?.[i] ? { dialVia: spec.dialVia[i] } : {}) },
            channelOptions,
          ),
          sink: clock.sink,
          clock,
          pool,
          arrivals: createArrivals(scenario, index, scenario.sessions),
          faults: sessionFaults,
          events: metrics,
          ...(prober ? { prober } : {}),
          nextStreamId: () => ++streamId + first * 1_000_000,
        },
      );
    });
    const group = new SessionGroup(clock, metrics, checkers, drivers, prober, proberChannel, onSeconds);
    try {
      await Promise.all(drivers.map((d) => d.open()));
    } catch (err) {
      group.abandon();
      throw err;
    }
    return group;
  }

  /** Ends every session at once, without a report (the run failed before it began). */
  abandon(): void {
    for (const d of this.drivers) d.abandon();
    this.proberChannel?.close();
  }

  /** Runs the schedule from `epochOrigin` (high-resolution epoch ms) to the end. */
  async run(epochOrigin: number): Promise<GroupReport> {
    this.clock.start(epochOrigin);
    // Only the run itself counts: start-up and connecting are not the schedule's business.
    const lag = new LoopLagMonitor();
    const flush = setInterval(() => this.flushSeconds(), SERIES_FLUSH_MS);
    const runs = this.drivers.map((d) => d.run());
    if (this.stopRequested) for (const d of this.drivers) d.stop();
    const outcomes = await Promise.all(runs);
    await this.prober?.idle();
    this.proberChannel?.close();
    clearInterval(flush);
    const end = this.clock.now();
    this.historiesClosed = true;
    const check = mergeCheckReports(
      [...this.checkers.values()].map((c) => {
        c.observe({ t: end, type: 'end' });
        return encodeCheckReport(c.finish());
      }),
    );
    this.onSeconds(this.metrics.takeSeconds(Number.POSITIVE_INFINITY, 0));
    return {
      phases: this.metrics.phases.map((p) => ({
        histograms: Object.fromEntries(
          RUN_HISTOGRAMS.map((h) => [h, encodeHistogram(p.histograms[h])]),
        ) as Record<RunHistogram, EncodedHistogram>,
        counters: p.counters,
      })),
      counters: this.metrics.runCounters(),
      check,
      outcomes,
      unavailable: this.metrics.unavailableList,
      loopLag: lag.stop(),
      ...(this.metrics.firstSendLateMs !== undefined
        ? { firstSendLateMs: this.metrics.firstSendLateMs }
        : {}),
    };
  }

  /** A network fault went on or off on some of this group's sessions: into their histories. */
  netFault(e: NetworkFaultNote): void {
    if (this.historiesClosed) return;
    for (const index of e.sessions) {
      this.checkers.get(sessionKey(index))?.observe({
        t: e.t,
        type: 'net-fault',
        session: sessionKey(index),
        fault: e.fault,
        id: e.id,
        phase: e.phase,
        connections: e.connections[index] ?? 0,
      });
    }
  }

  /** Stops the schedule (an abort): what is in flight still gets its outcome. */
  stop(): void {
    this.stopRequested = true;
    for (const d of this.drivers) d.stop();
  }

  private flushSeconds(): void {
    const inFlight = this.drivers.reduce((sum, d) => sum + d.inFlight, 0);
    const snapshots = this.metrics.takeSeconds(Math.floor(this.clock.now() / 1000), inFlight);
    if (snapshots.length > 0) this.onSeconds(snapshots);
  }
}
