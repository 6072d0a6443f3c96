// The state every stream shares: sessions, memory spaces, the queue and its
// pressure, the index pipeline, metrics; and the responses built from them.
import { performance } from 'node:perf_hooks';
import {
  AckStatus,
  emptyAck,
  type ObservationResponse,
  RejectReason,
  type StreamCapabilities,
  StreamState,
} from '../protocol/messages.js';
import type { ServerComponents } from './components.js';
import type { IndexItem } from './index-item.js';
import { IndexPipeline } from './index-pipeline.js';
import { IndexQueue } from './index-queue.js';
import { IndexWorkers } from './index-workers.js';
import { type MemorySpace, MemorySpaces } from './memory-spaces.js';
import { nextPressureState, type PressureState } from './pressure-state.js';
import type { ServerConfig } from './server-config.js';
import { ServerMetrics } from './server-metrics.js';
import type { Session } from './session.js';
import { SessionRegistry } from './session-registry.js';

/** Why a valid, in-sequence observation is not admitted. */
export interface Refusal {
  reason: RejectReason;
  detail: string;
  retryAfterMs: number;
}

/** FLOW-3, FLOW-4: how often a BACKPRESSURE or OVERLOADED state is repeated. */
const PRESSURE_REPEAT_MS = 100;
/** What a shutting-down server tells clients to wait before trying again (elsewhere). */
const SHUTDOWN_RETRY_MS = 1000;
export const SHUTTING_DOWN = 'server shutting down';

/** An open ObserveStream call, as shutdown sees it. */
export interface OpenStream {
  /** Ends the call with UNAVAILABLE (SHUT-2). */
  endForShutdown(): void;
}

export class ServerCore {
  readonly registry: SessionRegistry;
  readonly spaces = new MemorySpaces();
  readonly queue: IndexQueue;
  readonly workers: IndexWorkers;
  readonly pipeline: IndexPipeline;
  readonly metrics: ServerMetrics;
  readonly openStreams = new Set<OpenStream>();
  pressure: PressureState = StreamState.ACTIVE;
  shuttingDown = false;
  private pressureTimer: NodeJS.Timeout | undefined;
  private readonly heartbeatTimer: NodeJS.Timeout;

  constructor(
    readonly config: ServerConfig,
    readonly components: ServerComponents,
  ) {
    this.registry = new SessionRegistry(config.sessionIdleTimeoutMs);
    this.queue = new IndexQueue(config.queueCapacity);
    this.workers = new IndexWorkers(config.indexWorkers, {
      dim: config.dim,
      m: config.m,
      efConstruction: config.efConstruction,
      maxElements: config.maxElements,
      nice: config.indexNice,
    });
    this.pipeline = new IndexPipeline(
      this.queue,
      this.workers,
      config.dim,
      components.commit,
      (batch) => this.onVisible(batch),
      components.insert,
      (workMs) => this.metrics.batchInsert.observe(workMs / 1000),
    );
    this.metrics = new ServerMetrics({
      queueDepth: () => this.queue.depth,
      activeSessions: () => this.registry.size,
      backpressureState: () => this.pressure,
    });
    this.heartbeatTimer = setInterval(() => this.pushStatus(), config.heartbeatIntervalMs);
    this.heartbeatTimer.unref();
  }

  capabilities(): StreamCapabilities {
    const c = this.config;
    return {
      maxObservationsPerSecond: 0,
      queueCapacity: c.queueCapacity,
      supportsBackpressure: true,
      supportsSnapshotIsolation: false,
      embeddingDim: c.dim,
      supportsResume: true,
      supportsIndexAcks: true,
      sessionIdleTimeoutMs: Math.min(c.sessionIdleTimeoutMs, 0xffffffff),
      maxTextBytes: c.maxTextBytes,
    };
  }

  /** The admission decision (FLOW-4, FLOW-9, FLOW-10, SHUT-1) for a valid, in-sequence observation. */
  refusal(space: MemorySpace, highPriority: boolean): Refusal | undefined {
    if (this.shuttingDown) {
      return { reason: RejectReason.OVERLOADED, detail: SHUTTING_DOWN, retryAfterMs: SHUTDOWN_RETRY_MS };
    }
    if (space.admitted >= this.config.maxElements) {
      return {
        reason: RejectReason.SPACE_FULL,
        detail: `memory space '${space.id}' holds its limit of ${this.config.maxElements} elements`,
        retryAfterMs: 0,
      };
    }
    if (!this.queue.admits(highPriority)) {
      const retryAfterMs = this.retryAfterMs();
      return {
        reason: RejectReason.OVERLOADED,
        detail: `queue at ${this.queue.depth} of ${this.queue.capacity}; retry the same sequence in ${retryAfterMs} ms`,
        retryAfterMs,
      };
    }
    return undefined;
  }

