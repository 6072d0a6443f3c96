// The raw hnswlib-node insert rate on this machine: `workers` threads, each adding
// its share of `count` points to its own index (as the server's segments do), with
// the points prepared before the clock starts. Only addPoint is timed.
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { cpuDelta, threadCpu } from './thread-cpu.js';

export interface RawRateOptions {
  dim: number;
  m: number;
  efConstruction: number;
  count: number;
  workers: number;
  seed: number;
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const hnswlib = require(workerData.hnswPath);
const { dim, m, efConstruction, count, seed } = workerData;
let x = seed >>> 0 || 1;
const rand = () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x / 4294967296 * 2 - 1; };
const points = Array.from({ length: count }, () => Array.from({ length: dim }, rand));
const index = new hnswlib.HierarchicalNSW('cosine', dim);
index.initIndex(count, m, efConstruction);
parentPort.once('message', () => {
  for (let i = 0; i < count; i++) index.addPoint(points[i], i);
  parentPort.postMessage('done');
});
parentPort.postMessage('ready');
`;

export interface RawRate {
  /** Inserted points per second over all workers, wall clock from start to the last one done. */
  perSecond: number;
  /** CPU seconds of the busiest insert thread while inserting. */
  busiestThreadCpu: number;
  /** Points each worker inserted. */
  perWorker: number;
}

export async function rawInsertRate(o: RawRateOptions): Promise<RawRate> {
  const hnswPath = createRequire(import.meta.url).resolve('hnswlib-node');
  const share = Math.ceil(o.count / o.workers);
  const workers = Array.from(
    { length: o.workers },
    (_, i) =>
      new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: {
          hnswPath,
          dim: o.dim,
          m: o.m,
          efConstruction: o.efConstruction,
          count: share,
          seed: o.seed + i,
        },
      }),
  );
  const next = (w: Worker) => new Promise<void>((resolve) => w.once('message', () => resolve()));
  await Promise.all(workers.map(next));
  const cpuBefore = threadCpu('self');
  const started = performance.now();
  const done = workers.map(next);
  for (const w of workers) w.postMessage('go');
  await Promise.all(done);
  const seconds = (performance.now() - started) / 1000;
  const cpu = cpuDelta(cpuBefore, threadCpu('self'));
  await Promise.all(workers.map((w) => w.terminate()));
  return { perSecond: (share * o.workers) / seconds, busiestThreadCpu: cpu.busiest, perWorker: share };
}
