// The dashboard's live series stays bounded on a long run, keeps the newest seconds one
// point each, and its merged buckets keep counts as averages and the worst latencies.
import { describe, expect, it } from 'vitest';
import { LiveSeries } from '../../src/report/live/live-series.js';
import type { SeriesPoint } from '../../src/results/results.js';
import { type EncodedHistogram, encodeHistogram, newHistogram, recordMs } from '../../src/stats/histogram.js';

// Second s has ack latencies 1..10 ms plus one slow one of 100 + s % 10 ms.
const HISTOGRAMS: EncodedHistogram[] = Array.from({ length: 10 }, (_, k) => {
  const h = newHistogram();
  for (let ms = 1; ms <= 10; ms++) recordMs(h, ms);
  recordMs(h, 100 + k);
  return encodeHistogram(h);
});

function pointOf(second: number): SeriesPoint {
  return {
    second,
    epochMs: second * 1000,
    phase: 'steady',
    offered: 100,
    sent: 100,
    accepted: second % 2 === 0 ? 90 : 100,
    rejected: second % 2 === 0 ? { OVERLOADED: 10 } : {},
    indexed: 100,
    inFlight: second,
    ackLatency: HISTOGRAMS[second % 10],
    serverState: second === 7 ? 'OVERLOADED' : 'ACTIVE',
  };
}

describe('LiveSeries', () => {
  it('stays within its bound over an hour, newest seconds one point each', () => {
    const series = new LiveSeries(pointOf, 100);
    for (let s = 0; s < 3600; s++) series.update([pointOf(s)]);
    const points = series.points;
    expect(points.length).toBeLessThanOrEqual(100);
    // Contiguous cover of the whole run, no second twice, none missing.
    let next = 0;
    for (const p of points) {
      expect(p.second).toBe(next);
      next += p.span;
    }
    expect(next).toBe(3600);
    expect(points.at(-1)).toMatchObject({ second: 3599, span: 1 });
  });

  it('merges buckets: averages of counts, worst state, worst p99 and max', () => {
    const series = new LiveSeries(pointOf, 8);
    for (let s = 0; s < 9; s++) series.update([pointOf(s)]);
    const first = series.points[0];
    expect(first?.span).toBe(2);
    expect(first).toMatchObject({ second: 0, accepted: 95, rejected: { OVERLOADED: 5 }, inFlight: 1 });
    // The bucket of seconds 0 and 1: the max is second 1's slow one.
    expect(first?.ackLatency?.max).toBeCloseTo(101, 0);
    const worst = series.points.find((p) => p.second <= 7 && p.second + p.span > 7);
    expect(worst?.serverState).toBe('OVERLOADED');
  });

  it('redraws a second that gets more data, and fills seconds without data', () => {
    const series = new LiveSeries(pointOf);
    series.update([pointOf(0)]);
    series.update([{ ...pointOf(0), sent: 7 }, pointOf(3)]);
    expect(series.points.map((p) => p.second)).toEqual([0, 1, 2, 3]);
    expect(series.points[0]?.sent).toBe(7);
  });
});
