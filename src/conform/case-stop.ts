// Thrown by a procedure's helpers to end the case at once with a verdict (a
// violation found mid-way), so procedures read as straight-line scripts.
import type { CaseVerdict } from './verdict.js';

export class CaseStop extends Error {
  override name = 'CaseStop';
  constructor(readonly verdict: CaseVerdict) {
    super(verdict.kind);
  }
}
