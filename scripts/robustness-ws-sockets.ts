// `npm run robustness:ws`: server memory with 1,000 WebSockets on /v1/stream, half idle
// and half slow readers that stop reading their acks and keep sending, so the server's
// writes back up until it stops reading them (the per-socket bound of ws-response-writer).
// The server is a child process (--http-port 0); its RSS is sampled while the slow readers
// push, its heap and buffers read after full collections. Figures for docs/reliability.md.
import { availableParallelism, cpus, loadavg } from 'node:os';
import { AckStatus, emptyEpisode } from '../src/protocol/messages.js';
import {
  decodeObservationResponse,
  encodeEpisode,
  encodeObservationFrame,
} from '../src/protocol/observation-codec.js';
import { forkServer, type ServerMemory } from '../test/support/forked-server.js';
import { mib, residentBytes } from '../test/support/process-memory.js';
import { episodeEmbedding } from '../test/support/reliable-sender.js';
import {
  closeFleet,
  openFleet,
  openFleetSocket,
  paddedSessionId,
  pushWhileNotReading,
} from '../test/support/ws-slow-fleet.js';

const SOCKETS = Number(process.env.WS_SOCKETS ?? 1000);
const SLOW = Math.floor(SOCKETS / 2);
const DIM = 8;
const SPACE = 'ws-sockets';
const MAX_PUSH = 20 * 1024 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

const server = await forkServer({ dim: DIM, indexWorkers: 1, httpPort: 0, sessionIdleTimeoutMs: 2000 });
const url = `ws://${server.httpAddress}/v1/stream`;
const rss = () => residentBytes(server.child.pid) ?? Number.NaN;
const loads = [load()];

// Warm-up so the baseline is not a cold process.
await closeFleet(await openFleet(url, SPACE, 50, (i) => paddedSessionId(`warm-${i}`, 2048)));
await sleep(3000);
const base = await server.memory();
const baseRss = rss();

const idle = await openFleet(url, SPACE, SOCKETS - SLOW, (i) => `idle-${i}`);
const slow = await openFleet(url, SPACE, SLOW, (i) => paddedSessionId(`slow-${i}`, 2048));
const opened = await server.memory();
const openedRss = rss();
loads.push(load());

let peakRss = openedRss;
const samples: Array<{ s: number; rss: number }> = [];
const t0 = Date.now();
const sampler = setInterval(() => {
  const r = rss();
  peakRss = Math.max(peakRss, r);
  samples.push({ s: (Date.now() - t0) / 1000, rss: r });
}, 500);
const pushes = await Promise.all(
  slow.map((s) => pushWhileNotReading(s, { space: SPACE, dim: DIM, maxBytes: MAX_PUSH, stallMs: 3000 })),
);
const pushSeconds = (Date.now() - t0) / 1000;
const stalled = await server.memory();
const stalledRss = rss();
// The server may still be working through what its sockets had already received: sample
// every 5 s until its buffers stop growing (within 2%).
let later = stalled;
let laterRss = rss();
const settleBy = Date.now() + 60_000;
do {
  await sleep(5000);
  const prev = later;
  later = await server.memory();
  laterRss = rss();
  if (later.usage.arrayBuffers <= prev.usage.arrayBuffers * 1.02) break;
} while (Date.now() < settleBy);
const settledAfter = (Date.now() - t0) / 1000 - pushSeconds;
clearInterval(sampler);
loads.push(load());

await closeFleet([...idle, ...slow]);
const closedAt = Date.now();
let sessions = Number.NaN;
while (Date.now() - closedAt < 30_000) {
  sessions = (await server.backlog()).sessions;
  if (sessions === 0) break;
  await sleep(200);
}
const after = await server.memory();
const afterRss = rss();

