// Results files made by real runs (see test/fixtures/README.md for how each was made).

import { readResults } from '../../src/report/run-report.js';
import type { BenchResults, ConformResults } from '../../src/results/results.js';

export const fixturePath = (name: string): string => new URL(`../fixtures/${name}`, import.meta.url).pathname;

export const BENCH = fixturePath('bench-smoke.json');
export const SHARDS = [fixturePath('bench-smoke-shard0.json'), fixturePath('bench-smoke-shard1.json')];
export const CONFORM = fixturePath('conform-mutant.json');

export const benchFixture = (): BenchResults => readResults(BENCH) as BenchResults;
export const conformFixture = (): ConformResults => readResults(CONFORM) as ConformResults;
