// Writing the files a run produces: the folder is made, and an unwritable path is one clear error.
import { accessSync, constants, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from './user-error.js';

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

/** Written beside and renamed into place, so that a reader (a merge waiting for shards) never sees half a file. */
export function writeTextFile(file: string, text: string): void {
  ensureOutputDir(file);
  const partial = `${file}.partial-${process.pid}`;
  try {
    writeFileSync(partial, text);
    renameSync(partial, file);
  } catch (err) {
    rmSync(partial, { force: true });
    throw cannotWrite(file, err);
  }
}

function cannotWrite(file: string, err: unknown): UserError {
  const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
  return new UserError(`cannot write ${file}: ${why}; choose a writable path`);
}
