import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AckStatus, RejectReason } from '../../src/protocol/messages.js';
import { DIM, episode, recall, startTestServer, type TestServer, TestStream } from './harness.js';

const MAX_TEXT = 64;
const MAX_MESSAGE = 4096;

describe('per-observation validation', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ maxTextBytes: MAX_TEXT, maxMessageBytes: MAX_MESSAGE });
  });
  afterAll(() => t.stop());

  const cases: Array<[string, string, Parameters<typeof episode>[1], RegExp]> = [
    ['[VAL-1]', 'an embedding of the wrong size', { embedding: new Float32Array(DIM + 1) }, /9 values.*8/],
    [
      '[VAL-2]',
      'a NaN value',
      { embedding: Float32Array.from({ length: DIM }, (_, i) => (i === 3 ? NaN : 0.5)) },
      /NaN/,
    ],
    [
      '[VAL-2]',
      'an infinite value',
      { embedding: Float32Array.from({ length: DIM }, (_, i) => (i === 0 ? -Infinity : 0.5)) },
      /Infinity/,
    ],
    ['[VAL-3]', 'a missing embedding', { embedding: new Float32Array(0) }, /no embedding/],
    ['[VAL-4]', 'Episode.what over max_text_bytes', { what: 'é'.repeat(MAX_TEXT / 2 + 1) }, /66 bytes.*64/],
    ['[VAL-7]', 'an all-zero embedding', { embedding: new Float32Array(DIM) }, /all zeros/],
  ];

  it.each(cases)(
    '%s[VAL-6] %s is rejected in-band as INVALID_OBSERVATION and changes nothing',
    async (_id, _what, bad, detail) => {
      const s = await TestStream.init(t.client);
      s.send(1);
      s.send(2, episode(20_000, bad));
      s.send(2, episode(20_001));
      await s.untilOutcomes(3);
      const [, rejected, retried] = s.outcomes();
      expect(rejected).toMatchObject({
        status: AckStatus.REJECTED,
        reason: RejectReason.INVALID_OBSERVATION,
        seq: 2n,
        expectedSequence: 2n,
      });
      expect(rejected?.detail).toMatch(detail);
      expect(retried).toMatchObject({ status: AckStatus.ACCEPTED, seq: 2n });
      s.rs.close(true, 2n);
      expect((await s.rs.ended).code).toBe(status.OK);
      const found = await recall(t.client, episode(20_000).embedding, 50);
      expect(found.results.map((m) => m.id)).not.toContain('ep-20000');
    },
  );

  it('[VAL-4] Episode.what of exactly max_text_bytes is accepted', async () => {
    const s = await TestStream.init(t.client);
    s.send(1, episode(20_100, { what: 'x'.repeat(MAX_TEXT) }));
    await s.untilOutcomes(1);
    expect(s.outcomes()[0]?.status).toBe(AckStatus.ACCEPTED);
    s.rs.halfClose();
  });

  it('[VAL-5] a request over the transport limit ends the stream with RESOURCE_EXHAUSTED, is not accepted, and the session stays resumable', async () => {
    const s = await TestStream.init(t.client, { sessionId: 'val5-session' });
    s.send(1);
    await s.untilOutcomes(1);
    s.send(2, episode(20_200, { why: 'w'.repeat(MAX_MESSAGE * 2) }));
    const end = await s.rs.ended;
    expect(end.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(s.outcomes()).toHaveLength(1);
    const r = await TestStream.init(t.client, {
      sessionId: 'val5-session',
      resume: true,
      claimedSequence: 1n,
    });
    expect((await r.rs.initAck(1000)).initialSequence).toBe(1n);
    r.rs.halfClose();
  });
});
