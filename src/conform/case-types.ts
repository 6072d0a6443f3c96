// The shape of a conformance case in the catalog: data (id, clauses, requirement,
// acceptable behaviours, mutants it must catch) plus its procedure.

import type { MutantName } from '../server/faults/mutant-names.js';
import type { CaseContext } from './case-context.js';
import type { CaseVerdict } from './verdict.js';

export const CATEGORIES = [
  'session',
  'sequence',
  'ack',
  'resume',
  'flow',
  'close',
  'validation',
  'index',
  'recall',
] as const;
export type CaseCategory = (typeof CATEGORIES)[number];

/**
 * What a case needs beyond the core protocol: features a target announces in its
 * capabilities, or one its transport has (a half-close: gRPC has it, WebSocket does not).
 * A case needing an absent one is SKIP, with the reason.
 */
export type Feature = 'resume' | 'index-acks' | 'backpressure' | 'half-close';

/** One behaviour the spec allows; 'non-strict' ones are allowed but not recommended (NON-STRICT). */
export interface AcceptableBehaviour {
  key: string;
  description: string;
  strictness: 'strict' | 'non-strict';
}

export interface ConformCase {
  /** Stable id, `<category>.<name>`, e.g. `sequence.gap-rejected`. */
  id: string;
  category: CaseCategory;
  /** Clause ids of docs/protocol.md. */
  clauses: readonly string[];
  /** One line: what the server must do. */
  requirement: string;
  acceptable: readonly AcceptableBehaviour[];
  /** The mutant servers this case must fail on. */
  catches: readonly MutantName[];
  needs?: readonly Feature[];
  /** gRPC codes this case provokes on purpose (the checker must not count them as stream errors). */
  provokes?: readonly number[];
  /** Whole-case budget before --timeout-scale (default 15 s). */
  budgetMs?: number;
  procedure(ctx: CaseContext): Promise<CaseVerdict>;
}

/** The usual single acceptable behaviour: exactly what the clause says. */
export function strictly(description: string): readonly AcceptableBehaviour[] {
  return [{ key: 'as-specified', description, strictness: 'strict' }];
}
