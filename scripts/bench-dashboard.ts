// `npm run bench:dashboard`: does serving the dashboard disturb the measurement? The same
// scenario runs twice, one after the other, against the embedded server: without a
// dashboard, then with `--dashboard 0` and 20 viewers reading every event (Server-Sent
// Events clients in this process, parsed with eventsource-parser, as a browser would
// receive them). Prints the generator's self-monitoring of both runs (event-loop delay
// p99/max, CPU, late-send share, bottleneck or not) and what the viewers received.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createParser } from 'eventsource-parser';
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

async function run(dashboard: boolean): Promise<{ results: BenchResults; viewers: Viewer[] }> {
  const json = join(dir, `${dashboard ? 'watched' : 'plain'}.json`);
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

const before = loadavg()[0] ?? 0;
const plain = await run(false);
const watched = await run(true);
console.log(
  `${SECONDS} s at 400/s, 4 sessions, 64-d; load average before: ${before.toFixed(2)}, after: ${(loadavg()[0] ?? 0).toFixed(2)}`,
);
console.log(
  `${'run'.padEnd(26)} ${'lag p99'.padStart(9)} ${'lag max'.padStart(9)} ${'CPU'.padStart(6)} ${'late'.padStart(9)} ${'health'.padStart(6)}  verdict`,
);
console.log(line('no dashboard', plain.results));
console.log(line(`dashboard, ${VIEWERS} viewers`, watched.results));
const events = watched.viewers.map((v) => v.events).sort((a, b) => a - b);
const kb = watched.viewers.map((v) => v.bytes / 1024).sort((a, b) => a - b);
console.log(
  `viewers: events received min/median/max ${events[0]}/${events[Math.floor(events.length / 2)]}/${events.at(-1)}, KiB per viewer median ${kb[Math.floor(kb.length / 2)]?.toFixed(0)}`,
);
