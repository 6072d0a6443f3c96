// One RecallStream call by exact embedding: how a client reads its own writes
// (REC-1..4). Results arrive in one or more responses; all are collected.
import type * as grpc from '@grpc/grpc-js';
import type { RecalledMemory, RecallRequest, RecallResponse } from '../protocol/messages.js';
import type { EngramClient } from '../protocol/service-definition.js';

export interface RecallAnswer {
  results: RecalledMemory[];
  /** gRPC status of the call; 0 is OK. */
  code: number;
  details: string;
}

export function recallByEmbedding(
  client: EngramClient,
  memorySpaceId: string,
  embedding: Float32Array,
  maxResults: number,
  timeoutMs: number,
  metadata?: grpc.Metadata,
): Promise<RecallAnswer> {
  const request: RecallRequest = {
    memorySpaceId,
    cue: { embedding: { vector: Array.from(embedding) }, maxResults },
    maxResults,
  };
  const call = client.RecallStream(request, metadata?.clone(), { deadline: Date.now() + timeoutMs });
  const results: RecalledMemory[] = [];
  return new Promise((resolve) => {
    call.on('data', (r: RecallResponse) => {
      for (const m of r.results) results.push({ id: m.id, activation: m.activation });
    });
    // Errors also arrive as 'status'; the listener keeps them from being thrown.
    call.on('error', () => {});
    call.on('status', (s: grpc.StatusObject) => resolve({ results, code: s.code, details: s.details }));
  });
}
