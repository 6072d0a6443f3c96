// The checker fed live by RecordedStream against a real server on port 0: the
// reference server yields no finding, and each mutant server (src/server/faults)
// yields the finding that names its broken promise. One client script for all:
// pipelined valid sends with a gap, a duplicate and an invalid one, a cut, a
// resume, more sends and a drained close pipelined behind them.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { CheckerOptions, CheckReport } from '../../src/check/check-types.js';
import { createChecker } from '../../src/check/checker.js';
import type { HistoryEvent } from '../../src/history/history.js';
import { type Episode, emptyEpisode } from '../../src/protocol/messages.js';
import { RecordedStream } from '../../src/protocol/recorded-stream.js';
import { runClock } from '../../src/protocol/run-clock.js';
import { type EngramClient, makeEngramClient } from '../../src/protocol/service-definition.js';
import { componentsWithFaults } from '../../src/server/faults/fault-registry.js';
import { defaultServerConfig } from '../../src/server/server-config.js';
import { type RunningServer, startServer } from '../../src/server/start-server.js';

const DIM = 8;
let serial = 0;

function episode(valid = true): Episode {
  const n = ++serial;
  const embedding = new Float32Array(valid ? DIM : DIM + 1).map((_, d) => Math.sin(n * 7.1 + d));
  return { ...emptyEpisode(), id: `live-${n}`, what: `observation ${n}`, embedding };
}

let running: { server: RunningServer; client: EngramClient } | undefined;

afterEach(async () => {
  running?.client.close();
  await running?.server.shutdown();
  running = undefined;
});

async function serve(faults: string[]): Promise<EngramClient> {
  const config = {
    ...defaultServerConfig(),
    port: 0,
    dim: DIM,
    indexWorkers: 1,
    heartbeatIntervalMs: 60_000,
  };
  const server = await startServer(config, componentsWithFaults(faults));
  running = { server, client: makeEngramClient(server.address) };
  return running.client;
}

async function until(ready: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
}

async function script(client: EngramClient, options: CheckerOptions = {}): Promise<CheckReport> {
  const checker = createChecker(options);
  const events: HistoryEvent[] = [];
  const sink = (e: HistoryEvent): void => {
    events.push(e);
    checker.observe(e);
  };
  const clock = runClock();
  const sessionId = randomUUID();
  const accepted = (stream: number, seq: bigint) =>
    events.some((e) => e.type === 'ack' && e.stream === stream && e.status === 'ACCEPTED' && e.seq === seq);
  const lastAccepted = () =>
    events.reduce((max, e) => (e.type === 'ack' && e.status === 'ACCEPTED' && e.seq > max ? e.seq : max), 0n);

  const first = RecordedStream.open(client, { stream: 1, session: 's', sink, clock });
  first.init({ memorySpaceId: 'live_space', sessionId, indexAcks: true });
  await first.initAck(5000);
  for (let seq = 1n; seq <= 20n; seq++) first.send(seq, episode());
  first.send(25n, episode(), { intent: 'gap' });
  first.send(3n, episode(), { intent: 'duplicate' });
  first.send(21n, episode(false), { intent: 'invalid' });
  for (let seq = 21n; seq <= 30n; seq++) first.send(seq, episode());
  await until(() => accepted(1, 30n) || first.isEnded);
  first.cut();
  await first.ended;

  const second = RecordedStream.open(client, { stream: 2, session: 's', sink, clock });
  second.init({
    memorySpaceId: 'live_space',
    sessionId,
    resume: true,
    claimedSequence: lastAccepted(),
    indexAcks: true,
  });
  const ack = await second.initAck(5000);
  const last = ack.initialSequence + 10n;
  for (let seq = ack.initialSequence + 1n; seq <= last; seq++) second.send(seq, episode());
  second.close(true, last);
  await Promise.race([second.ended, new Promise((r) => setTimeout(r, 5000))]);
  second.cut();
  checker.observe({ t: clock.now(), type: 'end' });
  return checker.finish();
}

function kinds(r: CheckReport): string[] {
  return r.findings.map((f) => f.kind);
}

describe('checker on live histories', () => {
  it('finds nothing against the reference server, and measures staleness from INDEXED acks', async () => {
    const r = await script(await serve([]));
    expect(r.findings).toEqual([]);
    expect(r.counts).toMatchObject({ sent: 43, accepted: 40, silentDrops: 0, resumes: 1, streamErrors: 0 });
    expect(r.counts.rejectedByReason).toEqual({
      SEQUENCE_GAP: 1,
      DUPLICATE_SEQUENCE: 1,
      INVALID_OBSERVATION: 1,
    });
    expect(r.staleness.totalCount).toBeGreaterThan(0);
  });

  const cases: Array<[string[], string[], CheckerOptions?]> = [
    [['drop-silently'], ['silent-drop']],
    [['accept-gap'], ['accepted-not-dense', 'wrong-reject-reason']],
    [['index-twice'], ['accepted-out-of-order', 'wrong-reject-reason']],
    [['reorder-acks'], ['accepted-out-of-order']],
    [['lose-on-resume'], ['resume-lost-data']],
    [['slow-index'], ['staleness-over-bound'], { stalenessBoundMs: 200 }],
    // slow-index keeps the queue non-empty at the close, so skipping the drain shows.
    [['no-drain-on-close', 'slow-index'], ['lost-write']],
    [['consume-rejected-seq'], ['wrong-reject-reason']],
    [['end-stream-on-gap'], ['stream-error']],
  ];
  for (const [faults, expected, options] of cases) {
    it(`finds ${expected.join(' and ')} against --fault ${faults.join(' --fault ')}`, async () => {
      const r = await script(await serve(faults), options);
      expect(kinds(r)).toEqual(expect.arrayContaining(expected));
    });
  }
});
