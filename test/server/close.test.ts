import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AckStatus, RejectReason, StreamState } from '../../src/protocol/messages.js';
import type { StreamEndedError } from '../../src/protocol/recorded-stream.js';
import {
  episode,
  heldCommit,
  recall,
  SPACE,
  sleep,
  startTestServer,
  type TestServer,
  TestStream,
} from './harness.js';

function kinds(s: TestStream): string[] {
  return s.responses.map((r) => {
    if (r.result?.case === 'ack')
      return r.result.ack.status === AckStatus.INDEXED ? `I${r.sequenceNumber}` : 'ack';
    if (r.result?.case === 'status')
      return r.result.status.state === StreamState.CLOSED ? 'CLOSED' : 'status';
    return 'init';
  });
}

describe('close', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.stop());

  it('[CLS-1][CLS-7] drain: everything visible, final INDEXED, STATE_CLOSED reporting the drained state, then OK', async () => {
    const s = await TestStream.init(t.client, { indexAcks: true });
    for (let i = 1; i <= 30; i++) s.send(i, episode(12_000 + i));
    s.rs.close(true, 30n);
    const end = await s.rs.ended;
    expect(end.code).toBe(status.OK);
    const k = kinds(s);
    expect(k.slice(-2)).toEqual(['I30', 'CLOSED']);
    expect(s.statuses().at(-1)).toMatchObject({
      state: StreamState.CLOSED,
      lastAcceptedSequence: 30n,
      indexedThroughSequence: 30n,
    });
    for (let i = 1; i <= 30; i++) {
      expect((await recall(t.client, episode(12_000 + i).embedding, 1)).results[0]?.id).toBe(
        `ep-${12_000 + i}`,
      );
    }
  });

  it('[CLS-1] drain with nothing accepted: no INDEXED ack, STATE_CLOSED, OK', async () => {
    const s = await TestStream.init(t.client, { indexAcks: true });
    s.rs.close(true, 0n);
    expect((await s.rs.ended).code).toBe(status.OK);
    expect(kinds(s)).toEqual(['init', 'status', 'CLOSED']);
  });

  it('[CLS-2] a last_sequence mismatch ends with FAILED_PRECONDITION naming both values; session resumable', async () => {
    const s = await TestStream.init(t.client, { sessionId: 'cls2-session' });
    s.send(1);
    s.send(2);
    await s.untilOutcomes(2);
    s.rs.close(true, 5n);
    const end = await s.rs.ended;
    expect(end.code).toBe(status.FAILED_PRECONDITION);
    expect(end.details).toContain('5');
    expect(end.details).toContain('2');
    const r = await TestStream.init(t.client, {
      sessionId: 'cls2-session',
      resume: true,
      claimedSequence: 2n,
    });
    expect((await r.rs.initAck(1000)).initialSequence).toBe(2n);
    r.rs.close(false, 1n);
    expect((await r.rs.ended).code).toBe(status.FAILED_PRECONDITION);
  });

  it('[CLS-4][CLS-5] after close: observations are SESSION_CLOSING and never indexed; a repeated close is ignored', async () => {
    const s = await TestStream.init(t.client, { indexAcks: true });
    s.send(1, episode(13_001));
    s.rs.close(true, 1n, { keepOpen: true });
    s.send(2, episode(13_002));
    s.rs.close(true, 1n);
    const end = await s.rs.ended;
    expect(end.code).toBe(status.OK);
    const outcomes = s.outcomes();
    expect(outcomes).toHaveLength(2);
    expect(outcomes[1]).toMatchObject({
      status: AckStatus.REJECTED,
      reason: RejectReason.SESSION_CLOSING,
      seq: 2n,
    });
    expect(kinds(s).filter((k) => k === 'CLOSED')).toHaveLength(1);
    const found = await recall(t.client, episode(13_002).embedding, 10);
    expect(found.results.map((m) => m.id)).not.toContain('ep-13002');
  });

  // The server learns that nothing more is coming only from the client's half-close: a server
  // that ends the RPC on its own once STATE_CLOSED is out drops, unanswered, whatever the client
  // sent that was still on its way. Sending only after STATE_CLOSED arrived makes that certain.
  it.each([true, false])(
    '[CLS-4][ACK-1] after STATE_CLOSED (drain %s) the RPC stays open until the half-close: what arrives meanwhile is answered',
    async (drain) => {
      const s = await TestStream.init(t.client);
      s.send(1, episode(13_101));
      await s.untilOutcomes(1);
      s.rs.close(drain, 1n, { keepOpen: true });
      await s.until(() => kinds(s).includes('CLOSED'), 'STATE_CLOSED');
      s.send(2, episode(13_102));
      await s.untilOutcomes(2);
      s.send(3, episode(13_103));
      await s.untilOutcomes(3);
      s.rs.halfClose();
      expect((await s.rs.ended).code).toBe(status.OK);
      expect(s.outcomes().slice(1)).toMatchObject([
        { status: AckStatus.REJECTED, reason: RejectReason.SESSION_CLOSING, seq: 2n },
        { status: AckStatus.REJECTED, reason: RejectReason.SESSION_CLOSING, seq: 3n },
      ]);
    },
  );

  // The batch is larger than HTTP/2's flow-control window: much of what follows the close is
  // still in the client's transport when the server reads the close, and arrives only after the
  // server reads on. Ending the RPC once STATE_CLOSED is out drops nearly all of it unanswered.
  it('[CLS-4][CLS-8][ACK-1] close and 2,000 observations behind it in one write batch: every one is answered before OK', async () => {
    const s = await TestStream.init(t.client);
    for (let i = 1; i <= 10; i++) s.send(i, episode(13_300 + i));
    s.rs.close(false, 10n, { keepOpen: true });
    const late = 2000;
    for (let i = 11; i <= 10 + late; i++) s.send(i, episode(13_300 + i));
    s.rs.halfClose();
    expect((await s.rs.ended).code).toBe(status.OK);
    const outcomes = s.outcomes();
    expect(outcomes).toHaveLength(10 + late);
    expect(outcomes.filter((o) => o.reason === RejectReason.SESSION_CLOSING)).toHaveLength(late);
  });

  it('[CLS-6] a closed session is gone: resume is NOT_FOUND and its id can start a new session', async () => {
    const s = await TestStream.init(t.client, { sessionId: 'cls6-session' });
    s.send(1);
    s.rs.close(false, 1n);
    await s.rs.ended;
    const r = new TestStream(t.client);
    r.rs.init({ memorySpaceId: SPACE, sessionId: 'cls6-session', resume: true, claimedSequence: 1n });
    const err = await r.rs.initAck(5000).catch((e: unknown) => e);
    expect((err as StreamEndedError).end.code).toBe(status.NOT_FOUND);
    const again = await TestStream.init(t.client, { sessionId: 'cls6-session' });
    expect((await again.rs.initAck(1000)).initialSequence).toBe(0n);
    again.rs.halfClose();
  });
});

