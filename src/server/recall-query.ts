// One recall by embedding, whatever asked (gRPC RecallStream, HTTP recall): checks the
// query, searches every segment of the space, and returns the stored memories found.
import type { Neighbour } from './index-workers.js';
import type { StoredMemory } from './memory-spaces.js';
import { MEMORY_SPACE_ID } from './server-config.js';
import type { ServerCore } from './server-core.js';

/** Without max_results, this many results. */
const DEFAULT_MAX_RESULTS = 10;
const MAX_RESULTS_LIMIT = 1000;

export interface RecallQuery {
  memorySpaceId: string;
  vector: readonly number[];
  /** 0: the default. */
  maxResults: number;
  /** 0: not set (cosine similarity may be negative). */
  threshold: number;
}

export interface RecalledStoredMemory extends StoredMemory {
  /** Cosine similarity to the cue. */
  activation: number;
}

export interface RecallAnswer {
  memories: RecalledStoredMemory[];
  /** Neighbours found before the threshold. */
  totalActivated: number;
  recallTimeMs: number;
}

/** What is wrong with the query (REC-5), named the way `field` names its fields; undefined when nothing. */
export function recallQueryProblem(
  q: RecallQuery,
  dim: number,
  field: { space: string; vector: string; maxResults: string },
): string | undefined {
  if (!MEMORY_SPACE_ID.test(q.memorySpaceId)) {
    return `${field.space} '${q.memorySpaceId}' must be 3 to 64 characters of [a-z0-9_-]`;
  }
  if (q.vector.length === 0) return `recall needs ${field.vector} (only embedding cues are served)`;
  if (q.vector.length !== dim)
    return `${field.vector} has ${q.vector.length} values but this server needs ${dim}`;
  if (!q.vector.every(Number.isFinite)) return `${field.vector} holds NaN or infinite values`;
  if (q.maxResults < 0) return `${field.maxResults} is ${q.maxResults}; it must not be negative`;
  return undefined;
}

/** Runs a checked query; rejects only when the index search itself failed. */
export async function runRecall(core: ServerCore, q: RecallQuery): Promise<RecallAnswer> {
  const started = performance.now();
  const k = Math.min(MAX_RESULTS_LIMIT, q.maxResults || DEFAULT_MAX_RESULTS);
  const space = core.spaces.get(q.memorySpaceId);
  let neighbours: Neighbour[] = [];
  if (space) neighbours = await core.workers.search(space.id, Float32Array.from(q.vector), k);
  const memories: RecalledStoredMemory[] = [];
  for (const n of neighbours) {
    const activation = 1 - n.distance;
    if (q.threshold > 0 && activation < q.threshold) continue;
    const stored = space?.memory(n.label);
    if (stored) memories.push({ ...stored, activation });
  }
  core.metrics.recalls.inc();
  return {
    memories,
    totalActivated: neighbours.length,
    recallTimeMs: Math.round(performance.now() - started),
  };
}
