// `npm run bench:serve`: the reference server's performance figures on this machine.
// Runs with tsx after `npm run build`: each server is the built CLI in a child process,
// as users run it. Every figure is measured BENCH_REPS times (default 3) in this one
// invocation, the configurations taking turns within each round so that a change in the
// machine's load falls on all of them; printed are the median, the spread and the load
// average of each run. Configurations (same dim, M, efConstruction, size):
//   A  1 index worker at --index-nice 10 (the default on 2 cores): every figure
//   B  1 index worker at --index-nice 0: what the lower worker priority does
//   C  2 index workers at --index-nice 10: what a second worker does on 2 cores
// Figures: raw hnswlib-node insert rate (1 and 2 threads) and end-to-end indexed rate
// (flood) with their ratio; staleness (ACCEPTED ack to covering INDEXED ack) at 70% and
// 90% of the sustained rate; ack latency at 1,000/s and at 70%; recall (k = 10) latency
// and rate alone and while ingesting at 70%, and ack latency during that recall flood.
import { loadavg } from 'node:os';
import { type EmbeddedServer, startEmbeddedServer } from '../src/endpoint/embedded-server.js';
import { emptyEpisode } from '../src/protocol/messages.js';
import { encodeEpisode } from '../src/protocol/observation-codec.js';
import { type EngramClient, makeEngramClient } from '../src/protocol/service-definition.js';
import { seededRandom } from '../src/util/seeded-random.js';
import { freePort } from '../test/support/free-port.js';
import { batchWork, sharesBetween } from './bench-serve/batch-work.js';
import { BenchStream, type StreamFigures } from './bench-serve/bench-stream.js';
import { rawInsertRate } from './bench-serve/raw-hnsw-rate.js';
import { recallFloodInChild } from './bench-serve/recall-load.js';
import { type FigureSpec, RepeatedFigures } from './bench-serve/repeated-figures.js';
import { cpuDelta, threadCpu, threadNice } from './bench-serve/thread-cpu.js';

const dim = Number(process.env.BENCH_DIM ?? 768);
const m = 16;
const efConstruction = 100;
const size = Number(process.env.BENCH_SIZE ?? 5000);
const pacedSeconds = Number(process.env.BENCH_SECONDS ?? 6);
const reps = Number(process.env.BENCH_REPS ?? 3);
const RECALL_K = 10;
const RECALL_CONCURRENCY = 4;

function vector(rand: () => number): Float32Array {
  return Float32Array.from({ length: dim }, () => rand() * 2 - 1);
}

function randomEpisodes(count: number, seed: number): Uint8Array[] {
  const rand = seededRandom(seed);
  return Array.from({ length: count }, (_, i) =>
    encodeEpisode({
      ...emptyEpisode(),
      id: `bench-${seed}-${i}`,
      what: 'benchmark observation',
      embedding: vector(rand),
    }),
  );
}

interface Config {
  name: string;
  workers: number;
  nice: number;
  metricsPort?: number;
  server?: EmbeddedServer;
  client?: EngramClient;
}

const configs: Config[] = [
  { name: 'A', workers: 1, nice: 10 },
  { name: 'B', workers: 1, nice: 0 },
  { name: 'C', workers: 2, nice: 10 },
];
const figures = new RepeatedFigures();
let seed = 100;

function fig(label: string, unit: string, value: number, goal?: FigureSpec['goal'], digits = 1): void {
  figures.add({ label, unit, goal, digits }, value);
}

/** One stream in a space of its own, run to the end; logs its CPU use and outcome counts. */
async function phase(
  c: Config,
  label: string,
  run: (stream: BenchStream) => Promise<StreamFigures>,
): Promise<StreamFigures & { indexThreadCpu: number; space: string }> {
  const pid = c.server?.process.pid as number;
  const name = `${label}_${seed}`;
  const space = `bench_${name}`;
  const stream = new BenchStream(
    c.client as EngramClient,
    space,
    `bench-${name}`,
    randomEpisodes(size, seed++),
  );
  await stream.init();
  const serverBefore = threadCpu(pid);
  const figs = await run(stream);
  const server = cpuDelta(serverBefore, threadCpu(pid));
  console.log(
    `  [${c.name} ${label}] ${(figs.elapsedMs / 1000).toFixed(1)} s; CPU server ${server.total.toFixed(1)} s ` +
      `(busiest thread ${server.busiest.toFixed(1)} s); accepted ${figs.accepted}, rejected ${figs.rejected}; ` +
      `load ${loadavg()[0]?.toFixed(1)}`,
  );
  return { ...figs, indexThreadCpu: server.busiest, space };
}

