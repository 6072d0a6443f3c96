// The per-second series on the main thread: workers hand over their finished
// seconds (additive deltas) and this adds them up, keeps running totals for the
// progress display, and renders the SeriesPoint list of the results. Per-second
// histograms stay compressed until the end: decoded, each would take ~100 KB, too
// much for a soak of hours.

import * as hdr from 'hdr-histogram-js';
import type { SeriesPoint } from '../../results/results.js';
import { worseState } from '../../results/server-state.js';
import {
  type EncodedHistogram,
  encodeHistogram,
  type Histogram,
  newHistogram,
} from '../../stats/histogram.js';
import type { Scenario } from '../scenario/scenario.js';
import { phaseAt } from '../schedule/phases.js';
import type { SecondSnapshot } from './worker-metrics.js';

interface Second {
  offered: number;
  sent: number;
  accepted: number;
  rejected: Record<string, number>;
  indexed: number;
  inFlight: number;
  /** Compressed parts (one per worker that had samples in the second). */
  ackLatency: string[];
  staleness: string[];
  serverState: string;
}

export interface LiveTotals {
  /** Highest second seen. */
  second: number;
  offered: number;
  sent: number;
  accepted: number;
  rejected: number;
  inFlight: number;
  /** Ack latency from the intended send time so far. */
  ackLatency: Histogram;
  staleness: Histogram;
  serverState: string;
  lateSends: number;
}

export class SeriesAccumulator {
  private readonly seconds = new Map<number, Second>();
  /** Seconds that got data since the last takeChanged(): what a live view redraws. */
  private readonly changed = new Set<number>();
  readonly totals: LiveTotals = {
    second: 0,
    offered: 0,
    sent: 0,
    accepted: 0,
    rejected: 0,
    inFlight: 0,
    ackLatency: newHistogram(),
    staleness: newHistogram(),
    serverState: 'UNSPECIFIED',
    lateSends: 0,
  };

  add(snapshots: readonly SecondSnapshot[]): void {
    for (const s of snapshots) {
      this.changed.add(s.second);
      let x = this.seconds.get(s.second);
      if (!x) {
        x = {
          offered: 0,
          sent: 0,
          accepted: 0,
          rejected: {},
          indexed: 0,
          inFlight: 0,
          ackLatency: [],
          staleness: [],
          serverState: 'UNSPECIFIED',
        };
        this.seconds.set(s.second, x);
      }
      x.offered += s.offered;
      x.sent += s.sent;
      x.accepted += s.accepted;
      x.indexed += s.indexed;
      x.inFlight += s.inFlight;
      let rejected = 0;
      for (const [reason, n] of Object.entries(s.rejected)) {
        x.rejected[reason] = (x.rejected[reason] ?? 0) + n;
        rejected += n;
      }
      if (s.ackLatency) {
        x.ackLatency.push(s.ackLatency);
        this.totals.ackLatency.add(hdr.decodeFromCompressedBase64(s.ackLatency));
      }
      if (s.staleness) {
        x.staleness.push(s.staleness);
        this.totals.staleness.add(hdr.decodeFromCompressedBase64(s.staleness));
      }
      x.serverState = worseState(x.serverState, s.serverState);
      const t = this.totals;
      t.offered += s.offered;
      t.sent += s.sent;
      t.accepted += s.accepted;
      t.rejected += rejected;
      t.lateSends += s.lateSends ?? 0;
      if (s.second >= t.second) {
        t.second = s.second;
        t.inFlight = x.inFlight;
        if (x.serverState !== 'UNSPECIFIED') t.serverState = x.serverState;
      }
    }
  }

  /**
   * One point per second from 0 to the last second with data, gaps as zeros; serverState
   * UNSPECIFIED means no state message came in that second.
   */
  points(scenario: Scenario, epochOrigin: number): SeriesPoint[] {
    let last = -1;
    for (const second of this.seconds.keys()) last = Math.max(last, second);
    const out: SeriesPoint[] = [];
    for (let second = 0; second <= last; second++) out.push(this.pointAt(second, scenario, epochOrigin));
    return out;
  }

  /** The points of the seconds that got data since the last call, in order. */
  takeChanged(scenario: Scenario, epochOrigin: number): SeriesPoint[] {
    const seconds = [...this.changed].sort((a, b) => a - b);
    this.changed.clear();
    return seconds.map((second) => this.pointAt(second, scenario, epochOrigin));
  }

  pointAt(second: number, scenario: Scenario, epochOrigin: number): SeriesPoint {
    const x = this.seconds.get(second);
    const phase = phaseAt(scenario, second * 1000) ?? scenario.phases[scenario.phases.length - 1];
    const point: SeriesPoint = {
      second,
      epochMs: Math.round(epochOrigin + second * 1000),
      phase: phase?.name ?? '',
      offered: x?.offered ?? 0,
      sent: x?.sent ?? 0,
      accepted: x?.accepted ?? 0,
      rejected: x?.rejected ?? {},
      indexed: x?.indexed ?? 0,
      inFlight: x?.inFlight ?? 0,
      serverState: x?.serverState ?? 'UNSPECIFIED',
    };
    if (x?.ackLatency.length) point.ackLatency = mergeParts(x.ackLatency);
    if (x?.staleness.length) point.staleness = mergeParts(x.staleness);
    return point;
  }
}

function mergeParts(parts: readonly string[]): EncodedHistogram {
  const h = newHistogram();
  for (const part of parts) h.add(hdr.decodeFromCompressedBase64(part));
  return encodeHistogram(h);
}
