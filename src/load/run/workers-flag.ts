import { UserError } from '../../util/user-error.js';

/** --workers as written: a whole number of threads, 0 for the main thread; absent: bench decides. */
export function parseWorkers(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) {
    throw new UserError(
      `--workers '${text}' is not a number of threads; write 0 (main thread) or more, e.g. --workers 2`,
    );
  }
  return n;
}
