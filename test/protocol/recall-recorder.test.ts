// The recall recorder against a real gRPC server whose RecallStream finds an episode
// only from its third recall on: probes poll until found or timed out, and record
// exactly one 'probe' event each; a failed poll can give the probe up unrecorded.
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../../src/history/history.js';
import type { RecallRequest, RecallResponse } from '../../src/protocol/messages.js';
import { type RecallAnswer, RecallRecorder } from '../../src/protocol/recall-recorder.js';
import { runClock } from '../../src/protocol/run-clock.js';
import { engramServiceDefinition, makeEngramClient } from '../../src/protocol/service-definition.js';
import { grpcStreamClient } from '../../src/protocol/stream-client.js';

/** Recalls seen per space; the episode 'hit' is found from the third recall of its space on. */
const recalls = new Map<string, number>();
let server: grpc.Server;
let address = '';

beforeAll(async () => {
  server = new grpc.Server();
  server.addService(engramServiceDefinition(), {
    ObserveStream(call: grpc.ServerDuplexStream<unknown, unknown>) {
      call.end();
    },
    RecallStream(call: grpc.ServerWritableStream<RecallRequest, RecallResponse>) {
      const space = call.request.memorySpaceId;
      if (space === 'unimplemented') {
        call.emit('error', { code: grpc.status.UNIMPLEMENTED, details: 'no recall here' });
        return;
      }
      const n = (recalls.get(space) ?? 0) + 1;
      recalls.set(space, n);
      const results = [{ id: 'other', activation: 0.5 }];
      if (n >= 3 && space !== 'never') results.unshift({ id: 'hit', activation: 1 });
      call.write({ results, moreResults: false, snapshotSequence: '0' });
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

function recorder() {
  const events: HistoryEvent[] = [];
  const client = makeEngramClient(address, grpc.credentials.createInsecure());
  const r = new RecallRecorder({
    streams: grpcStreamClient(client),
    sink: (e) => events.push(e),
    clock: runClock(),
    answerTimeoutMs: 5000,
  });
  return { r, events, client };
}

const target = (space: string) => ({
  session: 's',
  seq: 7n,
  memorySpaceId: space,
  episode: { id: 'hit', embedding: new Float32Array([1, 0, 0]) },
});

describe('RecallRecorder', () => {
  it('polls until the episode is found and records one probe event with the polls it took', async () => {
    const { r, events, client } = recorder();
    const p = await r.probe(target('found'), { timeoutMs: 10_000, intervalMs: 5, maxResults: 5 });
    client.close();
    expect(p).toMatchObject({ found: true, occurrences: 1, polls: 3 });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'probe',
      session: 's',
      seq: 7n,
      episodeId: 'hit',
      found: true,
      polls: 3,
      pollIntervalMs: 5,
      occurrences: 1,
    });
    expect((events[0] as { foundAt?: number }).foundAt).toBe(events[0]?.t);
  });

  it('gives up once another poll would start after the timeout, and records the probe as not found', async () => {
    const { r, events, client } = recorder();
    const p = await r.probe(target('never'), { timeoutMs: 60, intervalMs: 20, maxResults: 5 });
    client.close();
    expect(p?.found).toBe(false);
    expect(p?.polls).toBeGreaterThanOrEqual(1);
    expect(events).toEqual([expect.objectContaining({ type: 'probe', found: false, occurrences: 0 })]);
    expect(events[0]).not.toHaveProperty('foundAt');
  });

  it('a failed poll that onFailedPoll refuses ends the probe without a probe event', async () => {
    const { r, events, client } = recorder();
    const failed: RecallAnswer[] = [];
    const p = await r.probe(target('unimplemented'), {
      timeoutMs: 1000,
      intervalMs: 5,
      maxResults: 5,
      onFailedPoll: (a) => {
        failed.push(a);
        return false;
      },
    });
    client.close();
    expect(p).toBeUndefined();
    expect(failed.map((a) => a.code)).toEqual([grpc.status.UNIMPLEMENTED]);
    expect(events).toEqual([]);
  });

  it('one recall collects the results and the status of the call', async () => {
    const { r, client } = recorder();
    const a = await r.recall('single', new Float32Array([1, 0, 0]), 5);
    const failed = await r.recall('unimplemented', new Float32Array([1, 0, 0]), 5);
    client.close();
    expect(a).toEqual({ results: [{ id: 'other', activation: 0.5 }], code: 0, details: 'OK' });
    expect(failed).toMatchObject({ results: [], code: grpc.status.UNIMPLEMENTED, details: 'no recall here' });
  });
});
