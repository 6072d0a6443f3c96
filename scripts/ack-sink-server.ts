// A minimal ObserveStream server that acknowledges every observation ACCEPTED and
// does nothing else: no queue, no index. It isolates the generator in
// benchmarks (scripts/bench-generator.ts) and gives tests a server with a known
// ack delay (test/load/driver-co.test.ts). Run directly, it listens on a free
// port of 127.0.0.1 and prints `listening on HOST:PORT`.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import type { ObservationRequest, ObservationResponse } from '../src/protocol/messages.js';
import { AckStatus, emptyAck, emptyStatus, StreamState } from '../src/protocol/messages.js';
import { engramServiceDefinition } from '../src/protocol/service-definition.js';

export interface AckSinkOptions {
  dim: number;
  /** Every ack is written this long after its observation arrived (0: at once). */
  delayMs?: number;
  /** Called when an ack is written: sequence and high-resolution epoch ms. */
  onAck?: (seq: bigint, epochMs: number) => void;
}

export interface AckSink {
  address: string;
  close(): Promise<void>;
}

function handle(
  call: grpc.ServerDuplexStream<ObservationRequest, ObservationResponse>,
  o: AckSinkOptions,
): void {
  let sessionId = '';
  const ack = (seq: bigint) => {
    if (call.writableEnded || call.destroyed) return;
    call.write({
      result: { case: 'ack', ack: { ...emptyAck(), status: AckStatus.ACCEPTED } },
      sessionId,
      sequenceNumber: seq,
    });
    o.onAck?.(seq, performance.timeOrigin + performance.now());
  };
  call.on('data', (m: ObservationRequest) => {
    const op = m.operation;
    if (op?.case === 'init') {
      sessionId = m.sessionId || randomUUID();
      call.write({
        result: {
          case: 'initAck',
          initAck: {
            sessionId,
            initialSequence: 0n,
            capabilities: {
              maxObservationsPerSecond: 0,
              queueCapacity: 0,
              supportsBackpressure: false,
              supportsSnapshotIsolation: false,
              embeddingDim: o.dim,
              supportsResume: false,
              supportsIndexAcks: false,
              sessionIdleTimeoutMs: 0,
              maxTextBytes: 0,
            },
          },
        },
        sessionId,
        sequenceNumber: 0n,
      });
    } else if (op?.case === 'observation') {
      const seq = m.sequenceNumber;
      // Equal delays keep the acks in arrival order.
      if (o.delayMs) setTimeout(() => ack(seq), o.delayMs);
      else ack(seq);
    } else if (op?.case === 'close') {
      const close = () => {
        call.write({
          result: { case: 'status', status: { ...emptyStatus(), state: StreamState.CLOSED } },
          sessionId,
          sequenceNumber: 0n,
        });
        call.end();
      };
      // After the acks still delayed.
      setTimeout(close, o.delayMs ?? 0);
    }
  });
  call.on('end', () => {
    if (!call.writableEnded) call.end();
  });
  call.on('error', () => {});
}

export async function startAckSink(o: AckSinkOptions): Promise<AckSink> {
  const server = new grpc.Server();
  server.addService(engramServiceDefinition(), {
    ObserveStream: (call: grpc.ServerDuplexStream<ObservationRequest, ObservationResponse>) =>
      handle(call, o),
    RecallStream: (call: grpc.ServerWritableStream<unknown, unknown>) =>
      call.emit('error', { code: grpc.status.UNIMPLEMENTED, details: 'the ack sink has no recall' }),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  return {
    address: `127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dim = Number(process.argv[2] ?? 768);
  const sink = await startAckSink({ dim });
  process.stdout.write(`listening on ${sink.address}\n`);
  process.on('SIGTERM', () => void sink.close().then(() => process.exit(0)));
}
