// What a case's procedure concludes. The runner turns it, together with the
// checker's findings over the case's history, into the case's outcome.

export type CaseVerdict =
  /** The server did one of the case's acceptable behaviours (by its key). */
  | { kind: 'behaved'; behaviour: string; note?: string }
  /** The server broke the requirement: what the spec asks and what happened, quotable. */
  | { kind: 'violated'; expected: string; actual: string }
  /** The server says it lacks the optional feature (or the case cannot apply to it). */
  | { kind: 'skipped'; reason: string }
  /** Too little evidence to judge. */
  | { kind: 'inconclusive'; reason: string };

export function behaved(behaviour: string, note?: string): CaseVerdict {
  return note === undefined ? { kind: 'behaved', behaviour } : { kind: 'behaved', behaviour, note };
}

export function violated(expected: string, actual: string): CaseVerdict {
  return { kind: 'violated', expected, actual };
}

export function skipped(reason: string): CaseVerdict {
  return { kind: 'skipped', reason };
}

export function inconclusive(reason: string): CaseVerdict {
  return { kind: 'inconclusive', reason };
}
