// `npm run bench:compare`: the figures behind docs/compare.md, measured with the real
// commands (bench with its embedded server and worker threads, then compare):
//   1. false alarms: PAIRS pairs of runs of one configuration, each pair compared;
//      any REGRESSED between runs that differ only by chance is a false alarm;
//   2. an injected ack delay: bench against an ack-only sink in its own process that
//      holds every ack 0 ms, then DELAY_MS; the measured change of ack latency (p50)
//      next to the delay;
//   3. slow-index: the embedded server with and without --fault slow-index (every batch
//      250 ms late); staleness must regress.
// PAIRS (default 10) and DELAY_MS (default 100) come from the environment.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchComparison } from '../src/judge/compare/comparison.js';
import { forkAckSink } from './ack-sink-server.js';

const PAIRS = Number(process.env.PAIRS ?? 10);
const DELAY_MS = Number(process.env.DELAY_MS ?? 100);
const CLI = fileURLToPath(new URL('../bin/engram-stream.js', import.meta.url));
const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-compare-'));

function scenarioFile(name: string, extra: string[] = []): string {
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    [
      `name: ${name}`,
      'memorySpaces: [compare-noise]',
      'dim: 32',
      'sessions: 2',
      'sendWindow: 256',
      'phases: [{ name: steady, duration: 10s, shape: constant, rate: 200 }]',
      'close: { drain: true }',
      ...extra,
    ].join('\n'),
  );
  return file;
}

function cli(args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [CLI, ...args], { maxBuffer: 16 << 20 }, () => undefined);
    child.on('exit', (code) => resolve(code ?? -1));
  });
}

let runs = 0;
async function bench(scenario: string, extra: string[] = []): Promise<string> {
  const json = path.join(dir, `run-${++runs}.json`);
  const code = await cli(['bench', scenario, '--json', json, '--quiet', ...extra]);
  if (code === 2) throw new Error(`bench ${scenario} failed to run (exit 2)`);
  return json;
}

async function compare(a: string, b: string): Promise<{ code: number; c: BenchComparison }> {
  const json = path.join(dir, `compare-${path.basename(a, '.json')}-${path.basename(b, '.json')}.json`);
  const code = await cli(['compare', a, b, '--json', json]);
  return { code, c: JSON.parse(readFileSync(json, 'utf8')) as BenchComparison };
}

const metric = (c: BenchComparison, name: string) => c.metrics.find((m) => m.metric === name);
const ms = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${v.toFixed(2)} ms`);
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

const started = Date.now();
console.log(`load average at start: ${load()}; ${os.availableParallelism()} cores; results in ${dir}`);

// 1. False alarms.
const noise = scenarioFile('compare-noise');
const verdicts: string[] = [];
const regressedMetrics = new Map<string, number>();
for (let i = 1; i <= PAIRS; i++) {
  const a = await bench(noise);
  const b = await bench(noise);
  const { code, c } = await compare(a, b);
  verdicts.push(c.verdict);
  for (const m of c.metrics.filter((x) => x.verdict === 'REGRESSED')) {
    regressedMetrics.set(m.metric, (regressedMetrics.get(m.metric) ?? 0) + 1);
  }
  const p50 = metric(c, 'ack_latency.p50');
  const st = metric(c, 'staleness.p99');
  console.log(
    `pair ${i}: ${c.verdict} (exit ${code}); ack p50 ${ms(p50?.baseline)} -> ${ms(p50?.current)}; staleness p99 ${ms(st?.baseline)} -> ${ms(st?.current)}; load ${load()}`,
  );
}
const alarms = verdicts.filter((v) => v === 'REGRESSED').length;
const inconclusive = verdicts.filter((v) => v === 'INCONCLUSIVE').length;
console.log(
  `false alarms: ${alarms} of ${PAIRS} pairs REGRESSED (${((100 * alarms) / PAIRS).toFixed(0)}%); ${inconclusive} INCONCLUSIVE; metrics that regressed: ${[...regressedMetrics].map(([m, n]) => `${m} x${n}`).join(', ') || 'none'}`,
);

// 2. Injected ack delay, against a sink in its own process.
const delayed = scenarioFile('compare-delay', ['indexAcks: false']);
async function againstSink(delayMs: number): Promise<string> {
  const sink = await forkAckSink(32, delayMs);
  try {
    return await bench(delayed, ['--target', sink.address]);
  } finally {
    sink.stop();
  }
}
const base = await againstSink(0);
const slow = await againstSink(DELAY_MS);
const delay = await compare(base, slow);
const d = metric(delay.c, 'ack_latency.p50');
const off = Math.abs((d?.change ?? Number.NaN) - DELAY_MS);
console.log(
  `injected ack delay ${DELAY_MS} ms: measured change of ack latency p50 ${ms(d?.change)} (interval ${ms(d?.interval?.lo)} .. ${ms(d?.interval?.hi)}), off by ${off.toFixed(2)} ms, allowed ${(0.05 * DELAY_MS + 0.5).toFixed(2)} ms; verdict ${delay.c.verdict} (exit ${delay.code})`,
);

// 3. slow-index.
const clean = await bench(scenarioFile('compare-index'));
const faulty = await bench(scenarioFile('compare-index', ['target: { serve: { fault: slow-index } }']));
const index = await compare(clean, faulty);
const s = metric(index.c, 'staleness.p50');
console.log(
  `slow-index: staleness p50 ${ms(s?.baseline)} -> ${ms(s?.current)}, ${s?.verdict}; comparison ${index.c.verdict} (exit ${index.code})`,
);
console.log(`load average at end: ${load()}; ${((Date.now() - started) / 1000).toFixed(0)} s`);
