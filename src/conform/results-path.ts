// Where conform writes its results JSON unless --json says otherwise.
import path from 'node:path';
import type { ConformResults } from '../results/results.js';

/** reports/conform-<UTC time>.json, e.g. reports/conform-20261127T191502Z.json */
export function defaultConformResultsPath(r: ConformResults, dir = 'reports'): string {
  const stamp = r.startedAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return path.join(dir, `conform-${stamp}.json`);
}
