// How long `report` takes and how big its outputs are for a 10-minute run, whole and as
// 4 shards (figures for docs and the issue; not a timed test). Run: npm run bench:report

import { mergeResults } from '../src/judge/merge/merge-results.js';
import { renderHtml } from '../src/report/html.js';
import { renderJunit } from '../src/report/junit.js';
import type { BenchResults } from '../src/results/results.js';
import { sampleBench } from '../test/support/sample-results.js';

const SECONDS = 600;
const SHARDS = 4;

function timed<T>(what: string, f: () => T): T {
  const t0 = performance.now();
  const out = f();
  console.log(`${what.padEnd(44)} ${(performance.now() - t0).toFixed(0).padStart(7)} ms`);
  return out;
}

const kib = (s: string): string => `${(Buffer.byteLength(s) / 1024).toFixed(0)} KiB`;

const whole = timed(`build a ${SECONDS}-s results (test data)`, () => sampleBench(SECONDS));
const html = timed('renderHtml, 10-minute run', () => renderHtml(whole));
const junit = timed('renderJunit, 10-minute run', () => renderJunit(whole));
const json = JSON.stringify(whole);
const shards: BenchResults[] = timed(`build ${SHARDS} shards (test data)`, () =>
  Array.from({ length: SHARDS }, (_, i) => ({ ...sampleBench(SECONDS), shard: { index: i, count: SHARDS } })),
);
const merged = timed(`mergeResults, ${SHARDS} shards x ${SECONDS} s`, () => mergeResults(shards));
timed('renderHtml, merged', () => renderHtml(merged));
console.log(`results JSON ${kib(json)}, HTML ${kib(html)}, JUnit ${kib(junit)}`);
