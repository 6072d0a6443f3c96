// An index worker thread: owns one segment (an HNSW index) of every memory space,
// so that addPoint's synchronous work never blocks the gRPC event loop (IDX-9).
import { createHash } from 'node:crypto';
import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import type { HierarchicalNSW } from 'hnswlib-node';
import hnswlib from 'hnswlib-node';
import type {
  FromIndexWorker,
  IndexWorkerOptions,
  ToIndexWorker,
  WorkerThreadInfo,
} from './index-worker-protocol.js';
import type { InsertTimings } from './insert-cost.js';

const options = workerData as IndexWorkerOptions;
const INITIAL_CAPACITY = 1024;
/** Search breadth: exact-embedding queries must find their episode first (REC-3). */
const MIN_EF_SEARCH = 100;
const segments = new Map<string, HierarchicalNSW>();
/**
 * Per space: digest of an inserted embedding -> its label. HNSW search is approximate and
 * can miss even an exact duplicate of the query in high dimensions (seen: 6 in 358 probes at
 * 768-d); REC-3 promises that an exact-embedding query returns its episode first, and
 * read-your-write probes depend on it, so exact matches are looked up, not searched for.
 */
const exactLabels = new Map<string, Map<string, number>>();
/**
 * hnswlib-node takes plain arrays; Array.from(Float32Array) costs about 70 us at 768-d (a
 * tenth of an insert), a copy loop into one reused array about 3 us. addPoint and searchKnn
 * copy the values, so one array serves every call.
 */
const scratch: number[] = new Array(options.dim).fill(0);

function asArray(vector: Float32Array): number[] {
  for (let i = 0; i < vector.length; i++) scratch[i] = vector[i] as number;
  return scratch;
}

/**
 * Acks first: on Linux every thread is a task with its own nice value, and setpriority(2) on
 * "process" 0 changes only the calling thread, so this lowers the priority of this index
 * thread and not of the event loop that answers the streams. Elsewhere the call would change
 * the whole process, so it is made on Linux only. Raising nice needs no privilege.
 */
function lowerPriority(nice: number): WorkerThreadInfo {
  try {
    if (process.platform === 'linux' && nice > 0) setPriority(0, Math.min(19, getPriority(0) + nice));
  } catch {
    // Refused (a sandbox without setpriority): the thread keeps its priority, and says which.
  }
  let tid: number | undefined;
  try {
    tid = Number(readlinkSync('/proc/thread-self').split('/').at(-1));
  } catch {
    tid = undefined;
  }
  return { type: 'started', tid, nice: getPriority(0) };
}

function digest(vector: Float32Array): string {
  return createHash('sha1')
    .update(new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength))
    .digest('base64');
}

function segment(space: string): HierarchicalNSW {
  let index = segments.get(space);
  if (!index) {
    index = new hnswlib.HierarchicalNSW('cosine', options.dim);
    index.initIndex(Math.min(INITIAL_CAPACITY, options.maxElements), options.m, options.efConstruction);
    segments.set(space, index);
  }
  return index;
}

/** Grows the index before it is full: doubling keeps the amortized cost of resizing low. */
function reserve(index: HierarchicalNSW, extra: number): void {
  const needed = index.getCurrentCount() + extra;
  const max = index.getMaxElements();
  if (needed > max) index.resizeIndex(Math.min(options.maxElements, Math.max(needed, max * 2)));
}

/** Inserts the batch and says what it cost: per space the inserts themselves, and the whole batch. */
function insert(spaces: string[], labels: number[], vectors: Float32Array): InsertTimings {
  const started = performance.now();
  const perSpace = new Map<string, { space: string; count: number; ms: number }>();
  for (const space of spaces) {
    const entry = perSpace.get(space) ?? { space, count: 0, ms: 0 };
    entry.count++;
    perSpace.set(space, entry);
  }
  for (const { space, count } of perSpace.values()) reserve(segment(space), count);
  const dim = options.dim;
  for (let i = 0; i < labels.length; i++) {
    const itemStarted = performance.now();
    const space = spaces[i] as string;
    const vector = vectors.subarray(i * dim, (i + 1) * dim);
    segment(space).addPoint(asArray(vector), labels[i] as number);
    let exact = exactLabels.get(space);
    if (!exact) {
      exact = new Map();
      exactLabels.set(space, exact);
    }
    exact.set(digest(vector), labels[i] as number);
    (perSpace.get(space) as { ms: number }).ms += performance.now() - itemStarted;
  }
  return { perSpace: [...perSpace.values()], totalMs: performance.now() - started };
}

function search(space: string, vector: Float32Array, k: number): { labels: number[]; distances: number[] } {
  const index = segments.get(space);
  if (!index || index.getCurrentCount() === 0) return { labels: [], distances: [] };
  index.setEf(Math.max(MIN_EF_SEARCH, k));
  const found = index.searchKnn(asArray(vector), Math.min(k, index.getCurrentCount()));
  const exact = exactLabels.get(space)?.get(digest(vector));
  if (exact === undefined || found.neighbors.includes(exact)) {
    return { labels: found.neighbors, distances: found.distances };
  }
  // The search missed the exact match: put it first, at distance 0, and keep k results.
  return { labels: [exact, ...found.neighbors].slice(0, k), distances: [0, ...found.distances].slice(0, k) };
}

function handle(message: ToIndexWorker): FromIndexWorker {
  try {
    if (message.type === 'insert') {
      return { type: 'inserted', id: message.id, ...insert(message.spaces, message.labels, message.vectors) };
    }
    return { type: 'found', id: message.id, ...search(message.space, message.vector, message.k) };
  } catch (err) {
    return { type: 'failed', id: message.id, message: (err as Error).message };
  }
}

parentPort?.postMessage(lowerPriority(options.nice));
parentPort?.on('message', (message: ToIndexWorker) => parentPort?.postMessage(handle(message)));
