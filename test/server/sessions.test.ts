import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AckStatus, StreamState } from '../../src/protocol/messages.js';
import { encodeEpisode, encodeObservationFrame } from '../../src/protocol/observation-codec.js';
import { StreamEndedError } from '../../src/protocol/recorded-stream.js';
import {
  DIM,
  episode,
  recall,
  SPACE,
  sleep,
  startTestServer,
  type TestServer,
  TestStream,
} from './harness.js';

const IDLE_MS = 1000;

async function initFails(s: TestStream): Promise<StreamEndedError> {
  const err = await s.rs.initAck(5000).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(StreamEndedError);
  return err as StreamEndedError;
}

describe('sessions', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ sessionIdleTimeoutMs: IDLE_MS });
  });
  afterAll(() => t.stop());

  it('[SES-1] a first message other than init ends the stream with FAILED_PRECONDITION', async () => {
    const s = new TestStream(t.client);
    s.send(1);
    const end = await s.rs.ended;
    expect(end.code).toBe(status.FAILED_PRECONDITION);
    expect(end.details).toContain('init');
  });

  it('[SES-1] a first request without an operation also ends with FAILED_PRECONDITION', async () => {
    const s = new TestStream(t.client);
    s.rs.write({ memorySpaceId: SPACE, sessionId: '', sequenceNumber: 0n }, 'no operation');
    expect((await s.rs.ended).code).toBe(status.FAILED_PRECONDITION);
  });

  it('[SES-2] a second init ends the stream with FAILED_PRECONDITION', async () => {
    const s = await TestStream.init(t.client);
    s.rs.init({ memorySpaceId: SPACE });
    const end = await s.rs.ended;
    expect(end.code).toBe(status.FAILED_PRECONDITION);
    expect(end.details).toContain('second init');
  });

  it('[SES-3] after init, a request with no operation ends the stream with INVALID_ARGUMENT', async () => {
    const s = await TestStream.init(t.client);
    s.rs.write({ memorySpaceId: SPACE, sessionId: s.rs.sessionId, sequenceNumber: 1n }, 'no operation');
    expect((await s.rs.ended).code).toBe(status.INVALID_ARGUMENT);
  });

  it.each(['ab', 'A_upper', 'x'.repeat(65), 'has space', 'dots.not.ok', ''])(
    '[SES-4] memory space id %j ends the stream with INVALID_ARGUMENT and creates no session',
    async (space) => {
      const s = new TestStream(t.client);
      s.rs.init({ memorySpaceId: space, sessionId: 'ses4-session' });
      const err = await initFails(s);
      expect(err.end.code).toBe(status.INVALID_ARGUMENT);
      expect(err.end.details).toContain('[a-z0-9_-]');
    },
  );

  it('[SES-4] ids of 3 and 64 characters of [a-z0-9_-] are accepted', async () => {
    for (const space of ['a-_', `z${'9'.repeat(63)}`]) {
      const s = new TestStream(t.client);
      s.rs.init({ memorySpaceId: space });
      expect((await s.rs.initAck(5000)).sessionId).not.toBe('');
      s.rs.halfClose();
    }
  });

  it('[SES-5] an empty session id gets a server-assigned UUID; a fresh client id is used as given', async () => {
    const a = await TestStream.init(t.client);
    const ackA = await a.rs.initAck(1000);
    expect(ackA.sessionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(ackA.initialSequence).toBe(0n);
    const b = await TestStream.init(t.client, { sessionId: 'client-chosen-1' });
    const ackB = await b.rs.initAck(1000);
    expect(ackB.sessionId).toBe('client-chosen-1');
    expect(ackB.initialSequence).toBe(0n);
    a.rs.halfClose();
    b.rs.halfClose();
  });

  it('[SES-6] an existing id without resume ends with ALREADY_EXISTS and leaves the session alone', async () => {
    const first = await TestStream.init(t.client, { sessionId: 'ses6-session' });
    first.send(1);
    await first.untilOutcomes(1);
    const second = new TestStream(t.client);
    second.rs.init({ memorySpaceId: SPACE, sessionId: 'ses6-session' });
    expect((await initFails(second)).end.code).toBe(status.ALREADY_EXISTS);
    first.send(2);
    await first.untilOutcomes(2);
    expect(first.outcomes()[1]).toMatchObject({ status: AckStatus.ACCEPTED, seq: 2n });
    expect(first.rs.isEnded).toBe(false);
    first.rs.halfClose();
  });

  it('[SES-7] sessions are keyed by space: the same id in two spaces are two sessions; requests stay in their own', async () => {
    const a = await TestStream.init(t.client, { sessionId: 'ses7-shared', memorySpaceId: 'ses7_space_a' });
    const b = await TestStream.init(t.client, {
      sessionId: 'ses7-shared',
      memorySpaceId: 'ses7_space_b',
      indexAcks: true,
    });
    // A frame naming another space and session is still b's own (SES-7 allows either answer; this server uses the stream's).
    const ep = episode(7001);
    b.rs.write(encodeObservationFrame('ses7_space_a', 'someone-else', 1n, encodeEpisode(ep)), 'foreign ids');
    await b.untilOutcomes(1);
    expect(b.outcomes()[0]).toMatchObject({ status: AckStatus.ACCEPTED, seq: 1n });
    await b.until(() => b.indexedMarks().includes(1n), 'INDEXED 1');
    expect((await recall(t.client, ep.embedding, 1, 'ses7_space_b')).results[0]?.id).toBe('ep-7001');
    expect((await recall(t.client, ep.embedding, 1, 'ses7_space_a')).results).toEqual([]);
    a.send(1);
    await a.untilOutcomes(1);
    expect(a.outcomes()[0]).toMatchObject({ status: AckStatus.ACCEPTED, seq: 1n });
    a.rs.halfClose();
    b.rs.halfClose();
  });

  it('[SES-8][WIRE-6] init_ack carries truthful capabilities', async () => {
    const s = await TestStream.init(t.client);
    const caps = (await s.rs.initAck(1000)).capabilities;
    expect(caps).toMatchObject({
      maxObservationsPerSecond: 0,
      queueCapacity: 1000,
      supportsBackpressure: true,
      embeddingDim: DIM,
      supportsResume: true,
      supportsIndexAcks: true,
      sessionIdleTimeoutMs: IDLE_MS,
    });
    expect(caps?.maxTextBytes).toBeGreaterThan(0);
    s.rs.halfClose();
  });

  it('[SES-9][SES-10] a half-close ends the RPC with OK and the session stays resumable', async () => {
    const s = await TestStream.init(t.client, { sessionId: 'ses10-session' });
    s.send(1);
    await s.untilOutcomes(1);
    s.rs.halfClose();
    expect((await s.rs.ended).code).toBe(status.OK);
    const r = await TestStream.init(t.client, {
      sessionId: 'ses10-session',
      resume: true,
      claimedSequence: 1n,
    });
    expect((await r.rs.initAck(1000)).initialSequence).toBe(1n);
    r.rs.halfClose();
  });

  it('[SES-9] a client cut leaves the session resumable and its accepted observations get indexed', async () => {
    const s = await TestStream.init(t.client, { sessionId: 'ses9-cut' });
    s.send(1, episode(9001));
    s.send(2, episode(9002));
    await s.untilOutcomes(2);
    s.rs.cut();
    await s.rs.ended;
    const r = await TestStream.init(t.client, {
      sessionId: 'ses9-cut',
      resume: true,
      claimedSequence: 0n,
      indexAcks: true,
    });
    expect((await r.rs.initAck(1000)).initialSequence).toBe(2n);
    await r.until(() => r.indexedMarks().includes(2n), 'INDEXED 2 after resume');
    expect((await recall(t.client, episode(9002).embedding, 1)).results[0]?.id).toBe('ep-9002');
    r.rs.halfClose();
  });

  it('[SES-11] a detached session is resumable within the idle timeout and gone after it; its data stays indexed', async () => {
    const s = await TestStream.init(t.client, { sessionId: 'ses11-idle' });
    s.send(1, episode(11001));
    await s.untilOutcomes(1);
    s.rs.halfClose();
    await s.rs.ended;
    const again = await TestStream.init(t.client, {
      sessionId: 'ses11-idle',
      resume: true,
      claimedSequence: 1n,
    });
    again.rs.halfClose();
    await again.rs.ended;
    await sleep(IDLE_MS * 2.5);
    const late = new TestStream(t.client);
    late.rs.init({ memorySpaceId: SPACE, sessionId: 'ses11-idle', resume: true, claimedSequence: 1n });
    expect((await initFails(late)).end.code).toBe(status.NOT_FOUND);
    expect((await recall(t.client, episode(11001).embedding, 1)).results[0]?.id).toBe('ep-11001');
  });
});

