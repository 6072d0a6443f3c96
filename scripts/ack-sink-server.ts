// A minimal ObserveStream server that acknowledges every observation ACCEPTED and
// does nothing else: no queue, no index. It isolates the generator in
// benchmarks (scripts/bench-generator.ts) and gives tests a server with a known
// ack delay (test/load/driver-co.test.ts). Run directly (`ack-sink-server.ts DIM
// [DELAY_MS]`), it listens on a free port of 127.0.0.1 and prints `listening on HOST:PORT`.
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import type { ObservationResponse } from '../src/protocol/messages.js';
import { AckStatus, emptyAck, emptyStatus, noCapabilities, StreamState } from '../src/protocol/messages.js';
import { encodeObservationResponse } from '../src/protocol/observation-codec.js';
import { OBSERVE_STREAM_PATH } from '../src/protocol/service-definition.js';
import { WireReader } from '../src/protocol/wire-reader.js';
import { WIRE_LEN, WIRE_VARINT, WireWriter } from '../src/protocol/wire-writer.js';

export interface AckSinkOptions {
  dim: number;
  /** Every ack is written this long after its observation arrived (0: at once). */
  delayMs?: number;
  /**
   * Called when an ack is written: sequence, high-resolution epoch ms, and how long the
   * sink actually held it (the delay as applied: a timer fires late on a busy machine).
   */
  onAck?: (seq: bigint, epochMs: number, heldMs: number) => void;
}

export interface AckSink {
  address: string;
  close(): Promise<void>;
}

/** What the sink needs of a request: which operation, the session id and the sequence. */
interface Peeked {
  /** Field number of the operation: 2 init, 3 observation, 4 flow, 5 close; 0 none. */
  op: number;
  sessionId: string;
  seq: bigint;
}

/** Reads only the top level and skips the episode, so the sink costs little per message. */
function peek(buf: Buffer): Peeked {
  const r = new WireReader(buf);
  const m: Peeked = { op: 0, sessionId: '', seq: 0n };
  while (!r.done()) {
    const { field, wire } = r.tag();
    if (field >= 2 && field <= 5 && wire === WIRE_LEN) {
      m.op = field;
      r.skip(wire);
    } else if (field === 10 && wire === WIRE_LEN) m.sessionId = r.string();
    else if (field === 11 && wire === WIRE_VARINT) m.seq = r.varint64();
    else r.skip(wire);
  }
  return m;
}

const SINK_SERVICE: grpc.ServiceDefinition = {
  ObserveStream: {
    path: OBSERVE_STREAM_PATH,
    requestStream: true,
    responseStream: true,
    requestSerialize: () => Buffer.alloc(0),
    requestDeserialize: peek,
    // Acks come pre-encoded (ackFrame); the few other responses are encoded here.
    responseSerialize: (m: ObservationResponse | Buffer) =>
      Buffer.isBuffer(m) ? m : encodeObservationResponse(m),
    responseDeserialize: () => ({}),
    originalName: 'observeStream',
  },
};

/** ObservationResponse.ack = { status: ACCEPTED }, encoded once. */
const ACCEPTED_ACK = encodeObservationResponse({
  result: { case: 'ack', ack: { ...emptyAck(), status: AckStatus.ACCEPTED } },
  sessionId: '',
  sequenceNumber: 0n,
});

/** An ACCEPTED ack for `seq`: the constant part, then the session id and the sequence. */
function ackFrame(sessionId: Uint8Array, seq: bigint): Buffer {
  const tail = new WireWriter(sessionId.length + 16).bytes(10, sessionId).uint64(11, seq).finish();
  return Buffer.concat([ACCEPTED_ACK, tail]);
}

function handle(
  call: grpc.ServerDuplexStream<Peeked, ObservationResponse | Buffer>,
  o: AckSinkOptions,
): void {
  let sessionId = '';
  let sessionIdBytes = new Uint8Array(0);
  const ack = (seq: bigint, arrived: number) => {
    if (call.writableEnded || call.destroyed) return;
    call.write(ackFrame(sessionIdBytes, seq));
    const now = performance.now();
    o.onAck?.(seq, performance.timeOrigin + now, now - arrived);
  };
  call.on('data', (m: Peeked) => {
    if (m.op === 2) {
      sessionId = m.sessionId || randomUUID();
      sessionIdBytes = new TextEncoder().encode(sessionId);
      call.write({
        result: {
          case: 'initAck',
          initAck: {
            sessionId,
            initialSequence: 0n,
            capabilities: { ...noCapabilities(), embeddingDim: o.dim },
          },
        },
        sessionId,
        sequenceNumber: 0n,
      });
    } else if (m.op === 3) {
      const seq = m.seq;
      // Equal delays keep the acks in arrival order.
      const arrived = performance.now();
      if (o.delayMs) setTimeout(() => ack(seq, arrived), o.delayMs);
      else ack(seq, arrived);
    } else if (m.op === 5) {
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
  // RecallStream is not served: grpc-js answers it UNIMPLEMENTED, as a server without recall would.
  server.addService(SINK_SERVICE, {
    ObserveStream: (call: grpc.ServerDuplexStream<Peeked, ObservationResponse | Buffer>) => handle(call, o),
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

/** The sink in a process of its own, so that its event loop competes with nothing of the client's. */
export function forkAckSink(
  dim: number,
  delayMs = 0,
): Promise<{ address: string; pid: number; stop: () => void }> {
  const child = fork(fileURLToPath(import.meta.url), [String(dim), String(delayMs)], {
    execArgv: process.execArgv,
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      const m = /listening on (\S+)/.exec(chunk);
      if (m)
        resolve({ address: m[1] as string, pid: child.pid as number, stop: () => child.kill('SIGTERM') });
    });
    child.on('exit', (code) => reject(new Error(`the sink exited with code ${code}`)));
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dim = Number(process.argv[2] ?? 768);
  const delayMs = Number(process.argv[3] ?? 0);
  const sink = await startAckSink({ dim, delayMs });
  process.stdout.write(`listening on ${sink.address}\n`);
  process.on('SIGTERM', () => void sink.close().then(() => process.exit(0)));
}
