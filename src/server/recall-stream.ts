// RecallStream with an embedding cue: every segment of the space searched, top results merged.
import * as grpc from '@grpc/grpc-js';
import type { Neighbour } from './index-workers.js';
import { MEMORY_SPACE_ID } from './server-config.js';
import type { ServerCore } from './server-core.js';

/** Without max_results (request or cue), this many results. */
const DEFAULT_MAX_RESULTS = 10;
const MAX_RESULTS_LIMIT = 1000;

/** The request as proto-loader decodes it (camelCase, defaults filled). */
interface RecallRequestIn {
  memorySpaceId: string;
  maxResults: number;
  cue?: { maxResults?: number; embedding?: { vector: number[]; similarityThreshold: number } };
}

type RecallCall = grpc.ServerWritableStream<RecallRequestIn, unknown>;

function problemWith(request: RecallRequestIn, dim: number): string | undefined {
  if (!MEMORY_SPACE_ID.test(request.memorySpaceId)) {
    return `memory_space_id '${request.memorySpaceId}' must be 3 to 64 characters of [a-z0-9_-]`;
  }
  const vector = request.cue?.embedding?.vector;
  if (!vector || vector.length === 0)
    return 'recall needs cue.embedding.vector (only embedding cues are served)';
  if (vector.length !== dim)
    return `cue.embedding.vector has ${vector.length} values but this server needs ${dim}`;
  if (!vector.every(Number.isFinite)) return 'cue.embedding.vector holds NaN or infinite values';
  if ((request.cue?.maxResults ?? 0) < 0)
    return `cue.max_results is ${request.cue?.maxResults}; it must not be negative`;
  return undefined;
}

export async function handleRecallStream(core: ServerCore, call: RecallCall): Promise<void> {
  const started = performance.now();
  const request = call.request;
  const problem = problemWith(request, core.config.dim);
  if (problem) {
    call.emit('error', { code: grpc.status.INVALID_ARGUMENT, details: problem });
    return;
  }
  const cue = request.cue?.embedding as { vector: number[]; similarityThreshold: number };
  const k = Math.min(MAX_RESULTS_LIMIT, request.maxResults || request.cue?.maxResults || DEFAULT_MAX_RESULTS);
  const space = core.spaces.get(request.memorySpaceId);
  let neighbours: Neighbour[] = [];
  try {
    if (space) neighbours = await core.workers.search(space.id, Float32Array.from(cue.vector), k);
  } catch (err) {
    // A failed search loses nothing that was accepted: answer this call, keep serving.
    call.emit('error', { code: grpc.status.INTERNAL, details: `recall failed: ${(err as Error).message}` });
    return;
  }
  const results = neighbours
    .map((n) => ({ id: space?.episodeId(n.label) ?? '', activation: 1 - n.distance }))
    // similarity_threshold 0 is "not set": cosine similarity may be negative.
    .filter((r) => cue.similarityThreshold <= 0 || r.activation >= cue.similarityThreshold);
  const total = results.reduce((sum, r) => sum + r.activation, 0);
  core.metrics.recalls.inc();
  call.write({
    results,
    moreResults: false,
    metadata: {
      totalActivated: neighbours.length,
      aboveThreshold: results.length,
      avgActivation: results.length ? total / results.length : 0,
      recallTimeMs: Math.round(performance.now() - started),
    },
    snapshotSequence: '0',
  });
  call.end();
}
