import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { AckStatus } from '../../src/protocol/messages.js';
import { episode, recall, startTestServer, type TestServer, TestStream } from './harness.js';

/**
 * One client session that cuts its stream after every chunk without waiting for the acks,
 * resumes with the last sequence it saw ACCEPTED, and resends from initial_sequence + 1.
 */
async function cuttingClient(
  t: TestServer,
  name: string,
  total: number,
  chunk: number,
  base: number,
): Promise<number> {
  /** Resumes whose initial_sequence was above the claim: acks lost in the cut (RES-4). */
  let aboveClaim = 0;
  let acked = 0n;
  let next = 1;
  let first = true;
  while (next <= total) {
    const s = await TestStream.init(t.client, {
      sessionId: name,
      resume: !first,
      claimedSequence: acked,
      indexAcks: true,
    });
    first = false;
    const initial = Number((await s.rs.initAck(5000)).initialSequence);
    expect(BigInt(initial)).toBeGreaterThanOrEqual(acked);
    if (BigInt(initial) > acked) aboveClaim++;
    next = initial + 1;
    const last = Math.min(total, next + chunk - 1);
    for (let i = next; i <= last; i++) s.send(i, episode(base + i));
    // Wait for about half of the acks, then cut: the rest are in flight or lost.
    await s.until(() => s.outcomeCount >= Math.ceil((last - next + 1) / 2), 'half the acks');
    for (const a of s.outcomes()) {
      expect(a.status).toBe(AckStatus.ACCEPTED);
      if (a.seq > acked) acked = a.seq;
    }
    if (last === total) {
      await s.untilOutcomes(last - next + 1);
      s.rs.close(true, BigInt(total));
      expect((await s.rs.ended).code).toBe(status.OK);
      expect(s.indexedMarks().at(-1)).toBe(BigInt(total));
      return aboveClaim;
    }
    s.rs.cut();
    await s.rs.ended;
    next = Number(acked) + 1;
  }
  return aboveClaim;
}

describe('resume under concurrency', () => {
  it('[RES-4][RES-6][ACK-3][ACK-7] four sessions cut and resume repeatedly: every observation visible exactly once', async () => {
    const t = await startTestServer({ indexWorkers: 2 });
    try {
      const total = 120;
      await Promise.all(
        [0, 1, 2, 3].map((k) => cuttingClient(t, `cutter-${k}`, total, 25, 80_000 + k * 1000)),
      );
      for (let k = 0; k < 4; k++) {
        const ids = Array.from({ length: total }, (_, i) => 80_000 + k * 1000 + i + 1);
        const found = await Promise.all(ids.map((i) => recall(t.client, episode(i).embedding, 3)));
        found.forEach((f, j) => {
          const id = `ep-${ids[j]}`;
          expect(f.results[0]?.id).toBe(id);
          expect(f.results.filter((m) => m.id === id)).toHaveLength(1);
        });
      }
    } finally {
      await t.stop();
    }
  });
});
