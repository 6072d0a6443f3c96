// The metrics of one worker's sessions: HDR histograms for the run and per phase,
// counters, and per-second buckets handed to the main thread as they complete.
// Everything here merges by addition, so workers and shards combine exactly.

import * as hdr from 'hdr-histogram-js';
import type { StalenessSource } from '../../check/check-types.js';
import type { NetworkMeasure } from '../../check/network-windows.js';
import type { Unavailable } from '../../results/results.js';
import type { RunHistogram } from '../../results/run-histograms.js';
import { worseState } from '../../results/server-state.js';
import { type Histogram, newHistogram, recordMs } from '../../stats/histogram.js';
import type { DriverEvents, SendDelay } from '../driver/driver-events.js';
import type { Scenario } from '../scenario/scenario.js';
import { phaseAt } from '../schedule/phases.js';

export interface SecondSnapshot {
  second: number;
  offered: number;
  sent: number;
  accepted: number;
  rejected: Record<string, number>;
  indexed: number;
  inFlight: number;
  /**
   * HdrHistogram compressed base64, without the summary an EncodedHistogram carries: the
   * main thread only adds these up, and a summary per second would cost more than the rest.
   */
  ackLatency?: string;
  staleness?: string;
  serverState: string;
  /** Sends later than the late budget, for the live view of the generator's health. */
  lateSends?: number;
}

interface SecondBucket {
  offered: number;
  sent: number;
  accepted: number;
  rejected: Record<string, number>;
  indexed: number;
  ackLatency: Histogram | undefined;
  staleness: Histogram | undefined;
  state: string;
  late: number;
}

export interface PhaseMetrics {
  histograms: Record<RunHistogram, Histogram>;
  counters: Record<string, number>;
}

function phaseMetrics(): PhaseMetrics {
  return {
    histograms: {
      ack_latency: newHistogram(),
      ack_latency_actual: newHistogram(),
      staleness: newHistogram(),
      staleness_probe: newHistogram(),
      recovery_time: newHistogram(),
      detection_time: newHistogram(),
    },
    counters: {},
  };
}

function add(counters: Record<string, number>, name: string, n = 1): void {
  counters[name] = (counters[name] ?? 0) + n;
}

const DELAY_COUNTER: Record<SendDelay, string> = {
  window: 'held_by_send_window',
  deferred: 'deferred_sends',
  late: 'late_sends',
};

export class WorkerMetrics implements DriverEvents {
  readonly phases: PhaseMetrics[];
  /** Counters that belong to no phase: the drivers' own (resumes, faults ...), server states. */
  private readonly counters: Record<string, number> = {};
  readonly unavailableList: Unavailable[] = [];
  private readonly seconds = new Map<number, SecondBucket>();
  private readonly flushed = new Set<number>();
  /** The bucket of the second last used: most events of a second come one after another. */
  private last: { second: number; bucket: SecondBucket } | undefined;
  private phaseCache: { start: number; end: number; metrics: PhaseMetrics } | undefined;
  /** How late (ms) this thread's first observation left: when its share of the schedule began. */
  firstSendLateMs: number | undefined;

  constructor(private readonly scenario: Scenario) {
    this.phases = scenario.phases.map(() => phaseMetrics());
  }

  /** The phase a time belongs to; the last one found is remembered (events come in time order, mostly). */
  private phase(t: number): PhaseMetrics {
    const c = this.phaseCache;
    if (c && t >= c.start && t < c.end) return c.metrics;
    const p = phaseAt(this.scenario, t);
    const index = p ? p.index : t < 0 ? 0 : this.phases.length - 1;
    const metrics = this.phases[index] as PhaseMetrics;
    if (p) this.phaseCache = { start: p.startMs, end: p.startMs + p.durationMs, metrics };
    return metrics;
  }

  private countIn(p: PhaseMetrics, name: string, n = 1): void {
    add(p.counters, name, n);
  }

  /** Run-wide counters: the phases' added up, and those of no phase. */
  runCounters(): Record<string, number> {
    const run = { ...this.counters };
    for (const p of this.phases) for (const [name, n] of Object.entries(p.counters)) add(run, name, n);
    return run;
  }