const ms = (us: number) => us / 1000;

async function round(rep: number): Promise<void> {
  console.log(`round ${rep} of ${reps}`);
  const raw = new Map<number, RawFigures>();
  for (const workers of [1, 2]) {
    const r = await rawInsertRate({ dim, m, efConstruction, count: size, workers, seed: 7 + rep });
    raw.set(workers, { perSecond: r.perSecond, perCore: r.perWorker / r.busiestThreadCpu });
    fig(`raw hnswlib-node insert, ${workers} thread(s)`, 'obs/s', r.perSecond, undefined, 0);
  }
  const ackAt1000 = new Map<string, number>();
  const sustainedOf = new Map<string, number>();
  for (const c of configs) {
    await measure(c, rep, raw.get(c.workers) as RawFigures, ackAt1000, sustainedOf);
  }
  // Side by side in the same round: ratios are what a noisy machine still tells.
  fig(
    'ack P99 at 1000/s, nice 0 / nice 10 (B / A)',
    '',
    (ackAt1000.get('B') ?? 0) / (ackAt1000.get('A') ?? 1),
    undefined,
    2,
  );
  fig(
    'end-to-end rate, 2 workers / 1 (C / A)',
    '',
    (sustainedOf.get('C') ?? 0) / (sustainedOf.get('A') ?? 1),
    undefined,
    2,
  );
  fig(
    'end-to-end rate, nice 0 / nice 10 (B / A)',
    '',
    (sustainedOf.get('B') ?? 0) / (sustainedOf.get('A') ?? 1),
    undefined,
    2,
  );
}

interface RawFigures {
  perSecond: number;
  perCore: number;
}

