import { readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { describe, expect, it } from 'vitest';
import { IndexWorkers } from '../../src/server/index-workers.js';

const DIM = 16;
const options = { dim: DIM, m: 16, efConstruction: 100, maxElements: 1000 };

/** The nice value the kernel keeps for one thread of this process (field 19 of its stat). */
function kernelNice(tid: number): number {
  const fields = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return Number(fields[16]);
}

describe.runIf(process.platform === 'linux')('index worker threads: acks first', () => {
  it('a worker thread lowers its own priority only: the kernel shows it niced, the main thread not', async () => {
    const workers = new IndexWorkers(2, { ...options, nice: 10 });
    try {
      const base = getPriority(0);
      const expected = Math.min(19, base + 10);
      for (const w of workers.workers) {
        const info = await w.started;
        expect(info.nice).toBe(expected);
        expect(info.tid).toBeGreaterThan(0);
        expect(kernelNice(info.tid as number)).toBe(expected);
      }
      expect(getPriority(0)).toBe(base);
      expect(kernelNice(process.pid)).toBe(base);
    } finally {
      await workers.terminate();
    }
  });

  it('with nice 0 the worker keeps the priority it started with', async () => {
    const workers = new IndexWorkers(1, { ...options, nice: 0 });
    try {
      const info = await (workers.workers[0] as (typeof workers.workers)[0]).started;
      expect(info.nice).toBe(getPriority(0));
    } finally {
      await workers.terminate();
    }
  });
});

describe('index worker insert costs', () => {
  it('each insert reports its timings, per space, and the worker learns a per-insert cost from them', async () => {
    const workers = new IndexWorkers(1, { ...options, nice: 0 });
    const w = workers.workers[0] as (typeof workers.workers)[0];
    try {
      expect(w.costs.perItemMs).toBeUndefined();
      const n = 20;
      const vectors = Float32Array.from({ length: n * DIM }, (_, i) => Math.sin(i + 1));
      const spaces = Array.from({ length: n }, (_, i) => (i % 2 ? 'one' : 'two'));
      await w.insert(
        spaces,
        Array.from({ length: n }, (_, i) => i),
        vectors,
      );
      expect(w.costs.perItemMs).toBeGreaterThan(0);
      expect(w.costs.perBatchMs).toBeGreaterThanOrEqual(0);
      // The vectors went in: each finds itself.
      const first = Float32Array.from({ length: DIM }, (_, i) => Math.sin(i + 1));
      expect((await workers.search('two', first, 1))[0]?.label).toBe(0);
    } finally {
      await workers.terminate();
    }
  });
});

describe('index workers stopped right after their start', () => {
  // The server does that when it cannot listen (a port already in use). Terminating a
  // worker thread while it loads hnswlib-node's native module aborts the process.
  it('terminate() waits until every worker has loaded (said it started), then stops them', async () => {
    for (let round = 0; round < 3; round++) {
      const workers = new IndexWorkers(2, { ...options, nice: 0 });
      expect(workers.workers.some((w) => w.loaded)).toBe(false);
      await workers.terminate();
      expect(workers.workers.map((w) => w.loaded)).toEqual([true, true]);
    }
  });
});
