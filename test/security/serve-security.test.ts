// `serve --tls-cert --tls-key --auth-tokens` end to end, dialled with the client
// connection options: TLS, bearer tokens per memory space, and no token in any output.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Connection, connectionFromFlags } from '../../src/endpoint/connection-options.js';
import { type EmbeddedServer, startEmbeddedServer } from '../../src/endpoint/embedded-server.js';
import { emptyEpisode } from '../../src/protocol/messages.js';
import { RecordedStream, type StreamEnd } from '../../src/protocol/recorded-stream.js';
import { runClock } from '../../src/protocol/run-clock.js';
import { type EngramClient, makeEngramClient } from '../../src/protocol/service-definition.js';
import { cleanClientRoundTrip, unitVector } from '../support/clean-client.js';
import { recallIds } from '../support/recall.js';
import { type CertFiles, hasOpenssl, makeSelfSignedCert } from './self-signed.js';

const DIM = 8;
const TOKENS = {
  a: 'tok-a-7f3c9e21d4b8a6f0e5c2',
  b: 'tok-b-1a2b3c4d5e6f7a8b9c0d',
  admin: 'tok-admin-0f1e2d3c4b5a6978',
};

describe.skipIf(!hasOpenssl())('serve with TLS and bearer tokens', () => {
  let dir: string;
  let cert: CertFiles;
  let server: EmbeddedServer;
  const connections: Record<keyof typeof TOKENS | 'none', Connection> = {} as never;
  const clients: EngramClient[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'engram-serve-sec-'));
    cert = makeSelfSignedCert(dir);
    const tokensFile = join(dir, 'tokens.txt');
    writeFileSync(tokensFile, `# test tokens\n${TOKENS.a} space-a\n${TOKENS.b} space-b\n${TOKENS.admin} *\n`);
    server = await startEmbeddedServer({
      args: [
        '--dim',
        String(DIM),
        '--index-workers',
        '1',
        '--tls-cert',
        cert.certPath,
        '--tls-key',
        cert.keyPath,
        '--auth-tokens',
        tokensFile,
      ],
    });
    for (const name of Object.keys(TOKENS) as Array<keyof typeof TOKENS>) {
      const tokenFile = join(dir, `${name}.token`);
      writeFileSync(tokenFile, `${TOKENS[name]}\n`);
      connections[name] = connectionFromFlags({ tlsCa: cert.certPath, tokenFile });
    }
    connections.none = connectionFromFlags({ tlsCa: cert.certPath });
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  function client(c: Connection): EngramClient {
    const made = makeEngramClient(server.address, c.credentials);
    clients.push(made);
    return made;
  }

  async function initIn(c: Connection, space: string): Promise<StreamEnd | 'acked'> {
    const s = RecordedStream.open(client(c), {
      stream: 1,
      session: 's',
      sink: () => {},
      clock: runClock(),
      metadata: c.metadata,
    });
    s.init({ memorySpaceId: space });
    try {
      await s.initAck(10_000);
      s.halfClose();
      await s.ended;
      return 'acked';
    } catch {
      return s.ended;
    }
  }

  async function recallCode(c: Connection, space: string): Promise<number> {
    try {
      await recallIds(client(c), space, unitVector(DIM, 1), 1, c.metadata);
      return grpc.status.OK;
    } catch (err) {
      return (err as grpc.ServiceError).code;
    }
  }

  it('serves a client with the CA and a token over TLS', async () => {
    const c = connections.a;
    expect(await cleanClientRoundTrip(server.address, DIM, 10, { ...c, space: 'space-a' })).toEqual({
      accepted: 10,
      recalled: 10,
    });
  }, 30_000);

  it('refuses a plaintext client', async () => {
    const plain = connectionFromFlags({ insecure: true, tokenFile: undefined });
    const end = await initIn({ ...plain, metadata: connections.a.metadata }, 'space-a');
    expect(end === 'acked' ? 'acked' : end.code).toBe(grpc.status.UNAVAILABLE);
  }, 30_000);

  it('answers no token and an unknown token with UNAUTHENTICATED, on both RPCs', async () => {
    const unknown = { ...connections.none, metadata: new grpc.Metadata() };
    unknown.metadata.set('authorization', 'Bearer tok-unknown-00000000000');
    for (const c of [connections.none, unknown]) {
      const end = await initIn(c, 'space-a');
      expect(end === 'acked' ? 'acked' : end.code).toBe(grpc.status.UNAUTHENTICATED);
      expect(await recallCode(c, 'space-a')).toBe(grpc.status.UNAUTHENTICATED);
    }
  }, 30_000);

  it('answers a token for another space with PERMISSION_DENIED, on both RPCs', async () => {
    const end = await initIn(connections.a, 'space-b');
    expect(end === 'acked' ? 'acked' : end.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(await recallCode(connections.a, 'space-b')).toBe(grpc.status.PERMISSION_DENIED);
    expect(await recallCode(connections.b, 'space-b')).toBe(grpc.status.OK);
    expect(await recallCode(connections.admin, 'space-b')).toBe(grpc.status.OK);
  }, 30_000);

  it("[SES-7] a session can never touch another space's index", async () => {
    const c = connections.a;
    const s = RecordedStream.open(client(c), {
      stream: 2,
      session: 'cross',
      sink: () => {},
      clock: runClock(),
      metadata: c.metadata,
    });
    s.init({ memorySpaceId: 'space-a', sessionId: 'cross' });
    await s.initAck(10_000);
    const episode = { ...emptyEpisode(), id: 'cross-1', embedding: unitVector(DIM, 4242) };
    s.send(1n, episode);
    // The same stream, an observation naming space-b: the call ends, nothing lands there.
    s.write(
      {
        memorySpaceId: 'space-b',
        sessionId: 'cross',
        sequenceNumber: 2n,
        operation: { case: 'observation', observation: { ...episode, id: 'cross-2' } },
      },
      'observation naming another space',
    );
    expect((await s.ended).code).toBe(grpc.status.PERMISSION_DENIED);
    await new Promise((r) => setTimeout(r, 500));
    const inB = await recallIds(
      client(connections.admin),
      'space-b',
      episode.embedding,
      10,
      connections.admin.metadata,
    );
    expect(inB.filter((id) => id.startsWith('cross-'))).toEqual([]);
    const inA = await recallIds(
      client(connections.admin),
      'space-a',
      episode.embedding,
      10,
      connections.admin.metadata,
    );
    expect(inA).toContain('cross-1');
    expect(inA).not.toContain('cross-2');
  }, 30_000);

  it('keeps the gRPC health service open without a token', async () => {
    // grpc.health.v1.Health/Check with an empty request (the whole server); SERVING is field 1 = 1.
    const Health = grpc.makeGenericClientConstructor(
      {
        Check: {
          path: '/grpc.health.v1.Health/Check',
          requestStream: false,
          responseStream: false,
          requestSerialize: () => Buffer.alloc(0),
          requestDeserialize: (b: Buffer) => b,
          responseSerialize: (b: Buffer) => b,
          responseDeserialize: (b: Buffer) => b,
        },
      },
      'Health',
    );
    const health = new Health(server.address, connections.none.credentials) as unknown as grpc.Client & {
      Check(req: Buffer, cb: (err: grpc.ServiceError | null, res?: Buffer) => void): void;
    };
    const reply = await new Promise<Buffer | undefined>((resolve, reject) =>
      health.Check(Buffer.alloc(0), (err, res) => (err ? reject(err) : resolve(res))),
    );
    health.close();
    expect([...(reply ?? [])]).toEqual([0x08, 0x01]);
  }, 30_000);

  it('never writes a token to its output', () => {
    const out = server.stderrTail();
    for (const token of Object.values(TOKENS)) expect(out).not.toContain(token);
  });
});
