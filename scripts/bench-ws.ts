// `npm run bench:ws`: messages/s and ack latency per transport, side by side in one run
// against the embedded server (the built CLI in a child process, as users run it): gRPC,
// WebSocket proto and WebSocket JSON, at 768-d and 64-d, with the generator's own CPU
// per 10k messages/s. Each run streams BENCH_WS_COUNT observations on one session through
// RecordedStream (the client path bench and conform use) with BENCH_WS_WINDOW in flight.
// The server's queue is large enough that admission never refuses: these are transport
// figures, not index figures.
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { startEmbeddedServer } from '../src/endpoint/embedded-server.js';
import { connectTarget } from '../src/endpoint/stream-target.js';
import { AckStatus, emptyEpisode } from '../src/protocol/messages.js';
import { encodeEpisode } from '../src/protocol/observation-codec.js';
import { RecordedStream } from '../src/protocol/recorded-stream.js';
import { runClock } from '../src/protocol/run-clock.js';
import { newHistogram, recordMs, summarize } from '../src/stats/histogram.js';

const COUNT = Number(process.env.BENCH_WS_COUNT ?? 20_000);
const WINDOW = Number(process.env.BENCH_WS_WINDOW ?? 256);
const DIMS = (process.env.BENCH_WS_DIMS ?? '768,64').split(',').map(Number);
const POOL = 256;

interface Figures {
  label: string;
  dim: number;
  perSecond: number;
  p50: number;
  p99: number;
  cpuPer10k: number;
}

function episodes(dim: number): Array<{ id: string; bytes: Uint8Array }> {
  let x = 2463534242;
  const rand = () => {
    x = (x ^ (x << 13)) >>> 0;
    x = (x ^ (x >>> 17)) >>> 0;
    x = (x ^ (x << 5)) >>> 0;
    return (x / 4294967296) * 2 - 1;
  };
  return Array.from({ length: POOL }, (_, i) => {
    const e = {
      ...emptyEpisode(),
      id: `ws-bench-${i}`,
      what: 'benchmark observation',
      embedding: Float32Array.from({ length: dim }, rand),
    };
    return { id: e.id, bytes: encodeEpisode(e) };
  });
}

async function run(
  label: string,
  target: string,
  wsDialect: string | undefined,
  dim: number,
): Promise<Figures> {
  const streams = connectTarget({ target, ...(wsDialect ? { wsDialect } : {}) });
  const clock = runClock();
  const sentAt = new Map<bigint, number>();
  const latency = newHistogram();
  let acked = 0;
  let next = 1;
  const pool = episodes(dim);
  let resolveDone: () => void = () => {};
  const done = new Promise<void>((r) => {
    resolveDone = r;
  });
  let pump: () => void = () => {};
  const rs = RecordedStream.over(streams.openObserve(), {
    stream: 1,
    session: label,
    sink: () => {},
    clock,
    onResponse: (r, t) => {
      if (r.result?.case !== 'ack' || r.result.ack.status === AckStatus.INDEXED) return;
      if (r.result.ack.status !== AckStatus.ACCEPTED) throw new Error(`${label}: ${r.result.ack.detail}`);
      recordMs(latency, t - (sentAt.get(r.sequenceNumber) ?? t));
      sentAt.delete(r.sequenceNumber);
      if (++acked === COUNT) resolveDone();
      else pump();
    },
  });
  rs.init({ memorySpaceId: `ws_bench_${dim}`, sessionId: `${label}-${dim}`.replace(/[^a-z0-9-]/gi, '-') });
  await rs.initAck(10_000);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  pump = () => {
    while (next <= COUNT && next - acked <= WINDOW) {
      const seq = BigInt(next);
      sentAt.set(seq, clock.now());
      rs.send(seq, pool[next % POOL] as { id: string; bytes: Uint8Array });
      next++;
    }
  };
  pump();
  await done;
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  rs.close(false, BigInt(COUNT));
  rs.halfClose();
  await rs.ended;
  streams.close();
  const perSecond = COUNT / seconds;
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const s = summarize(latency);
  return {
    label,
    dim,
    perSecond,
    p50: s.p50 / 1000,
    p99: s.p99 / 1000,
    cpuPer10k: (cpuSeconds / seconds) * (10_000 / perSecond),
  };
}

const rows: Figures[] = [];
for (const dim of DIMS) {
  const server = await startEmbeddedServer({
    args: [
      '--dim',
      String(dim),
      '--http-port',
      '0',
      '--index-workers',
      '1',
      '--queue-capacity',
      String(COUNT * 4),
      '--max-elements',
      String(COUNT * 4),
    ],
  });
  try {
    const ws = `ws://${server.httpAddress}/v1/stream`;
    rows.push(await run('gRPC', server.address, undefined, dim));
    rows.push(await run('WebSocket proto', ws, 'proto', dim));
    rows.push(await run('WebSocket JSON', ws, 'json', dim));
  } finally {
    await server.stop();
  }
}

console.log(
  `bench:ws — ${COUNT} observations per run, window ${WINDOW}, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
console.log('| transport | dim | messages/s | ack P50 (ms) | ack P99 (ms) | generator CPU per 10k msg/s |');
console.log('| --- | --: | --: | --: | --: | --: |');
for (const r of rows) {
  console.log(
    `| ${r.label} | ${r.dim} | ${Math.round(r.perSecond).toLocaleString('en')} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${(r.cpuPer10k * 100).toFixed(0)}% of a core |`,
  );
}
for (const dim of DIMS) {
  const grpc = rows.find((r) => r.dim === dim && r.label === 'gRPC');
  const proto = rows.find((r) => r.dim === dim && r.label === 'WebSocket proto');
  if (grpc && proto)
    console.log(
      `${dim}-d: WebSocket proto / gRPC throughput = ${(proto.perSecond / grpc.perSecond).toFixed(2)}`,
    );
}
