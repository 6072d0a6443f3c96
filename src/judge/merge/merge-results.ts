// Exact merge of the shards of one bench run (`bench --shard i/N`): histograms added
// bucket by bucket, counters summed, series aligned by wall-clock second, findings
// merged by kind; thresholds and the verdict are then judged again on the merged data.

import type { BenchResults, GeneratorHealth, Marker, PhaseResult, Results } from '../../results/results.js';
import { type EncodedHistogram, mergeEncoded } from '../../stats/histogram.js';
import { sumCounters } from '../../util/sum-counters.js';
import { checkShards } from './check-shards.js';
import { mergeSeries } from './merge-series.js';
import { mergeStart } from './merge-start.js';
import { rejudge } from './rejudge.js';

function mergeHistograms(all: Record<string, EncodedHistogram>[]): Record<string, EncodedHistogram> {
  const keys = [...new Set(all.flatMap((h) => Object.keys(h)))];
  return Object.fromEntries(keys.map((k) => [k, mergeEncoded(all.flatMap((h) => (h[k] ? [h[k]] : [])))]));
}

// Phases are the scenario's (same start and length in every shard); their figures add up.
function mergePhases(shards: BenchResults[]): PhaseResult[] {
  const first = shards[0] as BenchResults;
  return first.phases.map((phase) => {
    const parts = shards.flatMap((s) => s.phases.filter((p) => p.name === phase.name));
    return {
      ...phase,
      histograms: mergeHistograms(parts.map((p) => p.histograms)),
      counters: sumCounters(parts.map((p) => p.counters)),
    };
  });
}

/** Markers on the merged timeline; the same phase or fault marked by several shards shows once. */
function mergeMarkers(shards: BenchResults[], offsetMs: (r: BenchResults) => number): Marker[] {
  const out: Marker[] = [];
  const all = shards
    .flatMap((s) => s.markers.map((m) => ({ ...m, t: m.t + offsetMs(s) })))
    .sort((a, b) => a.t - b.t);
  for (const m of all) {
    const twin = out.find((o) => o.kind === m.kind && o.label === m.label && Math.abs(o.t - m.t) < 1000);
    if (!twin) out.push(m);
  }
  return out;
}

function mergeGenerator(shards: BenchResults[]): GeneratorHealth {
  const g = shards.map((s) => s.generator);
  const sent = shards.map((s) => s.counters.sent ?? 0);
  const totalSent = sent.reduce((a, b) => a + b, 0);
  const notes = shards.flatMap((s) =>
    s.generator.note ? [`shard ${s.shard.index}: ${s.generator.note}`] : [],
  );
  const health: GeneratorHealth = {
    // Each shard is its own process (often its own machine): the worst one tells.
    eventLoopLagP99Ms: Math.max(...g.map((x) => x.eventLoopLagP99Ms)),
    eventLoopLagMaxMs: Math.max(...g.map((x) => x.eventLoopLagMaxMs)),
    cpuPercent: Math.max(...g.map((x) => x.cpuPercent)),
    lateSends: g.reduce((n, x) => n + x.lateSends, 0),
    // Weighted by each shard's sends, so the share stays a share of the whole run.
    lateSendShare:
      totalSent > 0
        ? g.reduce((n, x, i) => n + x.lateSendShare * (sent[i] as number), 0) / totalSent
        : Math.max(...g.map((x) => x.lateSendShare)),
    heldBySendWindow: g.reduce((n, x) => n + x.heldBySendWindow, 0),
    bottleneck: g.some((x) => x.bottleneck),
  };
  if (notes.length > 0) health.note = notes.join('; ');
  return health;
}

/**
 * Merges the results of every shard of one bench run into the results of the whole run.
 * sources name the files, for error messages; refuses (UserError) anything but a complete
 * set of shards of one scenario.
 */
export function mergeResults(results: Results[], sources?: string[]): BenchResults {
  const inputs = results.map((r, i) => ({ results: r, source: sources?.[i] ?? `results ${i + 1}` }));
  const shards = checkShards(inputs);
  const commonStart = mergeStart(inputs);
  const first = shards[0] as BenchResults;
  if (shards.length === 1) return first;
  const startOf = (r: BenchResults): number => Date.parse(r.startedAt);
  const start = Math.min(...shards.map(startOf));
  const end = Math.max(...shards.map((s) => startOf(s) + s.durationMs));
  const offsetMs = (r: BenchResults): number => startOf(r) - start;
  const hosts = [...new Set(shards.map((s) => s.environment.hostname))];
  const merged: BenchResults = {
    ...first,
    startedAt: new Date(start).toISOString(),
    durationMs: end - start,
    environment: { ...first.environment, hostname: hosts.join(', ') },
    shard: { index: 0, count: 1 },
    mergedShards: shards.length,
    ...(commonStart ? { start: commonStart } : {}),
    histograms: mergeHistograms(shards.map((s) => s.histograms)),
    counters: sumCounters(shards.map((s) => s.counters)),
    phases: mergePhases(shards),
    series: mergeSeries(shards, start),
    markers: mergeMarkers(shards, offsetMs),
    generator: mergeGenerator(shards),
    unavailable: [
      ...new Map(shards.flatMap((s) => s.unavailable).map((u) => [`${u.metric}\n${u.why}`, u])).values(),
    ],
  };
  return rejudge(shards, merged);
}