describe('state at init', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(); // heartbeats a minute apart: any status here is not one
  });
  afterAll(() => t.stop());

  it('[SES-13][FLOW-1] the current state comes right after the init ack, for a new session and a resume', async () => {
    const s = await TestStream.init(t.client, { sessionId: 'ses13-session' });
    s.send(1, episode(11_301));
    await s.untilOutcomes(1);
    expect(s.responses[1]?.result?.case).toBe('status');
    expect(s.statuses()[0]).toMatchObject({
      state: StreamState.ACTIVE,
      queueCapacity: 1000,
      lastAcceptedSequence: 0n,
    });
    s.rs.halfClose();
    await s.rs.ended;
    const r = await TestStream.init(t.client, {
      sessionId: 'ses13-session',
      resume: true,
      claimedSequence: 1n,
    });
    await r.until(() => r.statuses().length > 0, 'the state after the resume ack');
    expect(r.responses[1]?.result?.case).toBe('status');
    expect(r.statuses()[0]).toMatchObject({ state: StreamState.ACTIVE, lastAcceptedSequence: 1n });
    for (const x of [...s.responses, ...r.responses])
      if (x.result?.case === 'status') expect(x.sequenceNumber).toBe(0n);
    r.rs.halfClose();
  });
});

describe('heartbeat', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ heartbeatIntervalMs: 50 });
  });
  afterAll(() => t.stop());

  it('[SES-12][FLOW-1] an idle attached stream gets StreamStatus heartbeats with the current state', async () => {
    const s = await TestStream.init(t.client);
    s.send(1);
    await s.untilOutcomes(1);
    const before = s.statuses().length;
    await s.until(() => s.statuses().length > before, 'a heartbeat after the ack');
    const hb = s.statuses()[before];
    expect(hb).toMatchObject({ state: StreamState.ACTIVE, queueCapacity: 1000, lastAcceptedSequence: 1n });
    expect(hb?.queueDepth).toBeLessThanOrEqual(1000);
    expect(hb?.pressure).toBeGreaterThanOrEqual(0);
    expect(hb?.indexedThroughSequence).toBeLessThanOrEqual(1n);
    for (const r of s.responses) if (r.result?.case === 'status') expect(r.sequenceNumber).toBe(0n);
    s.rs.halfClose();
  });
});
