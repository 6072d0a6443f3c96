// Messages between the main thread and the index worker threads.
import type { InsertTimings } from './insert-cost.js';

export interface IndexWorkerOptions {
  dim: number;
  m: number;
  efConstruction: number;
  /** Per memory space; a segment never needs more. */
  maxElements: number;
  /** How much nicer than the thread that starts it the worker thread runs (0 = the same). */
  nice: number;
}

export type ToIndexWorker =
  | {
      type: 'insert';
      id: number;
      /** Per item: its memory space and label; the vectors are concatenated, dim floats each. */
      spaces: string[];
      labels: number[];
      vectors: Float32Array;
    }
  | { type: 'search'; id: number; space: string; vector: Float32Array; k: number };

/** What a worker thread says once it runs: its thread id and the nice value it runs at. */
export interface WorkerThreadInfo {
  type: 'started';
  /** The kernel's thread id (Linux), or undefined where /proc/thread-self does not exist. */
  tid: number | undefined;
  /** os.getPriority(0) inside the thread after lowering its priority. */
  nice: number;
}

export type FromIndexWorker =
  | WorkerThreadInfo
  | ({ type: 'inserted'; id: number } & InsertTimings)
  | { type: 'found'; id: number; labels: number[]; distances: number[] }
  | { type: 'failed'; id: number; message: string };
