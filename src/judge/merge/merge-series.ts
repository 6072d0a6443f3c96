// Shards' per-second series aligned by wall-clock second: shards start at slightly
// different instants, so their seconds meet by epoch second, not by index.

import type { BenchResults, SeriesPoint } from '../../results/results.js';
import { worseState } from '../../results/server-state.js';
import { mergeEncoded } from '../../stats/histogram.js';
import { sumCounters } from '../../util/sum-counters.js';

function mergePoints(points: SeriesPoint[], second: number, epochMs: number): SeriesPoint {
  const merged: SeriesPoint = {
    second,
    epochMs,
    phase: (points[0] as SeriesPoint).phase,
    offered: 0,
    sent: 0,
    accepted: 0,
    rejected: sumCounters(points.map((p) => p.rejected)),
    indexed: 0,
    inFlight: 0,
    serverState: points.map((p) => p.serverState).reduce(worseState),
  };
  for (const p of points) {
    merged.offered += p.offered;
    merged.sent += p.sent;
    merged.accepted += p.accepted;
    merged.indexed += p.indexed;
    merged.inFlight += p.inFlight;
  }
  const ack = points.flatMap((p) => (p.ackLatency ? [p.ackLatency] : []));
  if (ack.length > 0) merged.ackLatency = mergeEncoded(ack);
  const staleness = points.flatMap((p) => (p.staleness ? [p.staleness] : []));
  if (staleness.length > 0) merged.staleness = mergeEncoded(staleness);
  return merged;
}

/** One point per wall-clock second covered by any shard, numbered from the earliest start. */
export function mergeSeries(shards: BenchResults[], startEpochMs: number): SeriesPoint[] {
  const bySecond = new Map<number, SeriesPoint[]>();
  for (const shard of shards) {
    for (const p of shard.series) {
      const key = Math.floor(p.epochMs / 1000);
      const list = bySecond.get(key) ?? [];
      list.push(p);
      bySecond.set(key, list);
    }
  }
  const first = Math.floor(startEpochMs / 1000);
  return [...bySecond.keys()]
    .sort((a, b) => a - b)
    .map((key) => mergePoints(bySecond.get(key) as SeriesPoint[], key - first, key * 1000));
}
