import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AckStatus, RejectReason } from '../../src/protocol/messages.js';
import { StreamEndedError } from '../../src/protocol/recorded-stream.js';
import { episode, recall, SPACE, startTestServer, type TestServer, TestStream } from './harness.js';

async function resumeEnd(t: TestServer, sessionId: string, claimed: bigint, memorySpaceId = SPACE) {
  const s = new TestStream(t.client);
  s.rs.init({ memorySpaceId, sessionId, resume: true, claimedSequence: claimed });
  const err = await s.rs.initAck(5000).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(StreamEndedError);
  return (err as StreamEndedError).end;
}

async function sessionWith(t: TestServer, sessionId: string, n: number): Promise<TestStream> {
  const s = await TestStream.init(t.client, { sessionId });
  for (let i = 1; i <= n; i++) s.send(i, episode(Number(`${sessionId.length}${i}`)));
  await s.untilOutcomes(n);
  return s;
}

describe('resume and fencing', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.stop());

  it('[RES-1][RES-4][SEQ-1] a resume answers with the last accepted sequence, also above the claim; the next is +1', async () => {
    const s = await sessionWith(t, 'res4-session', 3);
    s.rs.halfClose();
    await s.rs.ended;
    const r = await TestStream.init(t.client, {
      sessionId: 'res4-session',
      resume: true,
      claimedSequence: 1n,
    });
    const ack = await r.rs.initAck(1000);
    expect(ack).toMatchObject({ sessionId: 'res4-session', initialSequence: 3n });
    r.send(3);
    r.send(4);
    await r.untilOutcomes(2);
    expect(r.outcomes()[0]).toMatchObject({
      status: AckStatus.REJECTED,
      reason: RejectReason.DUPLICATE_SEQUENCE,
    });
    expect(r.outcomes()[1]).toMatchObject({ status: AckStatus.ACCEPTED, seq: 4n });
    r.rs.halfClose();
  });

  it('[RES-2] resuming an unknown id, or from another space, ends with NOT_FOUND and creates nothing', async () => {
    expect((await resumeEnd(t, 'never-existed', 0n)).code).toBe(status.NOT_FOUND);
    const s = await sessionWith(t, 'res2-space', 1);
    expect((await resumeEnd(t, 'res2-space', 0n, 'other_space')).code).toBe(status.NOT_FOUND);
    s.rs.halfClose();
    // The failed resumes created nothing: a fresh session with that id starts at 0.
    const fresh = await TestStream.init(t.client, { sessionId: 'never-existed' });
    expect((await fresh.rs.initAck(1000)).initialSequence).toBe(0n);
    fresh.rs.halfClose();
  });

  it('[RES-3] a claim beyond the last accepted sequence ends with OUT_OF_RANGE and leaves the session as it was', async () => {
    const s = await sessionWith(t, 'res3-session', 2);
    s.rs.halfClose();
    await s.rs.ended;
    const end = await resumeEnd(t, 'res3-session', 3n);
    expect(end.code).toBe(status.OUT_OF_RANGE);
    expect(end.details).toContain('3');
    const r = await TestStream.init(t.client, {
      sessionId: 'res3-session',
      resume: true,
      claimedSequence: 2n,
    });
    expect((await r.rs.initAck(1000)).initialSequence).toBe(2n);
    r.rs.halfClose();
  });

  it('[RES-5] a resume fences the attached stream with ABORTED; what it sends afterwards is not accepted', async () => {
    const old = await sessionWith(t, 'res5-session', 2);
    const fresh = await TestStream.init(t.client, {
      sessionId: 'res5-session',
      resume: true,
      claimedSequence: 2n,
    });
    expect((await fresh.rs.initAck(1000)).initialSequence).toBe(2n);
    const end = await old.rs.ended;
    expect(end.code).toBe(status.ABORTED);
    old.send(3);
    fresh.send(3);
    await fresh.untilOutcomes(1);
    expect(fresh.outcomes()[0]).toMatchObject({ status: AckStatus.ACCEPTED, seq: 3n });
    expect(old.outcomes()).toHaveLength(2);
    fresh.rs.halfClose();
  });

  it('[RES-6] accepted observations are indexed exactly once across a resume; INDEXED marks continue', async () => {
    const s = await TestStream.init(t.client, { sessionId: 'res6-session', indexAcks: true });
    for (let i = 1; i <= 5; i++) s.send(i, episode(6000 + i));
    await s.untilOutcomes(5);
    s.rs.cut();
    await s.rs.ended;
    const r = await TestStream.init(t.client, {
      sessionId: 'res6-session',
      resume: true,
      claimedSequence: 3n,
      indexAcks: true,
    });
    expect((await r.rs.initAck(1000)).initialSequence).toBe(5n);
    for (let i = 6; i <= 8; i++) r.send(i, episode(6000 + i));
    await r.until(() => r.indexedMarks().includes(8n), 'INDEXED 8');
    const marks = [...s.indexedMarks(), ...r.indexedMarks()];
    for (let i = 1; i < marks.length; i++) expect(marks[i]).toBeGreaterThan(marks[i - 1] as bigint);
    for (let i = 1; i <= 8; i++) {
      const found = await recall(t.client, episode(6000 + i).embedding, 5);
      expect(found.results.filter((m) => m.id === `ep-${6000 + i}`)).toHaveLength(1);
    }
    r.rs.halfClose();
  });

  it('[RES-7] resume with an empty session id ends with INVALID_ARGUMENT', async () => {
    expect((await resumeEnd(t, '', 0n)).code).toBe(status.INVALID_ARGUMENT);
  });

  it('[RES-8] this server says supports_resume = true (the no-resume branch applies to other servers)', async () => {
    const s = await TestStream.init(t.client);
    expect((await s.rs.initAck(1000)).capabilities?.supportsResume).toBe(true);
    s.rs.halfClose();
  });
});
