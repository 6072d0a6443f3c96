// Where bench writes its results JSON (and the HTML beside it when asked).
import { accessSync, constants, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BenchResults } from '../../results/results.js';
import { UserError } from '../../util/user-error.js';

/** reports/bench-<scenario>-<UTC time>.json, e.g. reports/bench-smoke-20261127T191502Z.json */
export function defaultResultsPath(r: BenchResults, dir = 'reports'): string {
  const stamp = r.startedAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const shard = r.shard.count > 1 ? `-shard${r.shard.index}of${r.shard.count}` : '';
  return path.join(dir, `bench-${r.scenario.name}${shard}-${stamp}.json`);
}

/** Makes the file's folder, so that an unwritable path is an error before a run rather than after it. */
export function ensureOutputDir(file: string): void {
  try {
    const dir = path.dirname(path.resolve(file));
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (err) {
    throw cannotWrite(file, err);
  }
}

export function writeTextFile(file: string, text: string): void {
  ensureOutputDir(file);
  try {
    writeFileSync(file, text);
  } catch (err) {
    throw cannotWrite(file, err);
  }
}

function cannotWrite(file: string, err: unknown): UserError {
  const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
  return new UserError(`cannot write ${file}: ${why}; choose a writable path`);
}

export function writeResults(file: string, r: BenchResults): void {
  writeTextFile(file, `${JSON.stringify(r, null, 2)}\n`);
}
