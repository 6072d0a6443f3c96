import { afterEach, describe, expect, it } from 'vitest';
import {
  AckStatus,
  FlowAction,
  RejectReason,
  StreamState,
  type StreamStatus,
} from '../../src/protocol/messages.js';
import { nextPressureState, type PressureState } from '../../src/server/pressure-state.js';
import { episode, heldCommit, SPACE, startTestServer, type TestServer, TestStream } from './harness.js';

const CAP = 100;

function expectWellFormed(statuses: StreamStatus[]): void {
  for (const st of statuses) {
    expect(st.state).not.toBe(StreamState.UNSPECIFIED);
    expect(st.queueCapacity).toBe(CAP);
    expect(st.queueDepth).toBeLessThanOrEqual(CAP);
    expect(st.pressure).toBeCloseTo(st.queueDepth / CAP, 5);
    expect(st.indexedThroughSequence).toBeLessThanOrEqual(st.lastAcceptedSequence);
  }
}

describe('flow control and admission', () => {
  let t: TestServer | undefined;
  let held: ReturnType<typeof heldCommit> | undefined;
  afterEach(async () => {
    held?.release();
    await t?.stop();
    t = undefined;
    held = undefined;
  });

  it('[FLOW-1][FLOW-2][FLOW-3][FLOW-4][FLOW-5][FLOW-6][FLOW-8][FLOW-9] pressure states, in-band OVERLOADED, priority lane', async () => {
    held = heldCommit();
    t = await startTestServer({ queueCapacity: CAP }, held.components);
    const s = await TestStream.init(t.client);
    for (let i = 1; i <= 85; i++) s.send(i);
    await s.untilOutcomes(85);
    expect(s.outcomes().every((a) => a.status === AckStatus.ACCEPTED)).toBe(true);
    await s.until(() => s.statuses().some((st) => st.state === StreamState.BACKPRESSURE), 'BACKPRESSURE');
    const bp = s.statuses().find((st) => st.state === StreamState.BACKPRESSURE);
    expect(bp?.queueDepth).toBeGreaterThan(80);

    // Normal lane: admitted below 90% depth, then OVERLOADED in-band with a retry hint.
    for (let i = 86; i <= 90; i++) s.send(i);
    for (let retry = 0; retry < 5; retry++) s.send(91);
    await s.untilOutcomes(95);
    const tail = s.outcomes().slice(85);
    expect(tail.slice(0, 5).every((a) => a.status === AckStatus.ACCEPTED)).toBe(true);
    for (const a of tail.slice(5)) {
      expect(a).toMatchObject({
        status: AckStatus.REJECTED,
        reason: RejectReason.OVERLOADED,
        expectedSequence: 91n,
      });
      expect(a.retryAfterMs).toBeGreaterThan(0);
    }
    // Repeated while it lasts (every 100 ms).
    await s.until(
      () => s.statuses().filter((st) => st.state === StreamState.OVERLOADED).length >= 3,
      '3 OVERLOADED',
    );
    const over = s.statuses().find((st) => st.state === StreamState.OVERLOADED);
    expect(over?.retryAfterMs).toBeGreaterThan(0);
    expect(over?.queueDepth).toBeGreaterThanOrEqual(90);

    // High priority is admitted up to the full capacity, never beyond.
    for (let i = 91; i <= 101; i++) s.send(i, episode(i, { importance: 0.9 }));
    await s.untilOutcomes(106);
    const high = s.outcomes().slice(95);
    expect(high.slice(0, 10).every((a) => a.status === AckStatus.ACCEPTED)).toBe(true);
    expect(high[10]).toMatchObject({
      status: AckStatus.REJECTED,
      reason: RejectReason.OVERLOADED,
      seq: 101n,
    });
    expect(s.rs.isEnded).toBe(false);

    // Draining: every status says the state FLOW-5 gives its depth after the one before
    // (OVERLOADED -> BACKPRESSURE under 90%, held between 50% and 80%, ACTIVE below 50%),
    // ending ACTIVE. Which depths a status shows depends on how the batches were cut: a
    // commit can take the queue from above 90% to below 50% at once.
    const before = s.statuses().length;
    held.release();
    await s.until(() => s.statuses().at(-1)?.state === StreamState.ACTIVE, 'ACTIVE again');
    let state: PressureState = StreamState.OVERLOADED;
    for (const st of s.statuses().slice(before)) {
      state = nextPressureState(state, st.queueDepth, CAP, 90);
      expect(st.state).toBe(state);
    }
    expectWellFormed(s.statuses());
    expect(Math.max(...s.statuses().map((st) => st.queueDepth))).toBeLessThanOrEqual(CAP);

    // FLOW-8: retrying the refused sequence later is accepted.
    s.send(101);
    await s.untilOutcomes(107);
    expect(s.outcomes()[106]).toMatchObject({ status: AckStatus.ACCEPTED, seq: 101n });
    s.rs.halfClose();
  });

  it('[SEQ-6] checks run in order: closing, sequence, validity, admission', async () => {
    held = heldCommit();
    t = await startTestServer({ queueCapacity: CAP }, held.components);
    const s = await TestStream.init(t.client);
    for (let i = 1; i <= 90; i++) s.send(i);
    const bad = episode(91, { embedding: new Float32Array(3) });
    s.send(93, bad); // gap beats validity
    s.send(91, bad); // validity beats admission
    s.send(91); // admission
    await s.untilOutcomes(93);
    const [gap, invalid, overloaded] = s.outcomes().slice(90);
    expect(gap?.reason).toBe(RejectReason.SEQUENCE_GAP);
    expect(invalid?.reason).toBe(RejectReason.INVALID_OBSERVATION);
    expect(overloaded?.reason).toBe(RejectReason.OVERLOADED);
    s.rs.close(true, 90n, { keepOpen: true });
    s.send(95, bad); // closing beats everything
    s.rs.halfClose();
    await s.untilOutcomes(94);
    expect(s.outcomes()[93]?.reason).toBe(RejectReason.SESSION_CLOSING);
    held.release();
    await s.rs.ended;
  });

  it('[FLOW-7][FLOW-11] FlowControl messages and init hints are ignored without ending the stream', async () => {
    t = await startTestServer({ queueCapacity: CAP });
    const s = await TestStream.init(t.client, {
      clientBufferSize: 1,
      maxBatchSize: 1,
      enableBackpressure: false,
    });
    s.send(1);
    for (const action of [FlowAction.PAUSE, FlowAction.SLOW_DOWN, FlowAction.RESUME]) {
      s.rs.write(
        {
          memorySpaceId: SPACE,
          sessionId: s.rs.sessionId,
          sequenceNumber: 0n,
          operation: { case: 'flow', flow: { action, bufferRemaining: 0, preferredRate: 1, reason: 'test' } },
        },
        'flow',
      );
    }
    s.send(2);
    s.send(3);
    await s.untilOutcomes(3);
    expect(s.outcomes().map((a) => a.status)).toEqual([
      AckStatus.ACCEPTED,
      AckStatus.ACCEPTED,
      AckStatus.ACCEPTED,
    ]);
    expect(s.rs.isEnded).toBe(false);
    s.rs.halfClose();
  });

  it('[FLOW-10] a space at its element limit rejects with SPACE_FULL; other spaces are unaffected', async () => {
    t = await startTestServer({ maxElements: 3 });
    const s = await TestStream.init(t.client);
    for (let i = 1; i <= 5; i++) s.send(Math.min(i, 4));
    await s.untilOutcomes(5);
    const outcomes = s.outcomes();
    expect(outcomes.slice(0, 3).every((a) => a.status === AckStatus.ACCEPTED)).toBe(true);
    for (const a of outcomes.slice(3)) {
      expect(a).toMatchObject({
        status: AckStatus.REJECTED,
        reason: RejectReason.SPACE_FULL,
        expectedSequence: 4n,
      });
    }
    const other = await TestStream.init(t.client, { memorySpaceId: 'another_space' });
    other.send(1);
    await other.untilOutcomes(1);
    expect(other.outcomes()[0]?.status).toBe(AckStatus.ACCEPTED);
    s.rs.halfClose();
    other.rs.halfClose();
  });
});