describe('close, client never half-closes', () => {
  it('[CLS-8] the RPC still ends OK after the linger', async () => {
    const t = await startTestServer({ closeLingerMs: 200 });
    try {
      const s = await TestStream.init(t.client);
      s.send(1, episode(13_201));
      s.rs.close(false, 1n, { keepOpen: true });
      expect((await s.rs.ended).code).toBe(status.OK);
      expect(kinds(s).at(-1)).toBe('CLOSED');
    } finally {
      await t.stop();
    }
  });
});

describe('close without drain', () => {
  it('[CLS-3] STATE_CLOSED and OK come at once; what was accepted is still indexed', async () => {
    const held = heldCommit();
    const t = await startTestServer({}, held.components);
    try {
      const s = await TestStream.init(t.client, { indexAcks: true });
      s.send(1, episode(14_001));
      await s.untilOutcomes(1);
      s.rs.close(false, 1n);
      expect((await s.rs.ended).code).toBe(status.OK);
      // Nothing was visible yet, so it was not waited for.
      expect(s.indexedMarks()).toEqual([]);
      expect(kinds(s).at(-1)).toBe('CLOSED');
      held.release();
    } finally {
      await t.stop();
    }
  });

  it('[CLS-3] after a close without drain the observation becomes visible to recall', async () => {
    const t = await startTestServer();
    try {
      const s = await TestStream.init(t.client);
      s.send(1, episode(14_101));
      s.rs.close(false, 1n);
      expect((await s.rs.ended).code).toBe(status.OK);
      const deadline = Date.now() + 10_000;
      let ids: string[] = [];
      while (Date.now() < deadline) {
        ids = (await recall(t.client, episode(14_101).embedding, 1)).results.map((m) => m.id);
        if (ids.length > 0) break;
        await sleep(20);
      }
      expect(ids).toEqual(['ep-14101']);
    } finally {
      await t.stop();
    }
  });
});
