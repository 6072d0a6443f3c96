// An index worker thread: owns one segment (an HNSW index) of every memory space,
// so that addPoint's synchronous work never blocks the gRPC event loop (IDX-9).
import { parentPort, workerData } from 'node:worker_threads';
import type { HierarchicalNSW } from 'hnswlib-node';
import hnswlib from 'hnswlib-node';
import type { FromIndexWorker, IndexWorkerOptions, ToIndexWorker } from './index-worker-protocol.js';

const options = workerData as IndexWorkerOptions;
const INITIAL_CAPACITY = 1024;
/** Search breadth: exact-embedding queries must find their episode first (REC-3). */
const MIN_EF_SEARCH = 100;
const segments = new Map<string, HierarchicalNSW>();

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

function insert(spaces: string[], labels: number[], vectors: Float32Array): void {
  const counts = new Map<string, number>();
  for (const s of spaces) counts.set(s, (counts.get(s) ?? 0) + 1);
  for (const [s, n] of counts) reserve(segment(s), n);
  const dim = options.dim;
  for (let i = 0; i < labels.length; i++) {
    const point = Array.from(vectors.subarray(i * dim, (i + 1) * dim));
    segment(spaces[i] as string).addPoint(point, labels[i] as number);
  }
}

function search(space: string, vector: Float32Array, k: number): { labels: number[]; distances: number[] } {
  const index = segments.get(space);
  if (!index || index.getCurrentCount() === 0) return { labels: [], distances: [] };
  index.setEf(Math.max(MIN_EF_SEARCH, k));
  const found = index.searchKnn(Array.from(vector), Math.min(k, index.getCurrentCount()));
  return { labels: found.neighbors, distances: found.distances };
}

function handle(message: ToIndexWorker): FromIndexWorker {
  try {
    if (message.type === 'insert') {
      insert(message.spaces, message.labels, message.vectors);
      return { type: 'inserted', id: message.id };
    }
    return { type: 'found', id: message.id, ...search(message.space, message.vector, message.k) };
  } catch (err) {
    return { type: 'failed', id: message.id, message: (err as Error).message };
  }
}

parentPort?.on('message', (message: ToIndexWorker) => parentPort?.postMessage(handle(message)));
