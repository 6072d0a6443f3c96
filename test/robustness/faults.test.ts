// Faults: a client process killed mid-stream, connections reset at random by a TCP
// proxy, and a peer that goes silent. Nothing accepted may be lost, nothing indexed
// twice, and a dead peer must be noticed by gRPC keepalive.
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChecker } from '../../src/check/checker.js';
import { type EmbeddedServer, startEmbeddedServer } from '../../src/endpoint/embedded-server.js';
import type { HistoryEvent } from '../../src/history/history.js';
import { startFaultProxy } from '../../src/netfault/fault-proxy.js';
import { RecordedStream } from '../../src/protocol/recorded-stream.js';
import { runClock } from '../../src/protocol/run-clock.js';
import { type EngramClient, makeEngramClient } from '../../src/protocol/service-definition.js';
import { seededRandom } from '../../src/util/seeded-random.js';
import { sendReliably } from '../support/reliable-sender.js';
import { spawnChildClient } from './child-client.js';
import { checkExactlyOnce } from './exactly-once.js';

const DIM = 16;
let server: EmbeddedServer;
let direct: EngramClient;

beforeAll(async () => {
  server = await startEmbeddedServer({
    args: ['--dim', String(DIM), '--index-workers', '1', '--session-idle-timeout', '30s'],
  });
  direct = makeEngramClient(server.address);
});

afterAll(async () => {
  direct?.close();
  await server?.stop();
});

describe('client faults', () => {
  it('[RES-4][RES-6][ACK-7] a client process killed mid-stream; a new process resumes: nothing lost, nothing twice', async () => {
    const total = 600;
    const args = [server.address, 'faults-kill', 'killed-session', total, DIM, 300];
    const first = spawnChildClient(args);
    await first.acceptedAtLeast(200n);
    first.process.kill('SIGKILL');
    expect((await first.exited).code).toBe(137);
    const seen = first.lastAccepted();
    expect(seen).toBeGreaterThanOrEqual(200n);
    expect(seen).toBeLessThan(BigInt(total));
    // The new process knows only what the old one printed; the server tells it the rest.
    const second = spawnChildClient([...args, seen]);
    const done = await second.exited;
    expect(done.code).toBe(0);
    expect(done.lastLine).toBe(`closed accepted=${total} indexed=${total}`);
    const v = await checkExactlyOnce(direct, 'faults-kill', 'killed-session', total, DIM);
    expect(v).toEqual({ found: total, missing: [], twice: [] });
  }, 120_000);

  it('[RES-5][RES-6][SES-9] connections reset at random by a TCP proxy: nothing lost, nothing twice', async () => {
    const proxy = await startFaultProxy({ target: server.address });
    // Every live connection reset at seeded random intervals of 100 to 400 ms.
    const random = seededRandom(42);
    let resets = 0;
    let timer: NodeJS.Timeout | undefined;
    const resetLater = () => {
      timer = setTimeout(
        () => {
          resets += proxy.start(
            { kind: 'reset', midFrame: false, direction: 'up' },
            { seed: 42 },
          ).connections;
          resetLater();
        },
        100 + random() * 300,
      );
    };
    resetLater();
    let channel = makeEngramClient(proxy.address());
    const checker = createChecker();
    let streams = 0;
    const total = 1500;
    const result = await sendReliably({
      // A reset channel reconnects by itself; a fresh one makes the test independent of backoff.
      client: () => {
        if (streams > 0) {
          channel.close();
          channel = makeEngramClient(proxy.address());
        }
        return channel;
      },
      memorySpaceId: 'faults-reset',
      sessionId: 'reset-session',
      dim: DIM,
      total,
      window: 64,
      rate: 1000,
      sink: (e: HistoryEvent) => checker.observe(e),
      clock: runClock(),
      streamId: () => streams++,
    });
    clearTimeout(timer);
    channel.close();
    await proxy.close();
    const report = checker.finish();
    expect(result.accepted).toBe(BigInt(total));
    // The drain close that ended OK carried the final INDEXED mark over everything. A reset
    // can take the close's answer (final INDEXED, then OK) with it: the sender then learns
    // that the session closed only from its resume's NOT_FOUND, having seen an older mark;
    // that nothing was lost is what the recall check below shows.
    expect([grpc.status.OK, grpc.status.NOT_FOUND]).toContain(result.lastEnd?.code);
    if (result.lastEnd?.code === grpc.status.OK) expect(result.indexed).toBe(BigInt(total));
    expect(resets).toBeGreaterThan(1);
    expect(result.resumes).toBeGreaterThan(1);
    expect(report.counts.silentDrops).toBe(0);
    expect(report.findings.filter((f) => f.severity === 'fail' && f.kind !== 'stream-error')).toEqual([]);
    const v = await checkExactlyOnce(direct, 'faults-reset', 'reset-session', total, DIM);
    expect(v).toEqual({ found: total, missing: [], twice: [] });
  }, 120_000);
});

describe('dead peers', () => {
  /** Opens a session through a proxy, then makes the proxy a black hole. */
  async function silentPeer(keepaliveArgs: string[]): Promise<number> {
    const s2 = await startEmbeddedServer({
      args: ['--dim', String(DIM), '--index-workers', '1', '--session-idle-timeout', '1s', ...keepaliveArgs],
    });
    const proxy = await startFaultProxy({ target: s2.address });
    const viaProxy = makeEngramClient(proxy.address());
    const s = RecordedStream.open(viaProxy, {
      stream: 1,
      session: 'peer',
      sink: () => {},
      clock: runClock(),
    });
    s.init({ memorySpaceId: 'dead-peer', sessionId: 'silent' });
    await s.initAck(10_000);
    proxy.start({ kind: 'blackhole', direction: 'both' }, { seed: 1 });
    // Keepalive (500 ms + 500 ms) notices, the session detaches, the 1 s idle timeout expires it.
    await new Promise((r) => setTimeout(r, 5000));
    const client = makeEngramClient(s2.address);
    const probe = RecordedStream.open(client, {
      stream: 2,
      session: 'peer',
      sink: () => {},
      clock: runClock(),
    });
    probe.init({ memorySpaceId: 'dead-peer', sessionId: 'silent', resume: true });
    const code = await probe.initAck(10_000).then(
      () => grpc.status.OK,
      async () => (await probe.ended).code,
    );
    probe.cut();
    s.cut();
    client.close();
    viaProxy.close();
    await proxy.close();
    await s2.stop();
    return code;
  }

  it('[SES-9][SES-11] gRPC keepalive notices a silent peer: its session detaches and expires', async () => {
    expect(await silentPeer(['--keepalive-time', '500ms', '--keepalive-timeout', '500ms'])).toBe(
      grpc.status.NOT_FOUND,
    );
  }, 60_000);

  it('without keepalive in that window the silent stream stays attached, so the session is still there', async () => {
    // The control: it shows that the test above can fail.
    expect(await silentPeer(['--keepalive-time', '1h', '--keepalive-timeout', '20s'])).toBe(grpc.status.OK);
  }, 60_000);
});
