// The per-second series on the main thread: workers hand over their finished
// seconds (additive deltas) and this adds them up, keeps running totals for the
// progress display, and renders the SeriesPoint list of the results.

import * as hdr from 'hdr-histogram-js';
import type { SeriesPoint } from '../../report/results.js';
import { encodeHistogram, type Histogram, newHistogram } from '../../stats/histogram.js';
import type { Scenario } from '../scenario/scenario.js';
import { phaseAt } from '../schedule/phases.js';
import { worseState } from './server-state.js';
import type { SecondSnapshot } from './worker-metrics.js';

interface Second {
  offered: number;
  sent: number;
  accepted: number;
  rejected: Record<string, number>;
  indexed: number;
  inFlight: number;
  ackLatency: Histogram | undefined;
  staleness: Histogram | undefined;
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
}

export class SeriesAccumulator {
  private readonly seconds = new Map<number, Second>();
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
  };

  add(snapshots: readonly SecondSnapshot[]): void {
    for (const s of snapshots) {
      let x = this.seconds.get(s.second);
      if (!x) {
        x = {
          offered: 0,
          sent: 0,
          accepted: 0,
          rejected: {},
          indexed: 0,
          inFlight: 0,
          ackLatency: undefined,
          staleness: undefined,
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
        const h = hdr.decodeFromCompressedBase64(s.ackLatency);
        x.ackLatency ??= newHistogram();
        x.ackLatency.add(h);
        this.totals.ackLatency.add(h);
      }
      if (s.staleness) {
        const h = hdr.decodeFromCompressedBase64(s.staleness);
        x.staleness ??= newHistogram();
        x.staleness.add(h);
        this.totals.staleness.add(h);
      }
      x.serverState = worseState(x.serverState, s.serverState);
      const t = this.totals;
      t.offered += s.offered;
      t.sent += s.sent;
      t.accepted += s.accepted;
      t.rejected += rejected;
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
    const last = Math.max(-1, ...this.seconds.keys());
    const out: SeriesPoint[] = [];
    for (let second = 0; second <= last; second++) {
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
      if (x?.ackLatency) point.ackLatency = encodeHistogram(x.ackLatency);
      if (x?.staleness) point.staleness = encodeHistogram(x.staleness);
      out.push(point);
    }
    return out;
  }
}
