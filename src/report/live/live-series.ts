// The per-second points a live view draws, bounded for runs of hours: past MAX_POINTS the
// older half is merged pairwise into buckets of twice the span (rates become per-second
// averages over the bucket, see mergePercentiles for latencies). The newest seconds always
// stay one point each; the report at the end has every second, exact.
import type { SeriesPoint } from '../../results/results.js';
import { worseState } from '../../results/server-state.js';
import { type OverTimePoint, overTimePoint } from '../html/bench-charts.js';
import type { Percentiles } from '../html/series-stats.js';

/** Enough for the chart's ~780 px of plot width. */
export const MAX_POINTS = 600;

/**
 * A bucket's percentiles without its histogram (decoding and re-encoding those would stall
 * the generator's main thread for long on a long run): the worst p99 and max of its parts,
 * the median their span-weighted mean.
 */
function mergePercentiles(
  x: OverTimePoint,
  y: OverTimePoint,
  k: 'ackLatency' | 'staleness',
): Percentiles | null {
  const a = x[k];
  const b = y[k];
  if (!a || !b) return a ?? b;
  return {
    p50: (a.p50 * x.span + b.p50 * y.span) / (x.span + y.span),
    p99: Math.max(a.p99, b.p99),
    max: Math.max(a.max, b.max),
  };
}

/** Two neighbouring buckets as one: counts stay per-second averages over the new span. */
function merge(x: OverTimePoint, y: OverTimePoint): OverTimePoint {
  const span = x.span + y.span;
  const avg = (k: 'offered' | 'sent' | 'accepted' | 'indexed') => (x[k] * x.span + y[k] * y.span) / span;
  const rejected: Record<string, number> = {};
  for (const reason of new Set([...Object.keys(x.rejected), ...Object.keys(y.rejected)])) {
    rejected[reason] = ((x.rejected[reason] ?? 0) * x.span + (y.rejected[reason] ?? 0) * y.span) / span;
  }
  return {
    second: x.second,
    span,
    offered: avg('offered'),
    sent: avg('sent'),
    accepted: avg('accepted'),
    indexed: avg('indexed'),
    // At the end of the bucket, as for a single second.
    inFlight: y.inFlight,
    rejected,
    serverState: worseState(x.serverState, y.serverState),
    ackLatency: mergePercentiles(x, y, 'ackLatency'),
    staleness: mergePercentiles(x, y, 'staleness'),
  };
}

export class LiveSeries {
  private rows: OverTimePoint[] = [];

  /** @param pointAt the run's point of any second: fills gaps and rebuilds a bucket a late second lands in. */
  constructor(
    private readonly pointAt: (second: number) => SeriesPoint,
    private readonly maxPoints = MAX_POINTS,
  ) {}

  get points(): readonly OverTimePoint[] {
    return this.rows;
  }

  /** Seconds that got (more) data: new seconds are appended, known ones redrawn. */
  update(changed: SeriesPoint[]): void {
    for (const p of changed) this.put(p);
    if (this.rows.length > this.maxPoints) this.compact();
  }

  private put(p: SeriesPoint): void {
    const last = this.rows[this.rows.length - 1];
    if (!last || p.second >= last.second + last.span) {
      // Seconds without any data in between are zeros, as in the report.
      const from = last ? last.second + last.span : 0;
      for (let s = from; s < p.second; s++) this.rows.push(overTimePoint(this.pointAt(s)));
      this.rows.push(overTimePoint(p));
      return;
    }
    const i = this.rows.findLastIndex((r) => r.second <= p.second);
    const row = this.rows[i] as OverTimePoint;
    this.rows[i] = row.span === 1 ? overTimePoint(p) : this.rebuild(row.second, row.span);
  }

  private rebuild(second: number, span: number): OverTimePoint {
    let row = overTimePoint(this.pointAt(second));
    for (let k = 1; k < span; k++) row = merge(row, overTimePoint(this.pointAt(second + k)));
    return row;
  }

  /** Merges neighbours of equal span in the older half: old seconds get coarser, new stay fine. */
  private compact(): void {
    const half = Math.floor(this.rows.length / 2);
    const out: OverTimePoint[] = [];
    let i = 0;
    while (i < half) {
      const a = this.rows[i] as OverTimePoint;
      const b = this.rows[i + 1];
      if (b && i + 1 < half && a.span === b.span) {
        out.push(merge(a, b));
        i += 2;
      } else {
        out.push(a);
        i += 1;
      }
    }
    this.rows = [...out, ...this.rows.slice(i)];
  }
}
