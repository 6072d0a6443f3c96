import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AckStatus, emptyEpisode, StreamState } from '../../src/protocol/messages.js';
import { defaultComponents, type ServerComponents } from '../../src/server/components.js';
import type { IndexItem } from '../../src/server/index-item.js';
import { IndexQueue } from '../../src/server/index-queue.js';
import { MemorySpace } from '../../src/server/memory-spaces.js';
import { Session } from '../../src/server/session.js';
import { embedding, episode, recall, startTestServer, type TestServer, TestStream } from './harness.js';

describe('indexing and INDEXED acks', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.stop());

  it('[IDX-1] no INDEXED acks to a stream that did not ask, also on a drained close', async () => {
    const s = await TestStream.init(t.client);
    for (let i = 1; i <= 20; i++) s.send(i, episode(30_000 + i));
    s.rs.close(true, 20n);
    expect((await s.rs.ended).code).toBe(status.OK);
    expect(s.indexedMarks()).toEqual([]);
  });

  it('[IDX-2][IDX-3][IDX-5] each INDEXED mark N means 1..N are visible; marks rise strictly and never pass ACCEPTED', async () => {
    const s = await TestStream.init(t.client, { indexAcks: true });
    const checks: Array<Promise<void>> = [];
    let checked = 0;
    // On each of the first INDEXED acks, recall every observation it covers right away.
    const seen = new Set<bigint>();
    const n = 60;
    for (let i = 1; i <= n; i++) s.send(i, episode(31_000 + i));
    await s.until(() => {
      for (const mark of s.indexedMarks()) {
        if (seen.has(mark) || checked >= 3) continue;
        seen.add(mark);
        checked++;
        checks.push(
          (async () => {
            for (let i = 1; i <= Number(mark); i++) {
              const found = await recall(t.client, episode(31_000 + i).embedding, 1);
              expect(found.results[0]?.id).toBe(`ep-${31_000 + i}`);
            }
          })(),
        );
      }
      return s.indexedMarks().includes(BigInt(n));
    }, `INDEXED ${n}`);
    await Promise.all(checks);
    const marks = s.indexedMarks();
    for (let i = 1; i < marks.length; i++) expect(marks[i]).toBeGreaterThan(marks[i - 1] as bigint);
    // Every INDEXED ack comes after the ACCEPTED ack of the sequence it covers (staleness >= 0).
    let accepted = 0n;
    for (const a of s.acks()) {
      if (a.status === AckStatus.ACCEPTED) accepted = a.seq;
      if (a.status === AckStatus.INDEXED) expect(a.seq).toBeLessThanOrEqual(accepted);
    }
    s.rs.halfClose();
  });

  it('[IDX-9] statuses keep flowing while batches are being inserted in the worker threads', async () => {
    // About a second or more of indexing at 768-d; a 20 ms heartbeat must keep firing through it.
    const big = await startTestServer({
      dim: 768,
      efConstruction: 200,
      queueCapacity: 5000,
      heartbeatIntervalMs: 20,
    });
    try {
      const s = await TestStream.init(big.client, { indexAcks: true });
      const n = 1500;
      await s.sendRange(1, n, (i) => ({ ...emptyEpisode(), id: `big-${i}`, embedding: embedding(i, 768) }));
      await s.untilOutcomes(n);
      expect(s.outcomes().every((a) => a.status === AckStatus.ACCEPTED)).toBe(true);
      const acceptedAll = s.responses.length;
      s.rs.close(true, BigInt(n));
      expect((await s.rs.ended).code).toBe(status.OK);
      const during = s.responses.slice(acceptedAll);
      const firstFullMark = during.findIndex(
        (r) => r.result?.case === 'ack' && r.sequenceNumber === BigInt(n),
      );
      const heartbeats = during.slice(0, firstFullMark).filter((r) => r.result?.case === 'status');
      expect(heartbeats.length).toBeGreaterThanOrEqual(5);
    } finally {
      await big.stop();
    }
  });
});

describe('batches', () => {
  it('[IDX-4] one INDEXED ack per committed batch of the session', async () => {
    let batches = 0;
    const base = defaultComponents();
    const counting: ServerComponents = {
      ...base,
      commit: (batch, makeVisible) => {
        batches++;
        base.commit(batch, makeVisible);
      },
    };
    // One worker: batches commit in order, so each one moves the session's mark.
    const t = await startTestServer({ indexWorkers: 1 }, counting);
    try {
      const s = await TestStream.init(t.client, { indexAcks: true });
      await s.sendRange(1, 300, (i) => episode(32_000 + i));
      await s.until(() => s.indexedMarks().includes(300n), 'INDEXED 300');
      expect(batches).toBeGreaterThan(1);
      expect(s.indexedMarks()).toHaveLength(batches);
      s.rs.halfClose();
    } finally {
      await t.stop();
    }
  });

  it('[IDX-7][FLOW-9] the high-priority lane is taken first and admitted to full capacity', () => {
    const q = new IndexQueue(20);
    const space = new MemorySpace('space');
    const session = new Session('space', 's');
    const item = (seq: number): IndexItem => ({
      space,
      label: space.assign(`e${seq}`),
      embedding: new Float32Array(1),
      session,
      visibility: session.track(BigInt(seq)),
      acceptedAt: 0,
    });
    for (let i = 1; i <= 18; i++) q.push(item(i), false);
    expect(q.admits(false)).toBe(false);
    expect(q.admits(true)).toBe(true);
    q.push(item(19), true);
    q.push(item(20), true);
    expect(q.admits(true)).toBe(false);
    expect(q.take(3).map((it) => it.visibility.seq)).toEqual([19n, 20n, 1n]);
  });
});

describe('overload', () => {
  it('[ACK-1][IDX-6][FLOW-2] under a flood every observation gets one ack, depth stays within capacity, all accepted become visible', async () => {
    const t = await startTestServer({ queueCapacity: 50 });
    try {
      const s = await TestStream.init(t.client, { indexAcks: true });
      // A client that never waits: go-back-N is not used, so most are gaps or OVERLOADED.
      const n = 1000;
      await s.sendRange(1, n, (i) => episode(33_000 + i));
      await s.untilOutcomes(n);
      const outcomes = s.outcomes();
      expect(outcomes).toHaveLength(n);
      expect(outcomes.map((a) => a.seq)).toEqual(Array.from({ length: n }, (_, i) => BigInt(i + 1)));
      const accepted = outcomes.filter((a) => a.status === AckStatus.ACCEPTED).map((a) => a.seq);
      expect(accepted).toEqual(Array.from({ length: accepted.length }, (_, i) => BigInt(i + 1)));
      for (const st of s.statuses()) expect(st.queueDepth).toBeLessThanOrEqual(50);
      const last = accepted.at(-1) ?? 0n;
      s.rs.close(true, last);
      expect((await s.rs.ended).code).toBe(status.OK);
      expect(s.indexedMarks().at(-1)).toBe(last);
      expect(s.statuses().at(-1)?.state).toBe(StreamState.CLOSED);
    } finally {
      await t.stop();
    }
  });
});
