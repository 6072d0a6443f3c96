// Messages between the main thread and the index worker threads.

export interface IndexWorkerOptions {
  dim: number;
  m: number;
  efConstruction: number;
  /** Per memory space; a segment never needs more. */
  maxElements: number;
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

export type FromIndexWorker =
  | { type: 'inserted'; id: number }
  | { type: 'found'; id: number; labels: number[]; distances: number[] }
  | { type: 'failed'; id: number; message: string };
