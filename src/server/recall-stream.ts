// RecallStream with an embedding cue: every segment of the space searched, top results
// merged, each result the stored memory (content, confidence, created_at) with its activation.
import * as grpc from '@grpc/grpc-js';
import { type RecallQuery, recallQueryProblem, runRecall } from './recall-query.js';
import type { ServerCore } from './server-core.js';

/** The request as proto-loader decodes it (camelCase, defaults filled). */
interface RecallRequestIn {
  memorySpaceId: string;
  maxResults: number;
  cue?: { maxResults?: number; embedding?: { vector: number[]; similarityThreshold: number } };
}

type RecallCall = grpc.ServerWritableStream<RecallRequestIn, unknown>;

const FIELD_NAMES = {
  space: 'memory_space_id',
  vector: 'cue.embedding.vector',
  maxResults: 'cue.max_results',
};

function timestamp(ms: number): { seconds: number; nanos: number } {
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: Math.round((ms - seconds * 1000) * 1e6) };
}

export async function handleRecallStream(core: ServerCore, call: RecallCall): Promise<void> {
  const request = call.request;
  const query: RecallQuery = {
    memorySpaceId: request.memorySpaceId,
    vector: request.cue?.embedding?.vector ?? [],
    maxResults: request.maxResults || (request.cue?.maxResults ?? 0),
    threshold: request.cue?.embedding?.similarityThreshold ?? 0,
  };
  const problem = recallQueryProblem(query, core.config.dim, FIELD_NAMES);
  if (problem) {
    call.emit('error', { code: grpc.status.INVALID_ARGUMENT, details: problem });
    return;
  }
  let answer: Awaited<ReturnType<typeof runRecall>>;
  try {
    answer = await runRecall(core, query);
  } catch (err) {
    // A failed search loses nothing that was accepted: answer this call, keep serving.
    call.emit('error', { code: grpc.status.INTERNAL, details: `recall failed: ${(err as Error).message}` });
    return;
  }
  const results = answer.memories.map((m) => ({
    id: m.id,
    activation: m.activation,
    content: m.content,
    createdAt: timestamp(m.createdAtMs),
    ...(m.confidence ? { confidence: { ...m.confidence, reasoning: '' } } : {}),
  }));
  const total = results.reduce((sum, r) => sum + r.activation, 0);
  call.write({
    results,
    moreResults: false,
    metadata: {
      totalActivated: answer.totalActivated,
      aboveThreshold: results.length,
      avgActivation: results.length ? total / results.length : 0,
      recallTimeMs: answer.recallTimeMs,
    },
    snapshotSequence: '0',
  });
  call.end();
}