/** One configuration's phases in one round. */
async function measure(
  c: Config,
  rep: number,
  r: RawFigures,
  ackAt1000: Map<string, number>,
  sustainedOf: Map<string, number>,
): Promise<void> {
  const flood = await phase(c, 'flood', (s) => s.flood(size));
  const sustained = (flood.accepted * 1000) / flood.elapsedMs;
  sustainedOf.set(c.name, sustained);
  fig(`${c.name}: end-to-end indexed (flood)`, 'obs/s', sustained, undefined, 0);
  fig(
    `${c.name}: end-to-end / raw (same round, ${c.workers} thread(s))`,
    '',
    sustained / r.perSecond,
    { atLeast: 0.9 },
    2,
  );
  const perCore = flood.accepted / c.workers / flood.indexThreadCpu;
  fig(
    `${c.name}: per CPU second of the insert thread, end-to-end / raw`,
    '',
    perCore / r.perCore,
    undefined,
    2,
  );

  const rate70 = Math.round(sustained * 0.7);
  const workBefore = await batchWork(c.metricsPort as number);
  const at70 = await phase(c, 'p70', (s) => s.paced(rate70, pacedSeconds));
  const work = sharesBetween(workBefore, await batchWork(c.metricsPort as number));
  fig(`${c.name}: batches at 70% whose insert took <= 25 ms`, '%', work.budget);
  fig(`${c.name}: batches at 70% whose insert took <= 100 ms`, '%', work.bound);
  fig(`${c.name}: staleness P99 at 70%`, 'ms', ms(at70.staleness.p99), { below: 25 });
  fig(`${c.name}: staleness P50 at 70%`, 'ms', ms(at70.staleness.p50), undefined, 2);
  fig(`${c.name}: ack P99 at 70%`, 'ms', ms(at70.ackLatency.p99), { below: 5 }, 2);
  if (c.name === 'C') return;

  const at1000 = await phase(c, 'ack1000', (s) => s.paced(1000, pacedSeconds));
  fig(`${c.name}: ack P99 at 1000/s`, 'ms', ms(at1000.ackLatency.p99), { below: 2 }, 2);
  fig(`${c.name}: ack P50 at 1000/s`, 'ms', ms(at1000.ackLatency.p50), undefined, 2);
  fig(`${c.name}: ack P99.9 at 1000/s`, 'ms', ms(at1000.ackLatency.p999), undefined, 2);
  ackAt1000.set(c.name, ms(at1000.ackLatency.p99));
  if (c.name === 'B') return;

  const at90 = await phase(c, 'p90', (s) => s.paced(Math.round(sustained * 0.9), pacedSeconds));
  fig(`${c.name}: staleness P99 at 90%`, 'ms', ms(at90.staleness.p99), { below: 100 });

  // Recall against the flood's space (static, `size` elements): alone, then while another
  // space of the same worker ingests at 70%. The flood runs in a process of its own.
  const o = {
    address: c.server?.address as string,
    space: flood.space,
    dim,
    k: RECALL_K,
    concurrency: RECALL_CONCURRENCY,
    seconds: Math.min(4, pacedSeconds),
    seed: rep,
  };
  const alone = await recallFloodInChild(o);
  fig(`${c.name}: recall k=10 P50, no writes`, 'ms', ms(alone.latency.p50), undefined, 2);
  fig(`${c.name}: recall k=10 P99, no writes`, 'ms', ms(alone.latency.p99), undefined, 2);
  fig(`${c.name}: recall k=10 rate, no writes`, 'recalls/s', alone.perSecond, undefined, 0);
  const [busy, under] = await Promise.all([
    recallFloodInChild({ ...o, seconds: pacedSeconds }),
    phase(c, 'p70recall', (s) => s.paced(rate70, pacedSeconds)),
  ]);
  fig(`${c.name}: recall k=10 P50, ingesting at 70%`, 'ms', ms(busy.latency.p50), undefined, 2);
  fig(`${c.name}: recall k=10 P99, ingesting at 70%`, 'ms', ms(busy.latency.p99), undefined, 2);
  fig(`${c.name}: recall k=10 rate, ingesting at 70%`, 'recalls/s', busy.perSecond, undefined, 0);
  fig(`${c.name}: ack P99 at 70% during the recall flood`, 'ms', ms(under.ackLatency.p99), { below: 5 }, 2);
  fig(`${c.name}: staleness P99 at 70% during the recall flood`, 'ms', ms(under.staleness.p99));
  if (alone.failed + busy.failed > 0)
    console.log(`  recalls without ${RECALL_K} results: ${alone.failed + busy.failed}`);
}

console.log(
  `engram-stream serve benchmark: dim ${dim}, M ${m}, efConstruction ${efConstruction}, ${size} elements per ` +
    `space, ${reps} rounds; configurations ${configs.map((c) => `${c.name} = ${c.workers} worker(s) at nice ${c.nice}`).join(', ')}; ` +
    `load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
);
try {
  for (const c of configs) {
    c.metricsPort = await freePort();
    c.server = await startEmbeddedServer({
      args: [
        ...['--metrics-port', String(c.metricsPort)],
        ...['--dim', String(dim), '--m', String(m), '--ef-construction', String(efConstruction)],
        ...['--index-workers', String(c.workers), '--index-nice', String(c.nice)],
        ...['--queue-capacity', String(size * 2), '--max-message-bytes', String(16 * 1024 * 1024)],
      ],
    });
    c.client = makeEngramClient(c.server.address);
  }
  for (let rep = 1; rep <= reps; rep++) await round(rep);
  console.log('');
  for (const c of configs) {
    const nices = [...threadNice(c.server?.process.pid as number).values()];
    const counts = [...new Set(nices)]
      .sort()
      .map((n) => `${n}: ${nices.filter((x) => x === n).length} thread(s)`);
    console.log(`${c.name}: server threads by nice value (/proc/<pid>/task/*/stat): ${counts.join(', ')}`);
  }
  console.log('| Figure | Median | Spread | Load average (1 min) per run | Goal |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const line of figures.lines()) console.log(line);
} finally {
  for (const c of configs) {
    c.client?.close();
    await c.server?.stop();
  }
}
