// A file the user named (results, expectations): its text, or one line saying it could
// not be read and what to do.
import { readFileSync } from 'node:fs';
import { UserError } from './user-error.js';

export function readUserFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(
      `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}; check the path`,
    );
  }
}
