// Moves accepted observations from the queue into the index workers: whichever
// worker is free takes the next batch, and a committed batch becomes visible.
import { BATCH_BUDGET_MS, batchSize, MAX_BATCH_ITEMS, STALENESS_BOUND_MS } from './batch-size.js';
import type { IndexItem } from './index-item.js';
import type { IndexQueue } from './index-queue.js';
import type { IndexWorker, IndexWorkers } from './index-workers.js';

/**
 * The commit/visibility step: called once a batch is in the index; `makeVisible`
 * settles it (queue depth, INDEXED acks). The correct server calls it at once.
 */
export type CommitStep = (batch: readonly IndexItem[], makeVisible: () => void) => void;

/**
 * The insert step: `insertNow` puts the batch into the index workers, where recall
 * finds it from then on. The correct server calls it at once.
 */
export type InsertStep = (batch: readonly IndexItem[], insertNow: () => void) => void;

/**
 * Batches handed to one worker at a time: the one it inserts and the next. The batch budget
 * (batch-size.ts) counts on this: an observation waits for at most these two, then its own.
 */
const BATCHES_PER_WORKER = 2;
/** A measured insert cost is never taken as less than this (a timer's resolution). */
const MIN_ITEM_MS = 0.001;

export class IndexPipeline {
  private idleWaiters: Array<() => void> = [];
  /** Observations made visible per second, smoothed; 0 until the first batch. */
  private ratePerSecond = 0;
  private lastVisibleAt = performance.now();

  constructor(
    private readonly queue: IndexQueue,
    private readonly workers: IndexWorkers,
    private readonly dim: number,
    private readonly commit: CommitStep,
    private readonly onVisible: (batch: readonly IndexItem[]) => void,
    private readonly insertStep: InsertStep,
    /** The worker's time for one batch, ms: what the batch budget predicts. */
    private readonly onInserted: (workMs: number) => void,
  ) {}

  /** Queues an accepted observation; the caller checked admission. */
  enqueue(item: IndexItem, highPriority: boolean): void {
    this.queue.push(item, highPriority);
    this.dispatch();
  }

  get indexRatePerSecond(): number {
    return this.ratePerSecond;
  }

  /** Resolves when nothing accepted is waiting or being inserted. */
  idle(): Promise<void> {
    if (this.queue.depth === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Free workers first; then one batch queued behind each busy one, so no worker waits for a round trip. */
  private dispatch(): void {
    for (let inFlight = 0; inFlight < BATCHES_PER_WORKER; inFlight++) {
      for (const worker of this.workers.workers) {
        if (this.queue.waiting === 0) return;
        if (worker.inFlight === inFlight) this.run(worker, this.queue.take(this.nextBatchSize(worker)));
      }
    }
  }

  /**
   * The batch-size rule (batch-size.ts) with this worker's measured costs; a worker that has
   * measured nothing yet borrows another's estimate, and with none at all takes one
   * observation, whose insert is the first measurement.
   */
  private nextBatchSize(worker: IndexWorker): number {
    const all = this.workers.workers;
    const perItemMs =
      worker.costs.perItemMs ?? all.map((w) => w.costs.perItemMs).find((ms) => ms !== undefined);
    if (perItemMs === undefined) return 1;
    return batchSize({
      waiting: this.queue.waiting,
      perItemMs: Math.max(MIN_ITEM_MS, perItemMs),
      perBatchMs: worker.costs.perBatchMs,
      workers: all.length,
      budgetMs: BATCH_BUDGET_MS,
      boundMs: STALENESS_BOUND_MS,
      maxItems: MAX_BATCH_ITEMS,
    });
  }

  private run(worker: IndexWorker, batch: IndexItem[]): void {
    const dim = this.dim;
    const vectors = new Float32Array(batch.length * dim);
    const spaces: string[] = [];
    const labels: number[] = [];
    batch.forEach((item, i) => {
      vectors.set(item.embedding, i * dim);
      spaces.push(item.space.id);
      labels.push(item.label);
    });
    worker.inFlight++;
    this.insertStep(batch, () => {
      // No catch: a failed insert would lose accepted observations, so it crashes the
      // process loudly (unhandled rejection) instead of going unnoticed.
      void worker.insert(spaces, labels, vectors).then((timings) => {
        worker.inFlight--;
        this.onInserted(timings.totalMs);
        this.commit(batch, () => this.settle(batch));
        this.dispatch();
      });
    });
  }

  private settle(batch: readonly IndexItem[]): void {
    const now = performance.now();
    const instant = (batch.length * 1000) / Math.max(1, now - this.lastVisibleAt);
    this.ratePerSecond = this.ratePerSecond === 0 ? instant : 0.8 * this.ratePerSecond + 0.2 * instant;
    this.lastVisibleAt = now;
    this.queue.settle(batch.length);
    this.onVisible(batch);
    if (this.queue.depth === 0) for (const w of this.idleWaiters.splice(0)) w();
  }
}
