// The WebSocket endpoint end to end: both dialects on the shared session registry,
// a JSON client written for the public server, bad input, exact uint64 sequences,
// and recall returning the stored memory over gRPC and HTTP.
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AckStatus, StreamState } from '../../src/protocol/messages.js';
import {
  DIM,
  embedding,
  episode,
  recall,
  SPACE,
  startTestServer,
  type TestServer,
  TestStream,
} from './harness.js';
import { httpUrl, overWs, RawSocket, wsUrl } from './ws-harness.js';

const JSON_PROTOCOL = 'engram.v1.json';
const PROTO_PROTOCOL = 'engram.v1.proto';

function jsonEpisode(i: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: `json-${i}`, what: `json observation ${i}`, embedding: Array.from(embedding(i)), ...extra };
}

describe('WebSocket /v1/stream', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ httpPort: 0, maxMessageBytes: 64 * 1024 });
  });
  afterAll(() => t.stop());

  it('a client of the public server (no subprotocol, JSON): init_ack, accepted acks, close', async () => {
    const s = new RawSocket(wsUrl(t));
    const sessionId = await s.init({
      memory_space_id: SPACE,
      client_buffer_size: 100,
      enable_backpressure: true,
    });
    expect(s.ws.protocol).toBe('');
    const initAck = s.ofType('init_ack')[0] as Record<string, unknown>;
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(initAck.initial_sequence).toBe(0);
    expect(initAck.capabilities).toMatchObject({
      queue_capacity: 1000,
      supports_backpressure: true,
      embedding_dim: DIM,
    });
    for (let i = 1; i <= 3; i++) {
      s.send({
        type: 'observation',
        session_id: sessionId,
        sequence_number: i,
        episode: jsonEpisode(i, { when: '2026-01-02T03:04:05Z', encoding_confidence: 0.75 }),
      });
    }
    await s.until(() => s.ofType('ack').length === 3, '3 acks');
    expect(s.ofType('ack').map((a) => [a.sequence_number, a.status, a.memory_id])).toEqual([
      [1, 'accepted', 'json-1'],
      [2, 'accepted', 'json-2'],
      [3, 'accepted', 'json-3'],
    ]);
    expect(Date.parse(String(s.ofType('ack')[0]?.committed_at))).not.toBeNaN();
    // A bare close (no last_sequence): drains, says CLOSED, ends the socket normally.
    s.send({ type: 'close' });
    await s.untilClosed();
    expect(s.closed?.code).toBe(1000);
    expect(s.ofType('status').at(-1)).toMatchObject({
      state: 'closed',
      last_accepted_sequence: 3,
      indexed_through_sequence: 3,
    });
    // HTTP recall finds it with what was stored.
    const res = await fetch(
      `${httpUrl(t, '/api/v1/memories/recall')}?embedding=${encodeURIComponent(JSON.stringify(Array.from(embedding(2))))}&max_results=1`,
      { headers: { 'x-memory-space': SPACE } },
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as { memories: Array<Record<string, unknown>> };
    expect(body.memories[0]).toMatchObject({
      id: 'json-2',
      content: 'json observation 2',
      confidence: 0.75,
      created_at: '2026-01-02T03:04:05.000Z',
    });
    expect(body.memories[0]?.activation).toBeCloseTo(1, 4);
  });

  it('[IDX] JSON extensions: client session id, index_acks, rejected acks with reason, status', async () => {
    const s = new RawSocket(wsUrl(t), [JSON_PROTOCOL]);
    const id = await s.init({ memory_space_id: SPACE, session_id: 'json-ext', index_acks: true });
    expect(s.ws.protocol).toBe(JSON_PROTOCOL);
    expect(id).toBe('json-ext');
    s.send({ type: 'observation', session_id: id, sequence_number: 1, episode: jsonEpisode(11) });
    s.send({ type: 'observation', session_id: id, sequence_number: 3, episode: jsonEpisode(13) });
    s.send({
      type: 'observation',
      session_id: id,
      sequence_number: 2,
      episode: { ...jsonEpisode(12), embedding: [1, 2] },
    });
    await s.until(() => s.ofType('ack').filter((a) => a.status !== 'indexed').length === 3, '3 outcomes');
    const [gap, invalid] = s.ofType('ack').filter((a) => a.status === 'rejected');
    expect(gap).toMatchObject({ sequence_number: 3, reason: 'sequence_gap', expected_sequence: 2 });
    expect(invalid).toMatchObject({
      sequence_number: 2,
      reason: 'invalid_observation',
      expected_sequence: 2,
    });
    expect(String(invalid?.detail)).toMatch(/embedding/);
    await s.until(
      () => s.ofType('ack').some((a) => a.status === 'indexed' && a.sequence_number === 1),
      'INDEXED 1',
    );
    s.send({ type: 'close', session_id: id, last_sequence: 1, drain_queue: true });
    await s.untilClosed();
    expect(s.closed?.code).toBe(1000);
  });

  it('[WIRE-8] bad input: one error naming the problem (and the observation), the stream ends, the session stays', async () => {
    const cases: Array<{ frame: string | Buffer; protocols?: string[]; error: RegExp; seq?: number }> = [
      { frame: '{"type": "observation", ', error: /not valid JSON/ },
      { frame: '{"type":"subscribe"}', error: /unknown message type 'subscribe'/ },
      { frame: Buffer.from([1, 2, 3]), error: /binary frame on the engram.v1.json dialect/ },
      {
        frame: JSON.stringify({ type: 'observation', sequence_number: 1.5, episode: jsonEpisode(1) }),
        error: /sequence_number is 1.5; it must be a whole number/,
      },
      {
        frame: JSON.stringify({
          type: 'observation',
          sequence_number: 4,
          episode: { ...jsonEpisode(1), embedding: 'x' },
        }),
        error: /episode.embedding must be an array/,
        seq: 4,
      },
      {
        frame: '{"type":"observation","sequence_number":18446744073709551616,"episode":{}}',
        error: /18446744073709551616; it must be a whole number from 0 to 18446744073709551615/,
      },
    ];
    for (const c of cases) {
      const s = new RawSocket(wsUrl(t));
      const id = await s.init({ memory_space_id: SPACE });
      s.ws.send(c.frame);
      await s.untilClosed();
      const [error] = s.ofType('error');
      expect(error?.message).toMatch(c.error);
      expect(error).toMatchObject({ session_id: id, code: 'INVALID_ARGUMENT' });
      expect(error?.sequence_number).toBe(c.seq);
      expect(s.closed?.code).toBe(4000 + status.INVALID_ARGUMENT);
      // SES-9: the session outlives the stream and can be resumed.
      const again = new RawSocket(wsUrl(t));
      await again.init({ memory_space_id: SPACE, session_id: id, resume: true });
      expect(again.ofType('init_ack')[0]?.session_id).toBe(id);
      again.ws.close();
    }
  });

  it('a text frame on the proto dialect ends it with an ERROR status and 4003', async () => {
    const s = new RawSocket(wsUrl(t), [PROTO_PROTOCOL]);
    await s.opened;
    expect(s.ws.protocol).toBe(PROTO_PROTOCOL);
    s.ws.send('{"type":"init"}');
    await s.untilClosed();
    expect(s.closed).toEqual({
      code: 4003,
      reason: expect.stringMatching(/text frame on the engram.v1.proto dialect/),
    });
  });

  it('an oversize frame is refused with 1009 and nothing of it is kept', async () => {
    const s = new RawSocket(wsUrl(t));
    const id = await s.init({ memory_space_id: SPACE });
    s.send({
      type: 'observation',
      session_id: id,
      sequence_number: 1,
      episode: jsonEpisode(1, { what: 'x'.repeat(70_000) }),
    });
    await s.untilClosed();
    expect(s.closed?.code).toBe(1009);
    const again = new RawSocket(wsUrl(t));
    await again.init({ memory_space_id: SPACE, session_id: id, resume: true });
    expect(again.ofType('init_ack')[0]?.initial_sequence).toBe(0);
    again.ws.close();
  });

  it('uint64 sequences are exact to 2^64-1 in JSON (no rounding above 2^53)', async () => {
    const s = new RawSocket(wsUrl(t));
    const id = await s.init({ memory_space_id: SPACE });
    for (const seq of ['9007199254740993', '18446744073709551615']) {
      s.send(
        `{"type":"observation","session_id":"${id}","sequence_number":${seq},"episode":${JSON.stringify(jsonEpisode(1))}}`,
      );
    }
    s.send({
      type: 'observation',
      session_id: id,
      sequence_number: '18446744073709551614',
      episode: jsonEpisode(1),
    });
    await s.until(() => s.ofType('ack').length === 3, '3 acks');
    // The raw text carries the exact digits (JSON.parse in the test would round them).
    expect(
      s.raw.filter((r) => r.includes('"type":"ack"')).map((r) => /"sequence_number":(\d+)/.exec(r)?.[1]),
    ).toEqual(['9007199254740993', '18446744073709551615', '18446744073709551614']);
    s.ws.close();
  });

  it('[RES] a session started over gRPC resumes over WebSocket proto and JSON; the older stream is fenced', async () => {
    const grpcStream = await TestStream.init(t.client, { sessionId: 'cross-transport', indexAcks: true });
    await grpcStream.sendRange(1, 5);
    await grpcStream.untilOutcomes(5);
    const proto = await TestStream.init(
      t.client,
      { sessionId: 'cross-transport', resume: true, claimedSequence: 5n },
      overWs(t, 'proto'),
    );
    expect((await grpcStream.rs.ended).code).toBe(status.ABORTED);
    // The history says how each stream travelled; the checker does not care.
    expect([grpcStream.events[0], proto.events[0]]).toMatchObject([
      { type: 'stream-open', transport: 'grpc' },
      { type: 'stream-open', transport: 'ws:proto' },
    ]);
    await proto.sendRange(6, 8);
    await proto.untilOutcomes(3);
    expect(proto.outcomes().map((a) => [a.seq, a.status])).toEqual([
      [6n, AckStatus.ACCEPTED],
      [7n, AckStatus.ACCEPTED],
      [8n, AckStatus.ACCEPTED],
    ]);
    const json = await TestStream.init(
      t.client,
      { sessionId: 'cross-transport', resume: true, claimedSequence: 8n, indexAcks: true },
      overWs(t, 'json'),
    );
    expect((await proto.rs.ended).code).toBe(status.ABORTED);
    await json.sendRange(9, 10);
    await json.untilOutcomes(2);
    json.rs.close(true, 10n);
    const end = await json.rs.ended;
    expect(end.code).toBe(status.OK);
    expect(json.indexedMarks().at(-1)).toBe(10n);
    expect(json.statuses().at(-1)?.state).toBe(StreamState.CLOSED);
  });

  it('[REC-2] recall returns the stored memory over gRPC: content, confidence, created_at, activation', async () => {
    const s = await TestStream.init(t.client, { memorySpaceId: 'recall_ws' }, overWs(t, 'proto'));
    s.send(
      1,
      episode(77, {
        what: 'the stored text',
        whenMs: Date.UTC(2025, 4, 6),
        encodingConfidence: { value: 0.5, category: 3, reasoning: '' },
      }),
    );
    s.rs.close(true, 1n);
    await s.rs.ended;
    const found = await recall(t.client, embedding(77), 1, 'recall_ws');
    const m = found.results[0] as unknown as Record<string, unknown>;
    expect(m).toMatchObject({
      id: 'ep-77',
      content: 'the stored text',
      confidence: { value: 0.5, category: 3 },
    });
    expect(m.createdAt).toMatchObject({ seconds: String(Date.UTC(2025, 4, 6) / 1000) });
  });

  it('plain GET of /v1/stream is 426; unknown paths 404; bad recall queries 400', async () => {
    expect((await fetch(httpUrl(t, '/v1/stream'))).status).toBe(426);
    expect((await fetch(httpUrl(t, '/nothing'))).status).toBe(404);
    const bad = await fetch(`${httpUrl(t, '/api/v1/memories/recall')}?embedding=[1,2]&space=${SPACE}`);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/embedding has 2 values but this server needs 8/);
    const offered = new RawSocket(wsUrl(t), ['chat']);
    await offered.untilClosed();
    expect(offered.refused?.status).toBe(400);
    expect(offered.refused?.body).toMatch(/offer engram.v1.proto or engram.v1.json/);
  });
});
