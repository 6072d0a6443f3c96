// Checks that results files are the shards of one bench run, complete and each once.

import type { BenchResults, Results } from '../../results/results.js';
import { UserError } from '../../util/user-error.js';

/** A results file with the name it was read from, for messages that say which file. */
export interface SourcedResults {
  source: string;
  results: Results;
}

export function checkShards(inputs: SourcedResults[]): BenchResults[] {
  if (inputs.length === 0)
    throw new UserError('merge: no results files given; pass the results JSON of every shard');
  const bench: BenchResults[] = inputs.map(({ source, results }) => {
    if (results.kind !== 'bench') {
      throw new UserError(
        `merge: ${source} holds ${results.kind} results; only bench results of one scenario merge`,
      );
    }
    return results;
  });
  const first = bench[0] as BenchResults;
  const firstSource = (inputs[0] as SourcedResults).source;
  const seen = new Map<number, string>();
  bench.forEach((r, i) => {
    const source = (inputs[i] as SourcedResults).source;
    if (r.scenario.digest !== first.scenario.digest) {
      throw new UserError(
        `merge: ${source} ran scenario '${r.scenario.name}' (digest ${r.scenario.digest}) but ${firstSource} ran '${first.scenario.name}' (digest ${first.scenario.digest}); merge only shards of one scenario file`,
      );
    }
    if (r.shard.count !== first.shard.count) {
      throw new UserError(
        `merge: ${source} is shard ${r.shard.index}/${r.shard.count} but ${firstSource} is one of ${first.shard.count} shards; merge shards of one run`,
      );
    }
    if (!Number.isInteger(r.shard.index) || r.shard.index < 0 || r.shard.index >= r.shard.count) {
      throw new UserError(
        `merge: ${source} says it is shard ${r.shard.index}/${r.shard.count}, which is not a shard (0 <= i < N)`,
      );
    }
    const twin = seen.get(r.shard.index);
    if (twin !== undefined) {
      throw new UserError(
        `merge: ${twin} and ${source} are both shard ${r.shard.index}/${r.shard.count}; give each shard once`,
      );
    }
    seen.set(r.shard.index, source);
  });
  const missing: number[] = [];
  for (let i = 0; i < first.shard.count; i++) if (!seen.has(i)) missing.push(i);
  if (missing.length > 0 || bench.length !== first.shard.count) {
    throw new UserError(
      `merge: the run had ${first.shard.count} shards but shard${missing.length > 1 ? 's' : ''} ${missing.map((m) => `${m}/${first.shard.count}`).join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing; pass every shard's results`,
    );
  }
  return [...bench].sort((a, b) => a.shard.index - b.shard.index);
}
