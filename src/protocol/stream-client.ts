// A connection to a target as bench and conform use it, whatever the transport:
// ObserveStreams to record (RecordedStream.over) and recalls by embedding.
import type * as grpc from '@grpc/grpc-js';
import type { RecalledMemory, RecallRequest, RecallResponse } from './messages.js';
import { grpcDuplex, type ObserveDuplex } from './observe-duplex.js';
import type { EngramClient } from './service-definition.js';

export interface RecallAnswer {
  results: RecalledMemory[];
  /** gRPC status of the call (HTTP codes mapped to it); 0 is OK. */
  code: number;
  details: string;
}

export interface RecallCall {
  memorySpaceId: string;
  embedding: Float32Array;
  maxResults: number;
  sessionId?: string;
  /** Give up (DEADLINE_EXCEEDED) after this long; none when unset. */
  timeoutMs?: number;
  metadata?: grpc.Metadata;
}

/** How a target is reached, for the history and the report. */
export interface TransportInfo {
  transport: 'grpc' | 'ws';
  /** WebSocket only: the dialect offered first (the server's choice is known per stream). */
  dialect?: 'json' | 'proto';
}

export interface StreamClient {
  readonly info: TransportInfo;
  openObserve(metadata?: grpc.Metadata, options?: grpc.CallOptions): ObserveDuplex;
  recall(call: RecallCall): Promise<RecallAnswer>;
  close(): void;
}

/** One RecallStream call; every response's results are collected. */
export function grpcRecall(client: EngramClient, c: RecallCall): Promise<RecallAnswer> {
  const request: RecallRequest = {
    memorySpaceId: c.memorySpaceId,
    ...(c.sessionId ? { sessionId: c.sessionId } : {}),
    cue: { embedding: { vector: Array.from(c.embedding) }, maxResults: c.maxResults },
    maxResults: c.maxResults,
  };
  const call = client.RecallStream(
    request,
    c.metadata?.clone(),
    c.timeoutMs === undefined ? {} : { deadline: Date.now() + c.timeoutMs },
  );
  const results: RecalledMemory[] = [];
  return new Promise((resolve) => {
    call.on('data', (r: RecallResponse) => {
      for (const m of r.results ?? []) {
        results.push({ id: m.id, activation: m.activation, ...(m.content ? { content: m.content } : {}) });
      }
    });
    // Errors also arrive as 'status'; the listener keeps them from being thrown.
    call.on('error', () => {});
    call.on('status', (s: grpc.StatusObject) => resolve({ results, code: s.code, details: s.details }));
  });
}

export function grpcStreamClient(client: EngramClient): StreamClient {
  return {
    info: { transport: 'grpc' },
    openObserve: (metadata, options) => grpcDuplex(client.ObserveStream(metadata, options)),
    recall: (c) => grpcRecall(client, c),
    close: () => client.close(),
  };
}
