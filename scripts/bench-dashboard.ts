// `npm run bench:dashboard`: does serving the dashboard disturb the measurement? The same
// scenario runs in pairs (PAIRS, default 3), against the embedded server: without a
// dashboard, and with `--dashboard 0` and 20 viewers reading every event (Server-Sent
// Events clients in this process, parsed with eventsource-parser, as a browser would
// receive them). Prints the generator's self-monitoring of both runs (event-loop delay
// p99/max, CPU, late-send share, bottleneck or not), medians, and what the viewers received.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createParser } from 'eventsource-parser';
import { drawOverTime, type OverTimePoint } from '../src/report/html/bench-charts.js';
import { MAX_POINTS } from '../src/report/live/live-series.js';
import type { BenchResults } from '../src/results/results.js';

const VIEWERS = 20;
const SECONDS = Number(process.env.SECONDS ?? 30);
const dir = mkdtempSync(join(tmpdir(), 'bench-dashboard-'));
const scenario = join(dir, 'dashboard-load.yaml');
writeFileSync(
  scenario,
  `name: dashboard-load
description: ${SECONDS} s at 400/s over 4 sessions, 64-d, watched or not
memorySpaces: [dashboard-load]
dim: 64
embeddings: { kind: random, seed: 5 }
sessions: 4
indexAcks: true
phases:
  - { name: steady, duration: ${SECONDS}s, shape: constant, rate: 400 }
faults:
  - { at: ${Math.round(SECONDS / 2)}s, kind: gap, share: 1, count: 1 }
thresholds:
  - silent_drops == 0
`,
);

interface Viewer {
  events: number;
  bytes: number;
}

function view(url: string): Viewer {
  const v: Viewer = { events: 0, bytes: 0 };
  const parser = createParser({ onEvent: () => v.events++ });
  get(new URL('events', url), (res) => {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      v.bytes += Buffer.byteLength(chunk);
      parser.feed(chunk);
    });
  }).on('error', () => {});
  return v;
}

let runs = 0;
async function run(dashboard: boolean): Promise<{ results: BenchResults; viewers: Viewer[] }> {
  const json = join(dir, `${dashboard ? 'watched' : 'plain'}-${runs++}.json`);
  const args = ['bin/engram-stream.js', 'bench', scenario, '--quiet', '--json', json];
  if (dashboard) args.push('--dashboard', '0');
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const viewers: Viewer[] = [];
  let out = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    out += chunk;
    const m = /^dashboard at (\S+)$/m.exec(out);
    if (m && viewers.length === 0) for (let i = 0; i < VIEWERS; i++) viewers.push(view(m[1] as string));
  });
  await new Promise((r) => child.on('exit', r));
  return { results: JSON.parse(readFileSync(json, 'utf8')) as BenchResults, viewers };
}

function line(name: string, r: BenchResults): string {
  const g = r.generator;
  return `${name.padEnd(26)} ${g.eventLoopLagP99Ms.toFixed(1).padStart(9)} ${g.eventLoopLagMaxMs.toFixed(1).padStart(9)} ${g.cpuPercent.toFixed(0).padStart(5)}% ${(g.lateSendShare * 100).toFixed(2).padStart(8)}% ${String(g.bottleneck ? 'RED' : 'green').padStart(6)}  ${r.verdict}`;
}

const PAIRS = Number(process.env.PAIRS ?? 3);
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2
    ? (s[(s.length - 1) / 2] as number)
    : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};
const before = loadavg()[0] ?? 0;
const plain: BenchResults[] = [];
const watched: BenchResults[] = [];
const viewers: Viewer[] = [];
for (let i = 0; i < PAIRS; i++) {
  // Alternating which goes first, so a drift in the machine's load favours neither.
  for (const dashboard of i % 2 === 0 ? [false, true] : [true, false]) {
    const r = await run(dashboard);
    (dashboard ? watched : plain).push(r.results);
    viewers.push(...r.viewers);
  }
}
console.log(
  `${PAIRS} pairs of ${SECONDS} s at 400/s, 4 sessions, 64-d, order alternating; load average before: ${before.toFixed(2)}, after: ${(loadavg()[0] ?? 0).toFixed(2)}`,
);
console.log(
  `${'run'.padEnd(26)} ${'lag p99'.padStart(9)} ${'lag max'.padStart(9)} ${'CPU'.padStart(6)} ${'late'.padStart(9)} ${'health'.padStart(6)}  verdict`,
);
for (const [i, r] of plain.entries()) console.log(line(`no dashboard #${i + 1}`, r));
for (const [i, r] of watched.entries()) console.log(line(`${VIEWERS} viewers #${i + 1}`, r));
for (const [name, rs] of [
  ['no dashboard', plain],
  [`${VIEWERS} viewers`, watched],
] as const) {
  const g = rs.map((r) => r.generator);
  console.log(
    `median, ${name}: lag p99 ${median(g.map((x) => x.eventLoopLagP99Ms)).toFixed(1)} ms, CPU ${median(g.map((x) => x.cpuPercent)).toFixed(0)}%, late ${(median(g.map((x) => x.lateSendShare)) * 100).toFixed(2)}%, green ${g.filter((x) => !x.bottleneck).length} of ${g.length}`,
  );
}
const events = viewers.map((v) => v.events);
const kb = viewers.map((v) => v.bytes / 1024);
console.log(
  `viewers: events received min/median/max ${Math.min(...events)}/${median(events)}/${Math.max(...events)}, KiB per viewer per run median ${median(kb).toFixed(0)}`,
);

// What one update costs the generator's main thread at the live series' bound (600
// points, as on a run of ten minutes or more): drawn once per second, whatever the viewers.
const points: OverTimePoint[] = Array.from({ length: MAX_POINTS }, (_, second) => ({
  second,
  span: 1,
  offered: 400,
  sent: 400 + (second % 7),
  accepted: 395,
  indexed: 390,
  inFlight: second % 50,
  rejected: (second % 60 === 0 ? { OVERLOADED: 5 } : {}) as Record<string, number>,
  serverState: second % 120 < 10 ? 'BACKPRESSURE' : 'ACTIVE',
  ackLatency: { p50: 2 + (second % 5), p99: 20 + (second % 30), max: 80 + (second % 90) },
  staleness: { p50: 5 + (second % 4), p99: 40 + (second % 25), max: 120 + (second % 70) },
}));
const data = { points, durationS: MAX_POINTS, markers: [], noAckLatency: '', noStaleness: '' };
const times: number[] = [];
let bytes = 0;
for (let i = 0; i < 30; i++) {
  const t = performance.now();
  bytes = JSON.stringify({ charts: drawOverTime(data) }).length;
  times.push(performance.now() - t);
}
console.log(
  `one update at ${MAX_POINTS} points: drawing and JSON median ${median(times).toFixed(1)} ms, ${(bytes / 1024).toFixed(0)} KiB per viewer`,
);
