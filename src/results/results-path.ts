// Where bench and conform write their results JSON unless --json says otherwise.
import path from 'node:path';
import type { Results } from './results.js';

/**
 * reports/bench-<scenario>[-shard<i>of<N>]-<UTC time>.json or reports/conform-<UTC time>.json,
 * e.g. reports/bench-smoke-20261127T191502Z.json
 */
export function defaultResultsPath(r: Results, dir = 'reports'): string {
  const stamp = r.startedAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  if (r.kind === 'conform') return path.join(dir, `conform-${stamp}.json`);
  const shard = r.shard.count > 1 ? `-shard${r.shard.index}of${r.shard.count}` : '';
  return path.join(dir, `bench-${r.scenario.name}${shard}-${stamp}.json`);
}
