// `npm run bench:generator`: how fast is bench's generator, next to the fastest
// and the plainest grpc-js clients? In one run, against an ack-only sink server
// in its own process (scripts/ack-sink-server.ts), one stream each, 768-d:
//   - bare:   a hand-rolled grpc-js client writing pre-encoded frames, nothing else
//   - plain:  a proto-loader client writing episode objects (protobufjs encodes)
//   - bench:  bench's own driver (runBench, one session), saturated
// Each is measured warm, after an unmeasured round of its own: JIT warm-up would
// otherwise decide a 5 s figure. bench runs on the main thread here (workers: 0),
// the same code a worker thread runs.
// Prints messages/s (steady: after the first second; and over the whole run), the
// ratios (targets: bench/bare >= 0.9, bench/plain >= 1.8) and CPU per 10k
// messages/s of the client process and of the sink.
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { EmbeddingSource } from '../src/load/driver/episode-pool.js';
import { runBench } from '../src/load/run/run-bench.js';
import { parseScenario } from '../src/load/scenario/load-scenario.js';
import { initRequest } from '../src/protocol/init-request.js';
import type { ObservationResponse } from '../src/protocol/messages.js';
import { emptyEpisode } from '../src/protocol/messages.js';
import { encodeEpisode, encodeObservationFrame } from '../src/protocol/observation-codec.js';
import { LOADER_OPTIONS, makeEngramClient, SERVICE_PROTO } from '../src/protocol/service-definition.js';
import { forkAckSink } from './ack-sink-server.js';

const DIM = 768;
const SECONDS = 5;
/** Observations in flight per stream, for every client alike. */
const WINDOW = 512;
const SPACE = 'bench-generator';
const CHANNEL: grpc.ChannelOptions = { 'grpc.use_local_subchannel_pool': 1 };

/** Acks of a run: all of them, and those of its steady part (from 1 s to the end of sending). */
interface Acks {
  all: number;
  steady: number;
}

interface Figure {
  name: string;
  messages: number;
  seconds: number;
  /** Messages/s after the first second (connection, HTTP/2 windows and caches warming up). */
  steadyRate: number;
  cpuPercent: number;
  /** The sink's CPU over the same span: near 100% means the sink, not the client, was the limit. */
  sinkCpuPercent: number;
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux; clock ticks of 10 ms). */
function processCpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const rate = (f: Figure) => f.messages / f.seconds;

/** Runs `body` and reports messages over wall time and the CPU of both processes over the same span. */
async function measured(name: string, sinkPid: number, body: () => Promise<Acks>): Promise<Figure> {
  const cpu = process.cpuUsage();
  const sinkCpu = processCpuSeconds(sinkPid);
  const start = process.hrtime.bigint();
  const acks = await body();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const used = process.cpuUsage(cpu);
  return {
    name,
    messages: acks.all,
    seconds,
    steadyRate: acks.steady / (SECONDS - 1),
    cpuPercent: ((used.user + used.system) / 1e6 / seconds) * 100,
    sinkCpuPercent: ((processCpuSeconds(sinkPid) - sinkCpu) / seconds) * 100,
  };
}

/**
 * A closed loop of WINDOW in flight on one stream for SECONDS: `write` sends one
 * observation and returns write()'s flow-control answer; acks come to `onAck`.
 */
function saturate(
  call: grpc.ClientDuplexStream<unknown, unknown>,
  write: (seq: number) => boolean,
  isAck: (r: unknown) => boolean,
): Promise<Acks> {
  return new Promise((resolve) => {
    const steadyFrom = Date.now() + 1000;
    const end = Date.now() + SECONDS * 1000;
    let seq = 0;
    let acked = 0;
    let steady = 0;
    let blocked = false;
    const pump = () => {
      while (!blocked && seq - acked < WINDOW && Date.now() < end) {
        seq++;
        if (!write(seq)) {
          blocked = true;
          call.once('drain', () => {
            blocked = false;
            pump();
          });
        }
      }
      if (acked === seq && Date.now() >= end) {
        call.end();
        resolve({ all: acked, steady });
      }
    };
    call.on('data', (r: unknown) => {
      if (!isAck(r)) return;
      acked++;
      const now = Date.now();
      if (now >= steadyFrom && now < end) steady++;
      pump();
    });
    call.on('error', () => {});
    pump();
  });
}

function firstResponse(call: grpc.ClientDuplexStream<unknown, unknown>): Promise<unknown> {
  return new Promise((resolve) => call.once('data', resolve));
}

async function bare(address: string, embedding: Float32Array): Promise<Acks> {
  const client = makeEngramClient(address, grpc.credentials.createInsecure(), CHANNEL);
  const call = client.ObserveStream();
  call.write(initRequest({ memorySpaceId: SPACE }));
  const initAck = (await firstResponse(call as never)) as ObservationResponse;
  const sessionId = initAck.result?.case === 'initAck' ? initAck.result.initAck.sessionId : '';
  const bytes = encodeEpisode({ ...emptyEpisode(), id: 'bare', what: 'bare client', embedding });
  const acked = await saturate(
    call as never,
    (seq) => call.write(encodeObservationFrame(SPACE, sessionId, BigInt(seq), bytes)),
    (r) => (r as ObservationResponse).result?.case === 'ack',
  );
  client.close();
  return acked;
}

