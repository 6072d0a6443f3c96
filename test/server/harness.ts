// Test harness: a real server on port 0 (startServer), a real grpc-js client, and
// streams recorded through RecordedStream with their responses kept for assertions.
import type { HistoryEvent } from '../../src/history/history.js';
import {
  AckStatus,
  type Episode,
  emptyEpisode,
  type ObservationAck,
  type ObservationResponse,
  type RecallResponse,
  type StreamStatus,
} from '../../src/protocol/messages.js';
import { type OpenOptions, RecordedStream } from '../../src/protocol/recorded-stream.js';
import { runClock } from '../../src/protocol/run-clock.js';
import { type EngramClient, makeEngramClient } from '../../src/protocol/service-definition.js';
import { defaultComponents, type ServerComponents } from '../../src/server/components.js';
import { defaultServerConfig, type ServerConfig } from '../../src/server/server-config.js';
import { type RunningServer, startServer } from '../../src/server/start-server.js';

export const DIM = 8;
export const SPACE = 'test_space';

export function testConfig(overrides: Partial<ServerConfig> = {}): ServerConfig {
  return {
    ...defaultServerConfig(),
    port: 0,
    dim: DIM,
    queueCapacity: 1000,
    indexWorkers: 1,
    sessionIdleTimeoutMs: 2000,
    heartbeatIntervalMs: 60_000,
    ...overrides,
  };
}

export interface TestServer {
  server: RunningServer;
  client: EngramClient;
  stop(): Promise<void>;
}

export async function startTestServer(
  overrides: Partial<ServerConfig> = {},
  components: ServerComponents = defaultComponents(),
): Promise<TestServer> {
  const server = await startServer(testConfig(overrides), components);
  const client = makeEngramClient(server.address);
  return {
    server,
    client,
    stop: async () => {
      client.close();
      await server.shutdown();
    },
  };
}

/** A deterministic embedding for observation i (distinct directions for distinct i). */
export function embedding(i: number, dim = DIM): Float32Array {
  const v = new Float32Array(dim);
  let x = (i + 1) * 2654435761;
  for (let d = 0; d < dim; d++) {
    x = (x ^ (x << 13)) >>> 0;
    x = (x ^ (x >>> 17)) >>> 0;
    x = (x ^ (x << 5)) >>> 0;
    v[d] = (x / 0xffffffff) * 2 - 1;
  }
  return v;
}

export function episode(i: number, extra: Partial<Episode> = {}): Episode {
  return { ...emptyEpisode(), id: `ep-${i}`, what: `observation ${i}`, embedding: embedding(i), ...extra };
}

let nextStream = 1;

/** How a TestStream reaches the server; gRPC unless a test says otherwise (ws-harness.ts). */
export type StreamOpener = (client: EngramClient, opts: OpenOptions) => RecordedStream;

const overGrpc: StreamOpener = (client, opts) => RecordedStream.open(client, opts);

/** One recorded ObserveStream with its responses, and ways to wait for them. */
export class TestStream {
  readonly responses: ObservationResponse[] = [];
  /** ACCEPTED and REJECTED acks so far (kept as a count so waiting on it stays cheap). */
  outcomeCount = 0;
  readonly events: HistoryEvent[] = [];
  readonly rs: RecordedStream;
  private waiters: Array<() => void> = [];

  constructor(client: EngramClient, open: StreamOpener = overGrpc) {
    this.rs = open(client, {
      stream: nextStream++,
      session: 'test',
      sink: (e) => this.events.push(e),
      clock: runClock(),
      onResponse: (r) => {
        this.responses.push(r);
        if (r.result?.case === 'ack' && r.result.ack.status !== AckStatus.INDEXED) this.outcomeCount++;
        for (const w of this.waiters.splice(0)) w();
      },
    });
    void this.rs.ended.then(() => {
      for (const w of this.waiters.splice(0)) w();
    });
  }

  /** Opens a stream and completes init; resolves with the init ack. */
  static async init(
    client: EngramClient,
    options: Partial<Parameters<RecordedStream['init']>[0]> = {},
    open: StreamOpener = overGrpc,
  ): Promise<TestStream> {
    const s = new TestStream(client, open);
    s.rs.init({ memorySpaceId: SPACE, ...options });
    await s.rs.initAck(5000);
    return s;
  }

  send(seq: bigint | number, ep: Episode = episode(Number(seq))): void {
    this.rs.send(BigInt(seq), ep);
  }

  /**
   * Sends from..to, waiting whenever the call's write buffer is full: grpc-js
   * clients slow down badly when thousands of writes are buffered ahead.
   */
  async sendRange(from: number, to: number, make: (i: number) => Episode = (i) => episode(i)): Promise<void> {
    for (let i = from; i <= to; i++) {
      if (!this.rs.send(BigInt(i), make(i))) await this.rs.drained();
    }
  }

  /** ACCEPTED and REJECTED acks with their echoed sequence, in arrival order. */
  outcomes(): Array<ObservationAck & { seq: bigint }> {
    return this.acks().filter((a) => a.status !== AckStatus.INDEXED);
  }

  acks(): Array<ObservationAck & { seq: bigint }> {
    const out: Array<ObservationAck & { seq: bigint }> = [];
    for (const r of this.responses)
      if (r.result?.case === 'ack') out.push({ ...r.result.ack, seq: r.sequenceNumber });
    return out;
  }

  indexedMarks(): bigint[] {
    return this.acks()
      .filter((a) => a.status === AckStatus.INDEXED)
      .map((a) => a.seq);
  }

  statuses(): StreamStatus[] {
    const out: StreamStatus[] = [];
    for (const r of this.responses) if (r.result?.case === 'status') out.push(r.result.status);
    return out;
  }

  /** Resolves when `ready()` holds (checked on each response and at the stream's end). */
  async until(ready: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!ready()) {
      if (this.rs.isEnded) {
        if (ready()) return;
        throw new Error(`stream ended before ${what}`);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  untilOutcomes(n: number): Promise<void> {
    return this.until(() => this.outcomeCount >= n, `${n} acks`);
  }
}

export function recall(
  client: EngramClient,
  vector: Float32Array | number[],
  maxResults = 10,
  memorySpaceId = SPACE,
): Promise<RecallResponse> {
  return new Promise((resolve, reject) => {
    const call = client.RecallStream({
      memorySpaceId,
      cue: { embedding: { vector: Array.from(vector) } },
      maxResults,
    });
    const responses: RecallResponse[] = [];
    call.on('data', (r: RecallResponse) => responses.push(r));
    call.on('error', reject);
    call.on('end', () => resolve(responses[0] ?? { results: [], moreResults: false, snapshotSequence: '0' }));
  });
}

/**
 * Components whose commit step holds every batch's visibility until release():
 * queue depth (accepted, not yet visible) then grows deterministically, for
 * admission and backpressure tests.
 */
export function heldCommit(): { components: ServerComponents; release(): void; held(): number } {
  const waiting: Array<() => void> = [];
  let holding = true;
  const components: ServerComponents = {
    ...defaultComponents(),
    commit: (_batch, makeVisible) => {
      if (holding) waiting.push(makeVisible);
      else makeVisible();
    },
  };
  return {
    components,
    release: () => {
      holding = false;
      for (const v of waiting.splice(0)) v();
    },
    held: () => waiting.length,
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