  private bucket(t: number): SecondBucket {
    const second = Math.max(0, Math.floor(t / 1000));
    if (this.last?.second === second) return this.last.bucket;
    let b = this.seconds.get(second);
    if (!b) {
      b = {
        offered: 0,
        sent: 0,
        accepted: 0,
        rejected: {},
        indexed: 0,
        ackLatency: undefined,
        staleness: undefined,
        state: 'UNSPECIFIED',
        late: 0,
      };
      this.seconds.set(second, b);
    }
    this.last = { second, bucket: b };
    return b;
  }

  offered(intendedT: number): void {
    this.countIn(this.phase(intendedT), 'offered');
    this.bucket(intendedT).offered++;
  }

  transmitted(t: number, intendedT: number, first: boolean, delay: SendDelay | undefined): void {
    const p = this.phase(intendedT);
    this.countIn(p, 'sent');
    this.countIn(p, first ? 'first_sends' : 'retries');
    this.firstSendLateMs ??= t - intendedT;
    if (delay) this.countIn(p, DELAY_COUNTER[delay]);
    const b = this.bucket(t);
    b.sent++;
    if (delay === 'late') b.late++;
  }

  accepted(t: number, intendedT: number, sentT: number): void {
    const p = this.phase(intendedT);
    this.countIn(p, 'accepted');
    recordMs(p.histograms.ack_latency, t - intendedT);
    recordMs(p.histograms.ack_latency_actual, t - sentT);
    const b = this.bucket(t);
    b.accepted++;
    b.ackLatency ??= newHistogram();
    recordMs(b.ackLatency, t - intendedT);
  }

  rejected(t: number, reason: string, injected: boolean): void {
    const p = this.phase(t);
    // Deliberate gaps and duplicates are counted as rejections too, and apart, so a
    // scenario can check they came back; the checker judges their reason.
    if (injected) this.countIn(p, `injected_rejected{${reason}}`);
    this.countIn(p, 'rejected');
    this.countIn(p, `rejected{${reason}}`);
    add(this.bucket(t).rejected, reason);
  }

  serverState(t: number, state: string): void {
    const b = this.bucket(t);
    b.state = worseState(b.state, state);
    add(this.counters, `server_state{${state}}`);
  }

  count(name: string, n = 1): void {
    add(this.counters, name, n);
  }

  unavailable(metric: string, why: string): void {
    if (!this.unavailableList.some((u) => u.metric === metric)) this.unavailableList.push({ metric, why });
  }

  /** Feeds the checker's staleness samples into the phase histograms and the series. */
  staleness(ms: number, t: number, source: StalenessSource): void {
    const p = this.phase(t);
    recordMs(source === 'indexed' ? p.histograms.staleness : p.histograms.staleness_probe, ms);
    if (source !== 'indexed') return;
    const b = this.bucket(t);
    b.indexed++;
    b.staleness ??= newHistogram();
    recordMs(b.staleness, ms);
  }

  /** Feeds the checker's times after network faults into the histograms of the phase they ended in. */
  network(what: NetworkMeasure, ms: number, t: number): void {
    const p = this.phase(t);
    recordMs(what === 'recovery' ? p.histograms.recovery_time : p.histograms.detection_time, ms);
  }

  /**
   * Seconds that ended before `beforeSecond`, as snapshots; `inFlight` is sampled once,
   * when a second is first handed over (a late event for it comes as an additive delta).
   */
  takeSeconds(beforeSecond: number, inFlight: number): SecondSnapshot[] {
    const out: SecondSnapshot[] = [];
    this.last = undefined;
    for (const [second, b] of this.seconds) {
      if (second >= beforeSecond) continue;
      const snapshot: SecondSnapshot = {
        second,
        offered: b.offered,
        sent: b.sent,
        accepted: b.accepted,
        rejected: b.rejected,
        indexed: b.indexed,
        inFlight: this.flushed.has(second) ? 0 : inFlight,
        serverState: b.state,
      };
      if (b.ackLatency) snapshot.ackLatency = hdr.encodeIntoCompressedBase64(b.ackLatency);
      if (b.staleness) snapshot.staleness = hdr.encodeIntoCompressedBase64(b.staleness);
      if (b.late > 0) snapshot.lateSends = b.late;
      out.push(snapshot);
      this.flushed.add(second);
      this.seconds.delete(second);
    }
    return out.sort((a, b) => a.second - b.second);
  }
}