async function plain(address: string, embedding: Float32Array): Promise<Acks> {
  const definition = protoLoader.loadSync(SERVICE_PROTO, { ...LOADER_OPTIONS, defaults: false });
  type PlainClient = grpc.Client & { ObserveStream(): grpc.ClientDuplexStream<unknown, unknown> };
  const pkg = grpc.loadPackageDefinition(definition) as unknown as {
    engram: {
      v1: { EngramService: new (...args: ConstructorParameters<typeof grpc.Client>) => PlainClient };
    };
  };
  const client = new pkg.engram.v1.EngramService(address, grpc.credentials.createInsecure(), CHANNEL);
  const call = client.ObserveStream();
  call.write({ memorySpaceId: SPACE, init: { enableBackpressure: true } });
  const initAck = (await firstResponse(call as never)) as { initAck?: { sessionId: string } };
  const sessionId = initAck.initAck?.sessionId ?? '';
  const values = Array.from(embedding);
  const acked = await saturate(
    call as never,
    (seq) =>
      call.write({
        memorySpaceId: SPACE,
        sessionId,
        sequenceNumber: String(seq),
        observation: { id: `plain-${seq}`, what: 'plain client', embedding: values },
      }),
    (r) => (r as { ack?: unknown }).ack !== undefined,
  );
  client.close();
  return acked;
}

/**
 * bench's driver, offered more than it can send, so its figure is its own limit.
 * Measured from the run's origin to its end: worker start-up and connecting excluded.
 */
async function benchDriver(address: string, sinkPid: number, offeredRate: number): Promise<Figure> {
  const scenario = parseScenario(
    [
      'name: generator',
      `memorySpaces: [${SPACE}]`,
      `dim: ${DIM}`,
      'sessions: 1',
      `sendWindow: ${WINDOW}`,
      'indexAcks: false',
      `phases: [{ name: saturate, duration: ${SECONDS}s, shape: constant, rate: ${Math.round(offeredRate)} }]`,
      'close: { drain: false }',
    ].join('\n'),
    'bench-generator.yaml',
  );
  let cpu = process.cpuUsage();
  let sinkCpu = processCpuSeconds(sinkPid);
  const results = await runBench({
    scenario,
    target: address,
    workers: 0,
    onStart: () => {
      cpu = process.cpuUsage();
      sinkCpu = processCpuSeconds(sinkPid);
    },
  });
  const used = process.cpuUsage(cpu);
  const seconds = results.durationMs / 1000;
  // Seconds 1 .. SECONDS-1 of the series: whole seconds of the schedule after the first.
  const steady = results.series.filter((p) => p.second >= 1 && p.second < SECONDS);
  return {
    name: "bench's driver (runBench)",
    messages: results.counters.accepted ?? 0,
    seconds,
    steadyRate: steady.reduce((n, p) => n + p.accepted, 0) / (SECONDS - 1),
    cpuPercent: ((used.user + used.system) / 1e6 / seconds) * 100,
    sinkCpuPercent: ((processCpuSeconds(sinkPid) - sinkCpu) / seconds) * 100,
  };
}

const sink = await forkAckSink(DIM);
try {
  const embedding = new EmbeddingSource(DIM, { kind: 'random', seed: 1 }, 0).next();
  // Unmeasured rounds first, so that neither the sink nor any client is measured cold.
  const bareWarm = await bare(sink.address, embedding);
  await plain(sink.address, embedding);
  await benchDriver(sink.address, sink.pid, (bareWarm.all / SECONDS) * 1.5);
  const bareFigure = await measured('bare pre-encoded grpc-js client', sink.pid, () =>
    bare(sink.address, embedding),
  );
  const plainFigure = await measured('plain proto-loader client', sink.pid, () =>
    plain(sink.address, embedding),
  );
  const benchFigure = await benchDriver(sink.address, sink.pid, bareFigure.steadyRate * 1.5);
  const line = (f: Figure) =>
    `${f.name.padEnd(34)} ${f.steadyRate.toFixed(0).padStart(7)} msgs/s steady ` +
    `(${rate(f).toFixed(0)} whole run)   CPU ${f.cpuPercent.toFixed(0).padStart(3)}%   ` +
    `${(f.cpuPercent / (rate(f) / 10_000)).toFixed(1).padStart(6)}% CPU per 10k msgs/s   sink CPU ${f.sinkCpuPercent.toFixed(0)}%`;
  process.stdout.write(
    [
      `engram-stream generator benchmark: ${DIM}-d, one stream, ${WINDOW} in flight, ${SECONDS} s each (warm), ack-only sink in its own process`,
      line(bareFigure),
      line(plainFigure),
      line(benchFigure),
      `bench / bare:  ${(benchFigure.steadyRate / bareFigure.steadyRate).toFixed(2)} steady, ` +
        `${(rate(benchFigure) / rate(bareFigure)).toFixed(2)} whole run (target >= 0.9)`,
      `bench / plain: ${(benchFigure.steadyRate / plainFigure.steadyRate).toFixed(2)} steady, ` +
        `${(rate(benchFigure) / rate(plainFigure)).toFixed(2)} whole run (target >= 1.8)`,
      '',
    ].join('\n'),
  );
} finally {
  sink.stop();
}
