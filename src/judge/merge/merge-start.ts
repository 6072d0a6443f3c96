// Shards of one run started with --start-at must share the instant (their series
// then line up second for second); merged, the record says how far apart the
// shards actually started and how much time to spare the tightest one had.
import type { BenchResults, StartRecord } from '../../results/results.js';
import { UserError } from '../../util/user-error.js';
import type { SourcedResults } from './check-shards.js';

function startedHow(r: BenchResults): string {
  return r.start ? `started at --start-at ${r.start.at}` : 'was started without --start-at';
}

/** The merged start record of complete shards of one run (checked by checkShards), or none. */
export function mergeStart(inputs: SourcedResults[]): StartRecord | undefined {
  const bench = inputs.map(({ source, results }) => ({ source, r: results as BenchResults }));
  const first = bench[0] as (typeof bench)[number];
  for (const b of bench) {
    if (b.r.start?.at !== first.r.start?.at) {
      throw new UserError(
        `merge: ${b.source} ${startedHow(b.r)} but ${first.source} ${startedHow(first.r)}; merge only shards started together`,
      );
    }
  }
  if (!first.r.start) return undefined;
  const shards = bench
    .map(({ r }) => ({
      index: r.shard.index,
      readyBeforeMs: (r.start as StartRecord).readyBeforeMs,
      ...(r.start?.latenessMs !== undefined ? { latenessMs: r.start.latenessMs } : {}),
    }))
    .sort((a, b) => a.index - b.index);
  const late = shards.flatMap((s) => (s.latenessMs !== undefined ? [s.latenessMs] : []));
  return {
    at: first.r.start.at,
    readyBeforeMs: Math.min(...shards.map((s) => s.readyBeforeMs)),
    ...(late.length > 0 ? { latenessMs: Math.max(...late) } : {}),
    spreadMs: late.length > 0 ? Math.round((Math.max(...late) - Math.min(...late)) * 100) / 100 : 0,
    shards,
  };
}
