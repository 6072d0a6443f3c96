import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { AckStatus, StreamState } from '../../src/protocol/messages.js';
import { episode, recall, startTestServer, TestStream } from './harness.js';

describe('integration', () => {
  it('[CLS-1][IDX-2][REC-3][ACK-5] 1,000 observations, a drained close, and every one is found by recall', async () => {
    const t = await startTestServer({ indexWorkers: 2, dim: 8 });
    try {
      const n = 1000;
      const s = await TestStream.init(t.client, { indexAcks: true });
      await s.sendRange(1, n, (i) => episode(60_000 + i));
      s.rs.close(true, BigInt(n));
      expect((await s.rs.ended).code).toBe(status.OK);
      const outcomes = s.outcomes();
      expect(outcomes).toHaveLength(n);
      expect(outcomes.every((a, i) => a.status === AckStatus.ACCEPTED && a.seq === BigInt(i + 1))).toBe(true);
      expect(s.indexedMarks().at(-1)).toBe(BigInt(n));
      expect(s.statuses().at(-1)?.state).toBe(StreamState.CLOSED);
      const missing: number[] = [];
      const chunk = 25;
      for (let from = 1; from <= n; from += chunk) {
        const ids = Array.from({ length: chunk }, (_, k) => from + k);
        const found = await Promise.all(ids.map((i) => recall(t.client, episode(60_000 + i).embedding, 1)));
        found.forEach((f, k) => {
          if (f.results[0]?.id !== `ep-${60_000 + (ids[k] as number)}`) missing.push(ids[k] as number);
        });
      }
      expect(missing).toEqual([]);
    } finally {
      await t.stop();
    }
  });
});
