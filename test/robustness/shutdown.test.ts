// SIGTERM with a full queue: everything accepted is indexed and acknowledged as
// INDEXED before the server exits 0; a second SIGTERM exits at once and says what it
// abandoned. The server runs at 768-d with --fault slow-index, which holds each batch
// 250 ms before it is inserted: the queue is then still full when the signal comes, however
// loaded the machine (without it, a starved client can be slower than the indexer and the
// queue empty). The drain, the acks and the exit are the server's own code.

import { constants } from 'node:os';
import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { type EmbeddedServer, startEmbeddedServer } from '../../src/endpoint/embedded-server.js';
import { AckStatus, type ObservationResponse, RejectReason } from '../../src/protocol/messages.js';
import { RecordedStream } from '../../src/protocol/recorded-stream.js';
import { runClock } from '../../src/protocol/run-clock.js';
import { makeEngramClient } from '../../src/protocol/service-definition.js';
import { episodeBytes } from '../support/reliable-sender.js';

const DIM = 768;
const COUNT = 3000;

interface Loaded {
  server: EmbeddedServer;
  stream: RecordedStream;
  accepted: () => bigint;
  indexed: () => bigint;
  rejections: Array<{ reason: number; detail: string }>;
  exit: Promise<number>;
  close(): void;
}

/** A server whose queue holds most of COUNT accepted observations. */
async function loadedServer(): Promise<Loaded> {
  const server = await startEmbeddedServer({
    args: [
      '--dim',
      String(DIM),
      '--queue-capacity',
      '5000',
      '--index-workers',
      '1',
      '--ef-construction',
      '200',
      '--fault',
      'slow-index',
    ],
  });
  const exit = new Promise<number>((resolve) =>
    server.process.on('exit', (code, signal) =>
      resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)),
    ),
  );
  const client = makeEngramClient(server.address);
  let accepted = 0n;
  let indexed = 0n;
  const rejections: Loaded['rejections'] = [];
  let allAccepted: () => void = () => {};
  const done = new Promise<void>((r) => {
    allAccepted = r;
  });
  const stream = RecordedStream.open(client, {
    stream: 1,
    session: 'shutdown',
    sink: () => {},
    clock: runClock(),
    onResponse: (r: ObservationResponse) => {
      if (r.result?.case !== 'ack') return;
      const { status, reason, detail } = r.result.ack;
      if (status === AckStatus.ACCEPTED) accepted = r.sequenceNumber;
      if (status === AckStatus.INDEXED) indexed = r.sequenceNumber;
      if (status === AckStatus.REJECTED) rejections.push({ reason, detail });
      if (accepted === BigInt(COUNT)) allAccepted();
    },
  });
  stream.init({ memorySpaceId: 'shutdown', sessionId: 'full-queue', indexAcks: true });
  await stream.initAck(10_000);
  for (let seq = 1n; seq <= BigInt(COUNT); seq++) {
    if (!stream.send(seq, episodeBytes('full-queue', seq, DIM))) await stream.drained();
  }
  await done;
  return {
    server,
    stream,
    accepted: () => accepted,
    indexed: () => indexed,
    rejections,
    exit,
    close: () => client.close(),
  };
}

describe('shutdown', () => {
  it('[SHUT-1][SHUT-2] SIGTERM with a full queue: every accepted observation indexed and acked INDEXED, then exit 0', async () => {
    const l = await loadedServer();
    const backlog = l.accepted() - l.indexed();
    expect(backlog).toBeGreaterThan(0n);
    l.server.process.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 50));
    // Sent after the signal (the next sequence, retried): rejected in-band, one ack each (SHUT-1, ACK-1).
    const next = BigInt(COUNT) + 1n;
    for (let i = 0; i < 5; i++) l.stream.send(next, episodeBytes('full-queue', next, DIM));
    const end = await l.stream.ended;
    expect(end.code).toBe(grpc.status.UNAVAILABLE);
    expect(l.indexed()).toBe(BigInt(COUNT));
    expect(l.rejections).toHaveLength(5);
    expect(l.rejections.every((r) => r.reason === RejectReason.OVERLOADED)).toBe(true);
    expect(l.rejections.every((r) => r.detail.includes('server shutting down'))).toBe(true);
    expect(await l.exit).toBe(0);
    expect(l.server.stderrTail()).toMatch(/SIGTERM: draining \d+ queued observation\(s\) into the index/);
    l.close();
  }, 120_000);

  it('a second SIGTERM exits at once and says what it abandoned', async () => {
    const l = await loadedServer();
    l.server.process.kill('SIGTERM');
    // The second signal once the first is being handled (two signals at once may coalesce),
    // and only while there is something to drain (else the first exits 0 at once).
    let draining: RegExpExecArray | null = null;
    while (!draining) {
      await new Promise((r) => setTimeout(r, 1));
      draining = /SIGTERM: draining (\d+) queued/.exec(l.server.stderrTail());
    }
    expect(Number(draining[1])).toBeGreaterThan(0);
    l.server.process.kill('SIGTERM');
    // Killed by the re-raised SIGTERM: the shell's status 143.
    expect(await l.exit).toBe(128 + 15);
    const said =
      /second SIGTERM: exiting now; abandoned (\d+) accepted observation\(s\) not yet indexed, (\d+) open stream\(s\), (\d+) session\(s\)/.exec(
        l.server.stderrTail(),
      );
    expect(said).not.toBeNull();
    const abandoned = BigInt(said?.[1] ?? '0');
    expect(abandoned).toBeGreaterThan(0n);
    // What it said matches what the client can see: not covered by an INDEXED mark.
    expect(abandoned).toBeLessThanOrEqual(l.accepted() - l.indexed());
    expect(said?.[2]).toBe('1');
    l.stream.cut();
    l.close();
  }, 120_000);
});