  /** Time until the queue is expected to admit normal observations again, from the index rate. */
  retryAfterMs(): number {
    const rate = this.pipeline.indexRatePerSecond;
    if (rate <= 0) return PRESSURE_REPEAT_MS;
    const excess = this.queue.depth - this.queue.normalLimit + 1;
    return Math.min(5000, Math.max(10, Math.ceil((excess * 1000) / rate)));
  }

  /** Queues an accepted observation and updates the pressure state. */
  enqueue(item: IndexItem, highPriority: boolean): void {
    this.metrics.observations.inc();
    this.pipeline.enqueue(item, highPriority);
    this.updatePressure();
  }

  statusResponse(session: Session, state: number, message: string): ObservationResponse {
    const { depth, capacity } = this.queue;
    return {
      result: {
        case: 'status',
        status: {
          state,
          message,
          queueDepth: depth,
          queueCapacity: capacity,
          pressure: depth / capacity,
          retryAfterMs: state === StreamState.OVERLOADED ? this.retryAfterMs() : 0,
          lastAcceptedSequence: session.lastAccepted,
          indexedThroughSequence: session.indexedThrough,
        },
      },
      sessionId: session.id,
      sequenceNumber: 0n,
      serverTimestampMs: Date.now(),
    };
  }

  /** Sends the session's INDEXED mark to its stream if it asked and the mark moved (IDX-1..IDX-4). */
  sendIndexed(session: Session, repeat = false): void {
    const stream = session.stream;
    if (!stream || !session.indexAcks) return;
    const mark = session.indexedThrough;
    if (mark === 0n || (mark <= session.indexedSent && !repeat)) return;
    session.indexedSent = mark;
    stream.writer.send({
      result: { case: 'ack', ack: { ...emptyAck(), status: AckStatus.INDEXED, committedAtMs: Date.now() } },
      sessionId: session.id,
      sequenceNumber: mark,
      serverTimestampMs: Date.now(),
    });
  }

  /** The current state (SES-12, SES-13, FLOW-3..FLOW-5) as a status to the session's stream. */
  currentStatus(session: Session): ObservationResponse {
    return this.statusResponse(session, this.pressure, this.stateMessage());
  }

  private stateMessage(): string {
    if (this.shuttingDown) return SHUTTING_DOWN;
    if (this.pressure === StreamState.OVERLOADED) return 'queue above 90%: new observations are refused';
    if (this.pressure === StreamState.BACKPRESSURE) return 'queue above 80%: slow down';
    return 'accepting observations';
  }

  /** The current state to every attached stream (transitions, repeats, heartbeat). */
  pushStatus(): void {
    for (const session of this.registry.attached) session.stream?.writer.send(this.currentStatus(session));
  }

  private updatePressure(): void {
    const next = nextPressureState(
      this.pressure,
      this.queue.depth,
      this.queue.capacity,
      this.queue.normalLimit,
    );
    if (next === this.pressure) return;
    this.pressure = next;
    this.pushStatus();
    if (next === StreamState.ACTIVE) {
      clearInterval(this.pressureTimer);
      this.pressureTimer = undefined;
    } else {
      this.pressureTimer ??= setInterval(() => this.pushStatus(), PRESSURE_REPEAT_MS);
    }
  }

  private onVisible(batch: readonly IndexItem[]): void {
    const now = performance.now();
    const sessions = new Set<Session>();
    for (const item of batch) {
      item.visibility.visible = true;
      this.metrics.latency.observe((now - item.acceptedAt) / 1000);
      sessions.add(item.session);
    }
    this.metrics.indexed.inc(batch.length);
    this.metrics.batchSize.observe(batch.length);
    for (const session of sessions) if (session.advanceVisible()) this.sendIndexed(session);
    this.updatePressure();
  }

  stop(): void {
    clearInterval(this.heartbeatTimer);
    clearInterval(this.pressureTimer);
    this.registry.stop();
  }
}
