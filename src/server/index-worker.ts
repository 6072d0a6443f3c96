// An index worker thread: owns one segment (an HNSW index) of every memory space,
// so that addPoint's synchronous work never blocks the gRPC event loop (IDX-9).
import { createHash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import type { HierarchicalNSW } from 'hnswlib-node';
import hnswlib from 'hnswlib-node';
import type { FromIndexWorker, IndexWorkerOptions, ToIndexWorker } from './index-worker-protocol.js';

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

function insert(spaces: string[], labels: number[], vectors: Float32Array): void {
  const counts = new Map<string, number>();
  for (const s of spaces) counts.set(s, (counts.get(s) ?? 0) + 1);
  for (const [s, n] of counts) reserve(segment(s), n);
  const dim = options.dim;
  for (let i = 0; i < labels.length; i++) {
    const space = spaces[i] as string;
    const vector = vectors.subarray(i * dim, (i + 1) * dim);
    segment(space).addPoint(Array.from(vector), labels[i] as number);
    let exact = exactLabels.get(space);
    if (!exact) {
      exact = new Map();
      exactLabels.set(space, exact);
    }
    exact.set(digest(vector), labels[i] as number);
  }
}

function search(space: string, vector: Float32Array, k: number): { labels: number[]; distances: number[] } {
  const index = segments.get(space);
  if (!index || index.getCurrentCount() === 0) return { labels: [], distances: [] };
  index.setEf(Math.max(MIN_EF_SEARCH, k));
  const found = index.searchKnn(Array.from(vector), Math.min(k, index.getCurrentCount()));
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
      insert(message.spaces, message.labels, message.vectors);
      return { type: 'inserted', id: message.id };
    }
    return { type: 'found', id: message.id, ...search(message.space, message.vector, message.k) };
  } catch (err) {
    return { type: 'failed', id: message.id, message: (err as Error).message };
  }
}

parentPort?.on('message', (message: ToIndexWorker) => parentPort?.postMessage(handle(message)));
