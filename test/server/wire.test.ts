import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AckStatus, RejectReason, StreamState } from '../../src/protocol/messages.js';
import { encodeEpisode, encodeObservationFrame } from '../../src/protocol/observation-codec.js';
import { loadPackageDefinition, SERVICE_NAME } from '../../src/protocol/service-definition.js';
import { DIM, episode, SPACE, startTestServer, type TestServer, TestStream } from './harness.js';

const U64_MAX = 2n ** 64n - 1n;

/** A client that encodes with protobufjs from the .proto files, not with the hand-written codec. */
function protoClient(
  address: string,
): grpc.Client & { ObserveStream(): grpc.ClientDuplexStream<unknown, Record<string, unknown>> } {
  const Ctor = grpc.loadPackageDefinition(loadPackageDefinition()).engram as unknown as {
    v1: { EngramService: new (address: string, creds: grpc.ChannelCredentials) => unknown };
  };
  return new Ctor.v1.EngramService(address, grpc.credentials.createInsecure()) as never;
}

describe('wire compatibility', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.stop());

  it('[WIRE-1][WIRE-4][WIRE-5] a protobufjs client built from the .proto files talks to the server', async () => {
    expect(SERVICE_NAME).toBe('engram.v1.EngramService');
    const client = protoClient(t.server.address);
    const call = client.ObserveStream();
    const responses: Array<Record<string, unknown>> = [];
    const done = new Promise<void>((resolve) => call.on('status', () => resolve()));
    call.on('data', (r: Record<string, unknown>) => responses.push(r));
    call.on('error', () => {});
    call.write({ memorySpaceId: SPACE, sessionId: 'wire1-session', init: { indexAcks: true } });
    call.write({
      memorySpaceId: SPACE,
      sessionId: 'wire1-session',
      sequenceNumber: '1',
      observation: { id: 'wire-1', what: 'proto', embedding: Array.from(episode(1).embedding) },
    });
    call.write({
      memorySpaceId: SPACE,
      sessionId: 'wire1-session',
      sequenceNumber: '3',
      observation: { id: 'gap' },
    });
    call.write({
      memorySpaceId: SPACE,
      sessionId: 'wire1-session',
      close: { drainQueue: true, lastSequence: '1' },
    });
    call.end();
    await done;
    client.close();
    const [initAck, said, accepted] = responses;
    const rejected = responses.find((r) => r.sequenceNumber === '3');
    const indexed = responses.find(
      (r) => (r.ack as { status?: number } | undefined)?.status === AckStatus.INDEXED,
    );
    const closed = responses.at(-1);
    expect(initAck).toMatchObject({ result: 'initAck', sequenceNumber: '0', sessionId: 'wire1-session' });
    expect(initAck?.initAck).toMatchObject({ sessionId: 'wire1-session', initialSequence: '0' });
    expect(initAck?.initAck).toMatchObject({ capabilities: { embeddingDim: DIM } });
    // SES-13: the state right after the init ack.
    expect(said).toMatchObject({ result: 'status', sequenceNumber: '0', sessionId: 'wire1-session' });
    expect(said?.status).toMatchObject({ state: StreamState.ACTIVE });
    expect(accepted).toMatchObject({ result: 'ack', sequenceNumber: '1', sessionId: 'wire1-session' });
    expect(accepted?.ack).toMatchObject({ status: AckStatus.ACCEPTED, memoryId: 'wire-1' });
    expect(rejected).toMatchObject({ result: 'ack', sequenceNumber: '3', sessionId: 'wire1-session' });
    expect(rejected?.ack).toMatchObject({
      status: AckStatus.REJECTED,
      reason: RejectReason.SEQUENCE_GAP,
      expectedSequence: '2',
    });
    expect(indexed).toMatchObject({ result: 'ack', sequenceNumber: '1', sessionId: 'wire1-session' });
    expect(indexed?.ack).toMatchObject({ status: AckStatus.INDEXED });
    expect(closed).toMatchObject({ result: 'status', sequenceNumber: '0' });
  });

  it('[WIRE-2] unknown fields in a request are ignored', async () => {
    const s = await TestStream.init(t.client);
    const frame = encodeObservationFrame(SPACE, s.rs.sessionId, 1n, encodeEpisode(episode(1)));
    // Field 99, varint 1: tag (99 << 3 | 0) = 792 = 0x98 0x06.
    s.rs.write(Buffer.concat([frame, Buffer.from([0x98, 0x06, 0x01])]), 'unknown field 99');
    await s.untilOutcomes(1);
    expect(s.outcomes()[0]).toMatchObject({ status: AckStatus.ACCEPTED, seq: 1n });
    s.rs.halfClose();
  });

  it('[WIRE-8] an undecodable frame ends the stream with INVALID_ARGUMENT; the session resumes where it was', async () => {
    const s = await TestStream.init(t.client);
    s.send(1);
    await s.untilOutcomes(1);
    // Field 1 (memory_space_id) claims 127 bytes but none follow.
    s.rs.write(Buffer.from([0x0a, 0x7f]), 'truncated length-delimited field');
    const end = await s.rs.ended;
    expect(end.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(end.details).toMatch(/not a valid ObservationRequest/);
    const resumed = await TestStream.init(t.client, {
      sessionId: s.rs.sessionId,
      resume: true,
      claimedSequence: 1n,
    });
    expect((await resumed.rs.initAck(5000)).initialSequence).toBe(1n);
    resumed.rs.halfClose();
  });

  it('[WIRE-3][SEQ-8] sequences past 2^53, up to 2^64-1, are echoed and compared exactly', async () => {
    const s = await TestStream.init(t.client);
    const big = [2n ** 53n + 1n, 2n ** 53n + 2n, U64_MAX];
    for (const seq of big) s.send(seq);
    await s.untilOutcomes(3);
    expect(s.outcomes().map((a) => a.seq)).toEqual(big);
    for (const a of s.outcomes()) {
      expect(a).toMatchObject({
        status: AckStatus.REJECTED,
        reason: RejectReason.SEQUENCE_GAP,
        expectedSequence: 1n,
      });
    }
    s.rs.halfClose();
    await s.rs.ended;
    const r = new TestStream(t.client);
    r.rs.init({ memorySpaceId: SPACE, sessionId: s.rs.sessionId, resume: true, claimedSequence: U64_MAX });
    const end = await r.rs.ended;
    expect(end.code).toBe(grpc.status.OUT_OF_RANGE);
    expect(end.details).toContain(U64_MAX.toString());
  });

  it('[WIRE-4][WIRE-5][WIRE-7] response-level sequence and session id on every kind of response; timestamps set', async () => {
    const s = await TestStream.init(t.client, { indexAcks: true });
    s.send(1);
    s.send(5);
    s.rs.close(true, 1n);
    await s.rs.ended;
    for (const r of s.responses) {
      expect(r.sessionId).toBe(s.rs.sessionId);
      expect(r.serverTimestampMs).toBeGreaterThan(0);
      const res = r.result;
      if (res?.case === 'initAck' || res?.case === 'status') expect(r.sequenceNumber).toBe(0n);
    }
    // The batch's INDEXED 1, repeated as the drained close's final INDEXED (CLS-1 allows the repeat).
    expect(s.acks().map((a) => [a.status, a.seq])).toEqual([
      [AckStatus.ACCEPTED, 1n],
      [AckStatus.REJECTED, 5n],
      [AckStatus.INDEXED, 1n],
      [AckStatus.INDEXED, 1n],
    ]);
    expect(s.acks()[2]?.committedAtMs).toBeGreaterThan(0);
  });
});
