// `npm run bench:serve`: the reference server's performance figures from one run
// on this machine (issue 2). Runs with tsx after `npm run build`: the server is the
// built CLI in a child process, as users run it.
//   1. raw hnswlib-node insert rate (same dim, M, efConstruction, size, workers)
//   2. end-to-end indexed observations/s (flood, INDEXED covering the last one); ratio to 1
//   3. P99 staleness at 70% of that rate (ACCEPTED ack to covering INDEXED ack)
//   4. P99 ack latency at 1,000 observations/s
import { availableParallelism, loadavg } from 'node:os';
import { startEmbeddedServer } from '../src/endpoint/embedded-server.js';
import { emptyEpisode } from '../src/protocol/messages.js';
import { encodeEpisode } from '../src/protocol/observation-codec.js';
import { makeEngramClient } from '../src/protocol/service-definition.js';
import type { HistogramSummary } from '../src/stats/histogram.js';
import { BenchStream, type StreamFigures } from './bench-serve/bench-stream.js';
import { rawInsertRate } from './bench-serve/raw-hnsw-rate.js';
import { cpuDelta, threadCpu } from './bench-serve/thread-cpu.js';

const dim = Number(process.env.BENCH_DIM ?? 768);
const m = 16;
const efConstruction = 100;
const workers = Number(process.env.BENCH_WORKERS ?? Math.max(1, availableParallelism() - 1));
const size = Number(process.env.BENCH_SIZE ?? 5000);
const pacedSeconds = Number(process.env.BENCH_SECONDS ?? 8);

function randomEpisodes(count: number, seed: number): Uint8Array[] {
  let x = seed;
  const rand = () => {
    x = (x ^ (x << 13)) >>> 0;
    x = (x ^ (x >>> 17)) >>> 0;
    x = (x ^ (x << 5)) >>> 0;
    return (x / 4294967296) * 2 - 1;
  };
  return Array.from({ length: count }, (_, i) =>
    encodeEpisode({
      ...emptyEpisode(),
      id: `bench-${seed}-${i}`,
      what: 'benchmark observation',
      embedding: Float32Array.from({ length: dim }, rand),
    }),
  );
}

function ms(us: number): string {
  return `${(us / 1000).toFixed(2)} ms`;
}

function latencyLine(h: HistogramSummary): string {
  return `P50 ${ms(h.p50)}  P99 ${ms(h.p99)}  P99.9 ${ms(h.p999)}  max ${ms(h.max)}  (n=${h.count})`;
}

function verdict(ok: boolean): string {
  return ok ? 'MET' : 'MISSED';
}

interface PhaseResult {
  figures: StreamFigures;
  /** CPU seconds of the server's busiest thread (the index worker under load). */
  indexThreadCpu: number;
}

async function phase(
  label: string,
  run: (stream: BenchStream) => Promise<StreamFigures>,
  client: ReturnType<typeof makeEngramClient>,
  serverPid: number,
  seed: number,
): Promise<PhaseResult> {
  const stream = new BenchStream(client, `bench_${label}`, `bench-${label}`, randomEpisodes(size, seed));
  await stream.init();
  const serverBefore = threadCpu(serverPid);
  const clientBefore = process.cpuUsage();
  const figures = await run(stream);
  const server = cpuDelta(serverBefore, threadCpu(serverPid));
  const clientCpu = process.cpuUsage(clientBefore);
  const seconds = figures.elapsedMs / 1000;
  console.log(
    `  [${label}] ${seconds.toFixed(1)} s (sending ${(figures.sendMs / 1000).toFixed(1)} s); ` +
      `CPU server ${server.total.toFixed(1)} s (busiest thread ${server.busiest.toFixed(1)} s), ` +
      `client ${((clientCpu.user + clientCpu.system) / 1e6).toFixed(1)} s; ` +
      `accepted ${figures.accepted}, rejected ${figures.rejected}`,
  );
  return { figures, indexThreadCpu: server.busiest };
}

console.log(
  `engram-stream serve benchmark: dim ${dim}, M ${m}, efConstruction ${efConstruction}, ` +
    `${workers} index worker(s), ${size} elements per space; ${availableParallelism()} cores, ` +
    `load average ${loadavg()[0]?.toFixed(1)}`,
);

const rawRun = await rawInsertRate({ dim, m, efConstruction, count: size, workers, seed: 7 });
const raw = rawRun.perSecond;
/** Points per CPU second of one insert thread: the rate with a whole core. */
const rawPerCore = rawRun.perWorker / rawRun.busiestThreadCpu;
console.log(
  `  [raw] hnswlib-node addPoint in ${workers} thread(s): ${raw.toFixed(0)} points/s; ` +
    `${rawPerCore.toFixed(0)} points per CPU second of a thread`,
);

const server = await startEmbeddedServer({
  args: [
    '--dim',
    String(dim),
    '--m',
    String(m),
    '--ef-construction',
    String(efConstruction),
    '--index-workers',
    String(workers),
    '--queue-capacity',
    String(size * 2),
    '--max-message-bytes',
    String(16 * 1024 * 1024),
  ],
});
const pid = server.process.pid as number;
const client = makeEngramClient(server.address);
try {
  const floodPhase = await phase('sustained', (s) => s.flood(size), client, pid, 11);
  const flood = floodPhase.figures;
  const sustained = (flood.accepted * 1000) / flood.elapsedMs;
  const ratio = sustained / raw;
  const rate70 = Math.round(sustained * 0.7);
  const stale = (await phase('staleness', (s) => s.paced(rate70, pacedSeconds), client, pid, 13)).figures;
  const acks = (await phase('acks', (s) => s.paced(1000, Math.min(pacedSeconds, 5)), client, pid, 17))
    .figures;

  console.log('');
  console.log(`raw hnswlib-node insert rate            ${raw.toFixed(0)} obs/s`);
  console.log(
    `end-to-end indexed (flood)               ${sustained.toFixed(0)} obs/s  ratio ${ratio.toFixed(2)}  ` +
      `target >= 0.85: ${verdict(ratio >= 0.85)}`,
  );
  console.log(
    `staleness at 70% (${rate70} obs/s)      ${latencyLine(stale.staleness)}  ` +
      `target P99 < 50 ms: ${verdict(stale.staleness.p99 < 50_000)}`,
  );
  console.log(
    `ack latency at 1000 obs/s, ${dim}-d      ${latencyLine(acks.ackLatency)}  ` +
      `target P99 < 2 ms: ${verdict(acks.ackLatency.p99 < 2000)}`,
  );
  // On a shared machine the wall-clock ratio also measures how much CPU each side got;
  // per CPU second of the insert thread, it measures only what the server adds.
  const e2ePerCore = flood.accepted / workers / floodPhase.indexThreadCpu;
  console.log(
    `  per CPU second of an insert thread: server ${e2ePerCore.toFixed(0)} obs, raw ${rawPerCore.toFixed(0)}: ` +
      `ratio ${(e2ePerCore / rawPerCore).toFixed(2)}; the server's insert thread had ` +
      `${((floodPhase.indexThreadCpu / (flood.elapsedMs / 1000)) * 100).toFixed(0)}% of a core during the flood`,
  );
  console.log(`  (from intended send times)           ${latencyLine(acks.ackLatencyFromIntended)}`);
  console.log(`  staleness while pacing 1000 obs/s     ${latencyLine(acks.staleness)}`);
} finally {
  client.close();
  await server.stop();
}
