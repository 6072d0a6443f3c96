// The pool of index worker threads. Each owns one segment of every memory space;
// inserts go to one worker, searches to all of them.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type {
  FromIndexWorker,
  IndexWorkerOptions,
  ToIndexWorker,
  WorkerThreadInfo,
} from './index-worker-protocol.js';
import { InsertCosts, type InsertTimings } from './insert-cost.js';

/** One nearest neighbour of a segment: the label within its space and the cosine distance. */
export interface Neighbour {
  label: number;
  distance: number;
}

/**
 * The compiled worker next to this module. When this module runs from src/ (vitest
 * loads the TypeScript), workers cannot load TypeScript, so the built copy in dist/
 * is used: `npm run build` first, as `npm test` does.
 */
function workerUrl(): URL {
  const here = new URL('./index-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(here))) return here;
  return new URL('../../dist/server/index-worker.js', import.meta.url);
}

type Reply = (message: Exclude<FromIndexWorker, WorkerThreadInfo>) => void;

export class IndexWorker {
  private readonly worker: Worker;
  private readonly replies = new Map<number, Reply>();
  private nextId = 0;
  private terminating = false;
  /** Set when the worker says it started: its module, native library included, is loaded. */
  loaded = false;
  private readonly exited: Promise<void>;
  /** Batches sent and not yet inserted. */
  inFlight = 0;
  /** What inserts cost on this worker, from its own measurements. */
  readonly costs = new InsertCosts();
  /** The thread's id and nice value, once it runs. */
  readonly started: Promise<WorkerThreadInfo>;

  constructor(options: IndexWorkerOptions) {
    this.worker = new Worker(workerUrl(), { workerData: options });
    let started: (info: WorkerThreadInfo) => void = () => {};
    this.started = new Promise((resolve) => {
      started = resolve;
    });
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.on('message', (m: FromIndexWorker) => {
      if (m.type === 'started') {
        this.loaded = true;
        return started(m);
      }
      const reply = this.replies.get(m.id);
      this.replies.delete(m.id);
      reply?.(m);
    });
    // A dead worker would leave accepted observations unindexed: fail loudly, never quietly.
    this.worker.on('error', (err) => {
      throw err;
    });
    this.worker.on('exit', (code) => {
      if (!this.terminating) throw new Error(`index worker thread exited unexpectedly (code ${code})`);
    });
  }

  private request(
    message: ToIndexWorker,
    transfer: ArrayBuffer[],
  ): Promise<Exclude<FromIndexWorker, WorkerThreadInfo>> {
    return new Promise((resolve, reject) => {
      this.replies.set(message.id, (m) =>
        m.type === 'failed' ? reject(new Error(`index worker: ${m.message}`)) : resolve(m),
      );
      this.worker.postMessage(message, transfer);
    });
  }

  /**
   * Inserts the vectors (dim floats each, transferred) under the items' spaces and labels,
   * and learns from the worker's timings what the next batches will cost.
   */
  async insert(spaces: string[], labels: number[], vectors: Float32Array): Promise<InsertTimings> {
    const m = await this.request({ type: 'insert', id: this.nextId++, spaces, labels, vectors }, [
      vectors.buffer as ArrayBuffer,
    ]);
    if (m.type !== 'inserted') throw new Error(`index worker answered an insert with '${m.type}'`);
    this.costs.record(m);
    return m;
  }

  async search(space: string, vector: Float32Array, k: number): Promise<Neighbour[]> {
    const m = await this.request({ type: 'search', id: this.nextId++, space, vector, k }, []);
    if (m.type !== 'found') return [];
    return m.labels.map((label, i) => ({ label, distance: m.distances[i] as number }));
  }

  /**
   * Stops the thread, but never while it is still loading: terminating a worker inside
   * hnswlib-node's native module initialisation aborts the whole process (napi_throw
   * fails in a terminating environment: FATAL ERROR, a native stack trace), which a
   * server that stops right after it started (a port already in use) ran into on a busy
   * machine. The worker says it started at the end of its module, so that is awaited
   * (or its exit).
   */
  async terminate(): Promise<number> {
    this.terminating = true;
    if (!this.loaded) await Promise.race([this.started, this.exited]);
    return this.worker.terminate();
  }
}

export class IndexWorkers {
  readonly workers: IndexWorker[];

  constructor(count: number, options: IndexWorkerOptions) {
    this.workers = Array.from({ length: count }, () => new IndexWorker(options));
  }

  /** The k nearest of every segment, merged: nearest first. */
  async search(space: string, vector: Float32Array, k: number): Promise<Neighbour[]> {
    const perSegment = await Promise.all(this.workers.map((w) => w.search(space, vector, k)));
    return perSegment
      .flat()
      .sort((a, b) => a.distance - b.distance)
      .slice(0, k);
  }

  async terminate(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
