import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../../src/history/history.js';
import type { ObservationRequest, ObservationResponse } from '../../src/protocol/messages.js';
import { AckStatus, emptyAck, emptyEpisode } from '../../src/protocol/messages.js';
import { encodeEpisode } from '../../src/protocol/observation-codec.js';
import { RecordedStream, StreamEndedError } from '../../src/protocol/recorded-stream.js';
import { runClock } from '../../src/protocol/run-clock.js';
import { engramServiceDefinition, makeEngramClient } from '../../src/protocol/service-definition.js';

// A real gRPC server that acks every observation and ends the stream on a close.
let server: grpc.Server;
let address = '';

beforeAll(async () => {
  server = new grpc.Server();
  server.addService(engramServiceDefinition(), {
    ObserveStream(call: grpc.ServerDuplexStream<ObservationRequest, ObservationResponse>) {
      call.on('data', (req: ObservationRequest) => {
        const op = req.operation;
        if (op?.case === 'init') {
          if (op.init.resume) {
            call.emit('error', { code: grpc.status.NOT_FOUND, details: 'no such session' });
            return;
          }
          call.write({
            sessionId: 'srv-1',
            sequenceNumber: 0n,
            result: { case: 'initAck', initAck: { sessionId: 'srv-1', initialSequence: 0n } },
          });
        } else if (op?.case === 'observation') {
          call.write({
            sessionId: req.sessionId,
            sequenceNumber: req.sequenceNumber,
            result: {
              case: 'ack',
              ack: { ...emptyAck(), status: AckStatus.ACCEPTED, memoryId: op.observation.id },
            },
          });
        } else if (op?.case === 'close') {
          call.end();
        }
      });
    },
    RecallStream(call: grpc.ServerWritableStream<unknown, unknown>) {
      call.end();
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  address = `127.0.0.1:${port}`;
});

afterAll(() => server.forceShutdown());

describe('RecordedStream', () => {
  it('records init, sends, acks and the end of the stream as history events', async () => {
    const events: HistoryEvent[] = [];
    const client = makeEngramClient(address);
    const s = RecordedStream.open(client, {
      stream: 1,
      session: 'a',
      sink: (e) => events.push(e),
      clock: runClock(),
    });
    s.init({ memorySpaceId: 'space', indexAcks: true });
    const ack = await s.initAck(5000);
    expect(ack.sessionId).toBe('srv-1');
    expect(s.sessionId).toBe('srv-1');
    const episode = { ...emptyEpisode(), id: 'ep' };
    episode.embedding = Float32Array.from([1, 2, 3]);
    const pre = { id: 'ep', bytes: encodeEpisode(episode) };
    const big = 2n ** 60n;
    s.send(1n, pre, { intendedT: 0 });
    s.send(big, episode);
    s.close(true, big);
    const end = await s.ended;
    expect(end).toEqual({ code: grpc.status.OK, details: 'OK', byClient: false });
    const types = events.map((e) => e.type);
    expect(types).toEqual([
      'stream-open',
      'init-sent',
      'init-ack',
      'send',
      'send',
      'close-sent',
      'ack',
      'ack',
      'stream-end',
    ]);
    const acks = events.filter((e) => e.type === 'ack');
    expect(acks.map((a) => a.seq)).toEqual([1n, big]);
    expect(acks.every((a) => a.status === 'ACCEPTED' && a.sessionId === 'srv-1')).toBe(true);
    const firstSend = events.find((e) => e.type === 'send');
    expect(firstSend?.type === 'send' && firstSend.intendedT).toBe(0);
    client.close();
  });

  it('rejects the init-ack wait with the stream end when the server ends the call', async () => {
    const client = makeEngramClient(address);
    const s = RecordedStream.open(client, { stream: 2, session: 'b', sink: () => {}, clock: runClock() });
    s.init({ memorySpaceId: 'space', sessionId: 'x', resume: true, claimedSequence: 3n });
    await expect(s.initAck(5000)).rejects.toBeInstanceOf(StreamEndedError);
    expect((await s.ended).code).toBe(grpc.status.NOT_FOUND);
    client.close();
  });

  it('marks a client cut as byClient', async () => {
    const client = makeEngramClient(address);
    const events: HistoryEvent[] = [];
    const s = RecordedStream.open(client, {
      stream: 3,
      session: 'c',
      sink: (e) => events.push(e),
      clock: runClock(),
    });
    s.init({ memorySpaceId: 'space' });
    await s.initAck(5000);
    // No write is pending, so no 'drain' will come: the end of the stream must settle the wait.
    const waiting = s.drained();
    s.cut();
    await waiting;
    const end = await s.ended;
    expect(end.code).toBe(grpc.status.CANCELLED);
    expect(end.byClient).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: 'stream-end', byClient: true });
    client.close();
  });
});
