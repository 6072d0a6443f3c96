import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AckStatus, RejectReason } from '../../src/protocol/messages.js';
import { episode, recall, startTestServer, type TestServer, TestStream } from './harness.js';

describe('sequences and acknowledgements', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.stop());

  it('[SEQ-1][SEQ-2][ACK-2][ACK-3] observations 1..n are accepted in order, each once', async () => {
    const s = await TestStream.init(t.client);
    for (let i = 1; i <= 20; i++) s.send(i);
    await s.untilOutcomes(20);
    const outcomes = s.outcomes();
    expect(outcomes.map((a) => a.status)).toEqual(Array(20).fill(AckStatus.ACCEPTED));
    expect(outcomes.map((a) => a.seq)).toEqual(Array.from({ length: 20 }, (_, i) => BigInt(i + 1)));
    s.rs.halfClose();
    await s.rs.ended;
  });

  it('[SEQ-3][SEQ-5][SEQ-7] a gap is rejected in-band with the expected sequence and consumes nothing', async () => {
    const s = await TestStream.init(t.client);
    s.send(1);
    s.send(3);
    s.send(4);
    s.send(2);
    s.send(3);
    await s.untilOutcomes(5);
    const [a1, a3, a4, a2, a3again] = s.outcomes();
    expect(a1?.status).toBe(AckStatus.ACCEPTED);
    expect(a3).toMatchObject({ status: AckStatus.REJECTED, reason: RejectReason.SEQUENCE_GAP, seq: 3n });
    expect(a3?.expectedSequence).toBe(2n);
    expect(a3?.detail).toContain('2');
    expect(a4).toMatchObject({ status: AckStatus.REJECTED, reason: RejectReason.SEQUENCE_GAP, seq: 4n });
    expect(a2).toMatchObject({ status: AckStatus.ACCEPTED, seq: 2n });
    expect(a3again).toMatchObject({ status: AckStatus.ACCEPTED, seq: 3n });
    expect(s.rs.isEnded).toBe(false);
    s.rs.halfClose();
  });

  it('[SEQ-4][ACK-4] a duplicate or 0 is rejected as DUPLICATE_SEQUENCE and the stream stays usable', async () => {
    const s = await TestStream.init(t.client);
    s.send(1);
    s.send(1);
    s.send(0);
    s.send(2);
    await s.untilOutcomes(4);
    const [, dup, zero, next] = s.outcomes();
    expect(dup).toMatchObject({
      status: AckStatus.REJECTED,
      reason: RejectReason.DUPLICATE_SEQUENCE,
      seq: 1n,
    });
    expect(dup?.expectedSequence).toBe(2n);
    expect(dup?.detail).not.toBe('');
    expect(zero).toMatchObject({
      status: AckStatus.REJECTED,
      reason: RejectReason.DUPLICATE_SEQUENCE,
      seq: 0n,
    });
    expect(next).toMatchObject({ status: AckStatus.ACCEPTED, seq: 2n });
    s.rs.halfClose();
  });

  it('[ACK-8][REC-2][REC-3] ACCEPTED carries the episode id that recall reports; an assigned id when none given', async () => {
    const s = await TestStream.init(t.client, { indexAcks: true });
    s.send(1, episode(101));
    s.send(2, episode(102, { id: '' }));
    await s.untilOutcomes(2);
    const [named, unnamed] = s.outcomes();
    expect(named?.memoryId).toBe('ep-101');
    expect(unnamed?.memoryId).toMatch(/^[0-9a-f-]{36}$/);
    await s.until(() => s.indexedMarks().includes(2n), 'INDEXED 2');
    const found = await recall(t.client, episode(102).embedding, 3);
    expect(found.results[0]?.id).toBe(unnamed?.memoryId);
    expect(found.results[0]?.activation).toBeCloseTo(1, 4);
    s.rs.halfClose();
  });
});
