// The interceptor on a real grpc-js server whose handlers record every call that
// reaches them: a denied call must end with the right code and never reach one.
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ObservationRequest, ObservationResponse } from '../../src/protocol/messages.js';
import { RecordedStream } from '../../src/protocol/recorded-stream.js';
import { runClock } from '../../src/protocol/run-clock.js';
import { engramServiceDefinition, makeEngramClient } from '../../src/protocol/service-definition.js';
import { authInterceptor } from '../../src/server/security/auth-interceptor.js';
import { parseAuthTokens } from '../../src/server/security/auth-tokens.js';
import { TokenAuthorizer } from '../../src/server/security/token-authorizer.js';

const A = 'token-for-space-a-0123456789';
const ADMIN = 'token-for-every-space-0123456789';
const grants = parseAuthTokens(`${A} space-a\n${ADMIN} *\n`, 'tokens.txt');

let server: grpc.Server;
let address = '';
/** Memory spaces of the requests that reached a handler. */
const reached: string[] = [];

beforeAll(async () => {
  server = new grpc.Server({ interceptors: [authInterceptor(new TokenAuthorizer(grants))] });
  server.addService(engramServiceDefinition(), {
    ObserveStream(call: grpc.ServerDuplexStream<ObservationRequest, ObservationResponse>) {
      call.on('data', (req: ObservationRequest) => {
        reached.push(req.memorySpaceId);
        if (req.operation?.case === 'init') {
          call.write({
            sessionId: 's',
            sequenceNumber: 0n,
            result: { case: 'initAck', initAck: { sessionId: 's', initialSequence: 0n } },
          });
        }
      });
      call.on('end', () => call.end());
    },
    RecallStream(call: grpc.ServerWritableStream<{ memorySpaceId: string }, unknown>) {
      reached.push(call.request.memorySpaceId);
      call.write({ results: [], moreResults: false });
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

function metadataWith(authorization?: string): grpc.Metadata {
  const m = new grpc.Metadata();
  if (authorization !== undefined) m.set('authorization', authorization);
  return m;
}

async function observe(space: string, metadata: grpc.Metadata, thenSpace?: string) {
  const client = makeEngramClient(address);
  const s = RecordedStream.open(client, {
    stream: 1,
    session: 'x',
    sink: () => {},
    clock: runClock(),
    metadata,
  });
  s.init({ memorySpaceId: space });
  let acked = false;
  try {
    await s.initAck(5000);
    acked = true;
    if (thenSpace) {
      s.write(
        { memorySpaceId: thenSpace, sessionId: 's', sequenceNumber: 0n, operation: undefined },
        'message naming another space',
      );
    } else {
      s.halfClose();
    }
  } catch {
    // The stream ended first: its end says why.
  }
  const end = await s.ended;
  client.close();
  return { acked, end };
}

function recall(space: string, metadata: grpc.Metadata): Promise<grpc.StatusObject> {
  const client = makeEngramClient(address);
  const call = client.RecallStream({ memorySpaceId: space, maxResults: 1 }, metadata);
  call.on('data', () => {});
  call.on('error', () => {});
  return new Promise((resolve) =>
    call.on('status', (s) => {
      client.close();
      resolve(s);
    }),
  );
}

describe('bearer-token interceptor', () => {
  it.each([
    ['no token', undefined, 'missing bearer token'],
    ['an unknown token', `Bearer ${A}-wrong`, 'unknown bearer token'],
    ['a token without the Bearer scheme', A, 'not of the form'],
  ])(
    'ends ObserveStream with UNAUTHENTICATED for %s, before any handler runs',
    async (_w, header, details) => {
      reached.length = 0;
      const { acked, end } = await observe('space-a', metadataWith(header));
      expect(acked).toBe(false);
      expect(end.code).toBe(grpc.status.UNAUTHENTICATED);
      expect(end.details).toContain(details);
      expect(end.details).not.toContain(A);
      expect(reached).toEqual([]);
    },
  );

  it("ends an init in another token's space with PERMISSION_DENIED, before any handler runs", async () => {
    reached.length = 0;
    const { acked, end } = await observe('space-b', metadataWith(`Bearer ${A}`));
    expect(acked).toBe(false);
    expect(end.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(end.details).toBe('this token may not use memory space "space-b"');
    expect(reached).toEqual([]);
  });

  it('lets an init in the granted space through, and denies a later message naming another space', async () => {
    reached.length = 0;
    const ok = await observe('space-a', metadataWith(`Bearer ${A}`));
    expect(ok.acked).toBe(true);
    expect(ok.end.code).toBe(grpc.status.OK);
    const crossed = await observe('space-a', metadataWith(`Bearer ${A}`), 'space-b');
    expect(crossed.acked).toBe(true);
    expect(crossed.end.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(reached).toEqual(['space-a', 'space-a']);
  });

  it('lets a stream that half-closes before any request reach its handler, which ends it', async () => {
    const client = makeEngramClient(address);
    const s = RecordedStream.open(client, {
      stream: 1,
      session: 'x',
      sink: () => {},
      clock: runClock(),
      metadata: metadataWith(`Bearer ${A}`),
    });
    s.halfClose();
    expect((await s.ended).code).toBe(grpc.status.OK);
    client.close();
  });

  it('checks RecallStream the same way', async () => {
    reached.length = 0;
    expect((await recall('space-a', metadataWith())).code).toBe(grpc.status.UNAUTHENTICATED);
    expect((await recall('space-b', metadataWith(`Bearer ${A}`))).code).toBe(grpc.status.PERMISSION_DENIED);
    expect((await recall('space-a', metadataWith(`Bearer ${A}`))).code).toBe(grpc.status.OK);
    expect((await recall('space-b', metadataWith(`Bearer ${ADMIN}`))).code).toBe(grpc.status.OK);
    expect(reached).toEqual(['space-a', 'space-b']);
  });
});
