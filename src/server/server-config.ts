// Everything `engram-stream serve` can be told, with the defaults of issue 2.
import { availableParallelism } from 'node:os';

export interface ServerConfig {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Required embedding length. */
  dim: number;
  /** Observations accepted but not yet visible, across all sessions. */
  queueCapacity: number;
  indexWorkers: number;
  /** How much nicer than the event loop the index worker threads run (Linux; 0 = the same). */
  indexNice: number;
  /** HNSW graph degree. */
  m: number;
  efConstruction: number;
  /** Element limit per memory space; beyond it observations are rejected with SPACE_FULL. */
  maxElements: number;
  /** How long a detached session stays resumable. */
  sessionIdleTimeoutMs: number;
  heartbeatIntervalMs: number;
  /** After a close, how long the RPC waits for the client's half-close before it ends anyway (CLS-8). */
  closeLingerMs: number;
  /** 0 = no metrics endpoint. */
  metricsPort: number;
  /** The HTTP listener (WebSocket /v1/stream, HTTP recall); undefined = off, 0 picks a free port. */
  httpPort?: number;
  /** Limit on Episode.what in UTF-8 bytes. */
  maxTextBytes: number;
  /** gRPC receive limit for one request; larger ones end the stream with RESOURCE_EXHAUSTED. */
  maxMessageBytes: number;
  /** gRPC keepalive: how often the server pings a connection to find dead peers. */
  keepaliveTimeMs: number;
  /** A ping not answered within this closes the connection; its streams detach (SES-9). */
  keepaliveTimeoutMs: number;
}

export function defaultServerConfig(): ServerConfig {
  return {
    host: '127.0.0.1',
    port: 50051,
    dim: 768,
    queueCapacity: 10_000,
    indexWorkers: Math.max(1, availableParallelism() - 1),
    indexNice: 10,
    m: 16,
    efConstruction: 100,
    maxElements: 1_000_000,
    sessionIdleTimeoutMs: 5 * 60_000,
    heartbeatIntervalMs: 5_000,
    closeLingerMs: 10_000,
    metricsPort: 0,
    maxTextBytes: 64 * 1024,
    maxMessageBytes: 4 * 1024 * 1024,
    keepaliveTimeMs: 30_000,
    keepaliveTimeoutMs: 10_000,
  };
}

/** SES-4: the public server's memory space ids. */
export const MEMORY_SPACE_ID = /^[a-z0-9_-]{3,64}$/;

/** Importance at or above which an observation takes the high-priority lane (FLOW-9, IDX-7). */
export const HIGH_PRIORITY_IMPORTANCE = 0.8;
