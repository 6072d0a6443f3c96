import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { startEmbeddedServer } from '../../src/endpoint/embedded-server.js';
import { AckStatus, emptyEpisode, RejectReason } from '../../src/protocol/messages.js';
import { makeEngramClient } from '../../src/protocol/service-definition.js';
import { embedding, episode, heldCommit, startTestServer, TestStream } from './harness.js';

describe('shutdown', () => {
  it('[SHUT-1][ACK-1] while draining, new observations get OVERLOADED "server shutting down"; then UNAVAILABLE', async () => {
    const held = heldCommit();
    const t = await startTestServer({}, held.components);
    const s = await TestStream.init(t.client, { indexAcks: true });
    for (let i = 1; i <= 5; i++) s.send(i);
    await s.untilOutcomes(5);
    const stopped = t.server.shutdown();
    s.send(6);
    await s.untilOutcomes(6);
    expect(s.outcomes()[5]).toMatchObject({
      status: AckStatus.REJECTED,
      reason: RejectReason.OVERLOADED,
      detail: 'server shutting down',
      expectedSequence: 6n,
    });
    expect(s.outcomes()[5]?.retryAfterMs).toBeGreaterThan(0);
    expect(s.rs.isEnded).toBe(false);
    held.release();
    await stopped;
    const end = await s.rs.ended;
    expect(end.code).toBe(status.UNAVAILABLE);
    expect(s.indexedMarks().at(-1)).toBe(5n);
    t.client.close();
  });

  it('[SHUT-2] SIGTERM drains the queue, sends the final INDEXED acks, ends streams with UNAVAILABLE, exits 0', async () => {
    const server = await startEmbeddedServer({ args: ['--dim', '256', '--index-workers', '1'] });
    const client = makeEngramClient(server.address);
    try {
      const s = await TestStream.init(client, { indexAcks: true });
      const n = 800;
      await s.sendRange(1, n, (i) => ({ ...emptyEpisode(), id: `shut-${i}`, embedding: embedding(i, 256) }));
      await s.untilOutcomes(n);
      expect(s.outcomes().every((a) => a.status === AckStatus.ACCEPTED)).toBe(true);
      const code = await server.stop();
      expect(code, server.stderrTail()).toBe(0);
      const end = await s.rs.ended;
      expect(end.code).toBe(status.UNAVAILABLE);
      expect(s.indexedMarks().at(-1)).toBe(BigInt(n));
    } finally {
      client.close();
      await server.stop();
    }
  });

  it('[SHUT-2] SIGINT also stops gracefully with exit code 0', async () => {
    const server = await startEmbeddedServer({ args: ['--dim', '8'] });
    const client = makeEngramClient(server.address);
    const s = await TestStream.init(client);
    s.send(1, episode(1));
    await s.untilOutcomes(1);
    const exited = new Promise<number | null>((resolve) => server.process.on('exit', (c) => resolve(c)));
    server.process.kill('SIGINT');
    expect(await exited, server.stderrTail()).toBe(0);
    expect((await s.rs.ended).code).toBe(status.UNAVAILABLE);
    client.close();
  });
});
