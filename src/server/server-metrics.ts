// Prometheus metrics under the public Engram server's names, in a registry of
// their own so that several servers in one process (tests) do not collide.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface MetricSources {
  queueDepth(): number;
  activeSessions(): number;
  /** The pressure state as its StreamStatus.State number (1 ACTIVE, 3 BACKPRESSURE, 4 OVERLOADED). */
  backpressureState(): number;
}

export class ServerMetrics {
  readonly registry = new Registry();
  readonly observations: Counter;
  readonly rejected: Counter<'reason'>;
  readonly indexed: Counter;
  readonly latency: Histogram;
  readonly batchSize: Histogram;
  readonly batchInsert: Histogram;
  readonly recalls: Counter;

  constructor(sources: MetricSources) {
    const registers = [this.registry];
    this.observations = new Counter({
      name: 'engram_streaming_observations_total',
      help: 'Observations accepted',
      registers,
    });
    this.rejected = new Counter({
      name: 'engram_streaming_observations_rejected_total',
      help: 'Observations rejected in-band, by reason',
      labelNames: ['reason'],
      registers,
    });
    this.indexed = new Counter({
      name: 'engram_streaming_observations_indexed_total',
      help: 'Observations made visible to recall',
      registers,
    });
    this.latency = new Histogram({
      name: 'engram_streaming_observation_latency_seconds',
      help: 'Time from acceptance (enqueue) to visibility (indexed)',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.batchSize = new Histogram({
      name: 'engram_streaming_batch_size',
      help: 'Observations per committed index batch',
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
      registers,
    });
    this.batchInsert = new Histogram({
      name: 'engram_streaming_batch_insert_seconds',
      help: 'Index worker time to insert one batch (sized to fit 25 ms while the queue can drain)',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    });
    this.recalls = new Counter({
      name: 'engram_streaming_recalls_total',
      help: 'RecallStream requests answered',
      registers,
    });
    new Gauge({
      name: 'engram_streaming_queue_depth',
      help: 'Observations accepted but not yet visible',
      registers,
      collect() {
        this.set(sources.queueDepth());
      },
    });
    new Gauge({
      name: 'engram_streaming_active_sessions_total',
      help: 'Sessions that exist (attached or resumable)',
      registers,
      collect() {
        this.set(sources.activeSessions());
      },
    });
    new Gauge({
      name: 'engram_streaming_backpressure_state',
      help: 'Queue pressure state: 1 active, 3 backpressure, 4 overloaded (StreamStatus.State)',
      registers,
      collect() {
        this.set(sources.backpressureState());
      },
    });
  }
}
