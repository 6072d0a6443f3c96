// A recall flood for bench:serve: `concurrency` RecallStream calls (k nearest of a
// random cue) always outstanding for `seconds`, through the protocol's one recall call.
// It runs in a process of its own (recallFloodInChild), so that encoding recalls does not
// delay the bench's own event loop, which timestamps the acks of the stream it measures.
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { RecallRecorder } from '../../src/protocol/recall-recorder.js';
import { runClock } from '../../src/protocol/run-clock.js';
import { makeEngramClient } from '../../src/protocol/service-definition.js';
import { grpcStreamClient } from '../../src/protocol/stream-client.js';
import { type HistogramSummary, newHistogram, recordMs, summarize } from '../../src/stats/histogram.js';
import { seededRandom } from '../../src/util/seeded-random.js';

export interface RecallFloodOptions {
  address: string;
  space: string;
  dim: number;
  k: number;
  concurrency: number;
  seconds: number;
  seed: number;
}

export interface RecallFigures {
  latency: HistogramSummary;
  perSecond: number;
  /** Calls that failed or found fewer than k. */
  failed: number;
}

export async function recallFlood(o: RecallFloodOptions): Promise<RecallFigures> {
  const client = makeEngramClient(o.address);
  const rand = seededRandom(o.seed);
  const cues = Array.from({ length: 64 }, () => Float32Array.from({ length: o.dim }, () => rand() * 2 - 1));
  const recorder = new RecallRecorder({
    streams: grpcStreamClient(client),
    sink: () => {},
    clock: runClock(),
  });
  const latency = newHistogram();
  const started = performance.now();
  const until = started + o.seconds * 1000;
  let answered = 0;
  let failed = 0;
  let next = 0;
  const loop = async () => {
    while (performance.now() < until) {
      const cue = cues[next++ % cues.length] as Float32Array;
      const sent = performance.now();
      const answer = await recorder.recall(o.space, cue, o.k);
      recordMs(latency, performance.now() - sent);
      if (answer.code === 0 && answer.results.length === o.k) answered++;
      else failed++;
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, loop));
  const perSecond = (answered * 1000) / (performance.now() - started);
  client.close();
  return { latency: summarize(latency), perSecond, failed };
}

const CHILD = fileURLToPath(new URL('./recall-flood-child.ts', import.meta.url));

/** The flood in a child process (tsx), its figures read from the one JSON line it prints. */
export function recallFloodInChild(o: RecallFloodOptions): Promise<RecallFigures> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(o)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out) as RecallFigures)
        : reject(new Error(`recall flood exited ${code}`)),
    );
  });
}
