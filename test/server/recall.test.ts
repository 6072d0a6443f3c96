import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IndexWorkers } from '../../src/server/index-workers.js';
import {
  DIM,
  embedding,
  episode,
  recall,
  SPACE,
  startTestServer,
  type TestServer,
  TestStream,
} from './harness.js';

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += (a[i] as number) * (b[i] as number);
    na += (a[i] as number) ** 2;
    nb += (b[i] as number) ** 2;
  }
  return dot / Math.sqrt(na * nb);
}

describe('recall', () => {
  let t: TestServer;
  const n = 200;
  beforeAll(async () => {
    // Two workers: the space is split into two segments that recall must merge.
    t = await startTestServer({ indexWorkers: 2 });
    const s = await TestStream.init(t.client, { memorySpaceId: 'recall_space' });
    await s.sendRange(1, n, (i) => episode(40_000 + i));
    s.rs.close(true, BigInt(n));
    await s.rs.ended;
  });
  afterAll(() => t.stop());

  it('[REC-1][REC-3] every segment is searched: each of 200 observations is found first by its exact embedding', async () => {
    for (let i = 1; i <= n; i++) {
      const found = await recall(t.client, episode(40_000 + i).embedding, 3, 'recall_space');
      expect(found.results[0]?.id).toBe(`ep-${40_000 + i}`);
    }
  });

  it('[REC-1] results are sorted by activation and capped by max_results (or cue.max_results when 0)', async () => {
    const found = await recall(t.client, embedding(1), 25, 'recall_space');
    expect(found.results).toHaveLength(25);
    const acts = found.results.map((m) => m.activation);
    expect([...acts].sort((a, b) => b - a)).toEqual(acts);
    const viaCue = await new Promise<{ results: unknown[] }>((resolve, reject) => {
      const call = t.client.RecallStream({
        memorySpaceId: 'recall_space',
        cue: { embedding: { vector: Array.from(embedding(2)) }, maxResults: 7 },
        maxResults: 0,
      });
      call.on('data', resolve);
      call.on('error', reject);
    });
    expect(viaCue.results).toHaveLength(7);
  });

  it('[REC-2] activation is the cosine similarity to the cue and Memory.id the episode id', async () => {
    const cue = embedding(999_999);
    const found = await recall(t.client, cue, 5, 'recall_space');
    for (const m of found.results) {
      const i = Number(m.id.slice(3)) - 40_000;
      expect(i).toBeGreaterThanOrEqual(1);
      expect(m.activation).toBeCloseTo(cosine(cue, episode(40_000 + i).embedding), 4);
    }
  });

  it('[REC-4] a space with nothing indexed answers OK with no results', async () => {
    expect((await recall(t.client, embedding(1), 5, 'empty_space')).results).toEqual([]);
    const s = await TestStream.init(t.client, { memorySpaceId: 'no_obs_space' });
    expect((await recall(t.client, embedding(1), 5, 'no_obs_space')).results).toEqual([]);
    s.rs.halfClose();
  });

  it('[REC-5] a cue of the wrong size, a negative cue.max_results, or a bad space id, is INVALID_ARGUMENT', async () => {
    const negative = new Promise((resolve, reject) => {
      const call = t.client.RecallStream({
        memorySpaceId: 'recall_space',
        cue: { embedding: { vector: Array.from(embedding(1)) }, maxResults: -5 },
      });
      call.on('data', () => {});
      call.on('error', reject);
      call.on('end', resolve);
    });
    await expect(negative).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
    await expect(recall(t.client, new Float32Array(DIM + 2), 5)).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
    });
    await expect(recall(t.client, embedding(1), 5, 'NO')).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
    });
    await expect(recall(t.client, [], 5, SPACE)).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
  });
});

describe('segments', () => {
  it('[REC-1] IndexWorkers.search merges the nearest of every segment', async () => {
    const workers = new IndexWorkers(2, { dim: DIM, m: 16, efConstruction: 100, maxElements: 100, nice: 0 });
    try {
      const [a, b] = workers.workers;
      const vectors = (from: number, count: number) => {
        const v = new Float32Array(count * DIM);
        for (let i = 0; i < count; i++) v.set(embedding(from + i), i * DIM);
        return v;
      };
      await a?.insert(['sp', 'sp', 'sp'], [0, 1, 2], vectors(0, 3));
      await b?.insert(['sp', 'sp', 'sp'], [3, 4, 5], vectors(3, 3));
      const found = await workers.search('sp', embedding(4), 6);
      expect(found[0]?.label).toBe(4);
      expect(found.map((f) => f.label).sort()).toEqual([0, 1, 2, 3, 4, 5]);
      expect((await workers.search('sp', embedding(1), 1))[0]?.label).toBe(1);
    } finally {
      await workers.terminate();
    }
  });
});

describe('exact-embedding recall on a poorly connected graph', () => {
  let t: TestServer;
  const n = 400;
  const dim = 64;
  const vector = (i: number) =>
    Float32Array.from({ length: dim }, (_, j) => Math.sin(i * 12.9898 + j * 78.233));
  beforeAll(async () => {
    // M 2 and efConstruction 2 make HNSW miss exact duplicates often: REC-3 must hold anyway.
    t = await startTestServer({ dim, m: 2, efConstruction: 2 });
    const s = await TestStream.init(t.client, { memorySpaceId: 'sparse_graph' });
    await s.sendRange(1, n, (i) => ({ ...episode(50_000 + i), embedding: vector(i) }));
    s.rs.close(true, BigInt(n));
    await s.rs.ended;
  });
  afterAll(() => t.stop());

  it('[REC-3] every observation is returned first by its exact embedding', async () => {
    const missed: number[] = [];
    for (let i = 1; i <= n; i++) {
      const found = await recall(t.client, vector(i), 1, 'sparse_graph');
      if (found.results[0]?.id !== `ep-${50_000 + i}`) missed.push(i);
    }
    expect(missed).toEqual([]);
  });
});