// A fresh client is still served: 20 observations, 20 ACCEPTED acks.
const fresh = await openFleetSocket(url, SPACE, 'fresh');
let accepted = 0;
fresh.ws.on('message', (data: Buffer) => {
  const r = decodeObservationResponse(data).result;
  if (r?.case === 'ack' && r.ack.status === AckStatus.ACCEPTED) accepted++;
});
for (let seq = 1n; seq <= 20n; seq++) {
  const episode = { ...emptyEpisode(), id: `fresh-${seq}`, embedding: episodeEmbedding('fresh', seq, DIM) };
  fresh.ws.send(encodeObservationFrame(SPACE, 'fresh', seq, encodeEpisode(episode)));
}
const freshBy = Date.now() + 30_000;
while (accepted < 20 && Date.now() < freshBy) await sleep(50);
fresh.ws.close();
loads.push(load());
await server.stop();

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const median = (xs: number[]) => sorted(xs)[Math.floor(xs.length / 2)] ?? Number.NaN;
const nStalled = pushes.filter((p) => p.stalled).length;
const pushedMiB = pushes.map((p) => p.pushed / 1048576);
const row = (name: string, m: ServerMemory, r: number) =>
  `| ${name.padEnd(44)} | ${mib(r).padStart(10)} | ${mib(m.usage.heapUsed).padStart(10)} | ${mib(m.usage.arrayBuffers).padStart(10)} |`;
const perSlow = (a: number, b: number) => `${((b - a) / SLOW / 1024).toFixed(0)} KiB`;

console.log(
  `machine: ${cpus()[0]?.model ?? 'unknown'} x${availableParallelism()}, node ${process.version}; ` +
    `load average at start / opened / stalled / end: ${loads.join(' / ')}`,
);
console.log(
  `${SOCKETS} sockets (proto dialect, each init'ed): ${SOCKETS - SLOW} idle, ${SLOW} slow readers ` +
    `(2 KiB session ids, so each ack is as large as its request)`,
);
console.log(
  `slow readers: ${nStalled} of ${SLOW} stalled (the server stopped reading them) after pushing ` +
    `median ${median(pushedMiB).toFixed(1)} MiB, max ${Math.max(...pushedMiB).toFixed(1)} MiB of at most ` +
    `${MAX_PUSH / 1048576} MiB, in ${pushSeconds.toFixed(1)} s; ${pushes.reduce((a, p) => a + p.frames, 0)} frames`,
);
console.log('');
console.log(
  `| ${'server (heap and buffers after full GC)'.padEnd(44)} | ${'RSS'.padStart(10)} | ${'heap used'.padStart(10)} | ${'buffers'.padStart(10)} |`,
);
console.log(`| ${'-'.repeat(44)} | ${'-'.repeat(10)} | ${'-'.repeat(10)} | ${'-'.repeat(10)} |`);
console.log(row('before', base, baseRss));
console.log(row(`${SOCKETS} sockets open, nothing sent`, opened, openedRss));
console.log(row(`${SLOW} slow readers stalled`, stalled, stalledRss));
console.log(row(`settled, ${settledAfter.toFixed(0)} s later`, later, laterRss));
console.log(row(`all closed, sessions expired (${sessions} left)`, after, afterRss));
console.log('');
console.log(
  `RSS peak ${mib(peakRss)}; growth per slow reader once settled: RSS ${perSlow(openedRss, laterRss)}, ` +
    `buffers ${perSlow(opened.usage.arrayBuffers, later.usage.arrayBuffers)} (the writer's bound: 1 MiB of acks waiting to be written)`,
);
console.log(
  `RSS samples (s: MiB): ${samples
    .filter((_, i) => i % 4 === 0)
    .map((x) => `${x.s.toFixed(0)}: ${(x.rss / 1048576).toFixed(0)}`)
    .join(', ')}`,
);
console.log(`fresh client afterwards: ${accepted} of 20 accepted`);
const ok = nStalled === SLOW && sessions === 0 && accepted === 20;
process.exitCode = ok ? 0 : 1;
