// `npm run bench:serve`: the reference server's performance figures from one run
// on this machine (issue 2). Runs with tsx after `npm run build`: the server is the
// built CLI in a child process, as users run it.
//   1. raw hnswlib-node insert rate (same dim, M, efConstruction, size, workers)
//   2. end-to-end indexed observations/s (flood, INDEXED covering the last one); ratio to 1
//   3. P99 staleness at 70% of that rate (ACCEPTED ack to covering INDEXED ack)
//   4. P99 ack latency at 1,000 observations/s
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { emptyEpisode } from '../src/protocol/messages.js';
import { encodeEpisode } from '../src/protocol/observation-codec.js';
import { makeEngramClient } from '../src/protocol/service-definition.js';
import type { HistogramSummary } from '../src/stats/histogram.js';
import { startEmbeddedServer } from '../src/target/embedded-server.js';
import { BenchStream, type StreamFigures } from './bench-serve/bench-stream.js';
import { rawInsertRate } from './bench-serve/raw-hnsw-rate.js';

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

/** CPU seconds (user + system) of a process, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
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

async function phase(
  label: string,
  run: (stream: BenchStream) => Promise<StreamFigures>,
  client: ReturnType<typeof makeEngramClient>,
  serverPid: number,
  seed: number,
): Promise<StreamFigures> {
  const stream = new BenchStream(client, `bench_${label}`, `bench-${label}`, randomEpisodes(size, seed));
  await stream.init();
  const cpuBefore = cpuSeconds(serverPid);
  const clientBefore = process.cpuUsage();
  const figures = await run(stream);
  const clientCpu = process.cpuUsage(clientBefore);
  const seconds = figures.elapsedMs / 1000;
  console.log(
    `  [${label}] ${seconds.toFixed(1)} s (sending ${(figures.sendMs / 1000).toFixed(1)} s); CPU server ${(cpuSeconds(serverPid) - cpuBefore).toFixed(1)} s, ` +
      `client ${((clientCpu.user + clientCpu.system) / 1e6).toFixed(1)} s; ` +
      `accepted ${figures.accepted}, rejected ${figures.rejected}`,
  );
  return figures;
}

console.log(
  `engram-stream serve benchmark: dim ${dim}, M ${m}, efConstruction ${efConstruction}, ` +
    `${workers} index worker(s), ${size} elements per space; ${availableParallelism()} cores, ` +
    `load average ${loadavg()[0]?.toFixed(1)}`,
);

const raw = await rawInsertRate({ dim, m, efConstruction, count: size, workers, seed: 7 });
console.log(`  [raw] hnswlib-node addPoint in ${workers} thread(s): ${raw.toFixed(0)} points/s`);

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
  const flood = await phase('sustained', (s) => s.flood(size), client, pid, 11);
  const sustained = (flood.accepted * 1000) / flood.elapsedMs;
  const ratio = sustained / raw;
  const rate70 = Math.round(sustained * 0.7);
  const stale = await phase('staleness', (s) => s.paced(rate70, pacedSeconds), client, pid, 13);
  const acks = await phase('acks', (s) => s.paced(1000, Math.min(pacedSeconds, 5)), client, pid, 17);

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
  console.log(`  (from intended send times)           ${latencyLine(acks.ackLatencyFromIntended)}`);
  console.log(`  staleness while pacing 1000 obs/s     ${latencyLine(acks.staleness)}`);
} finally {
  client.close();
  await server.stop();
}
