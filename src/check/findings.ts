// What the checker reports: a finding is one kind of wrong behaviour, counted, with a few
// examples. The results record carries these as they are, so they live below both.
export const FINDING_KINDS = [
  'silent-drop',
  'unexpected-ack',
  'duplicate-outcome',
  'accepted-not-dense',
  'accepted-out-of-order',
  'wrong-reject-reason',
  'rejected-but-visible',
  'visible-twice',
  'lost-write',
  'indexed-backwards',
  'indexed-ahead-of-accepted',
  'resume-lost-data',
  'staleness-over-bound',
  'stream-error',
] as const;

export type FindingKind = (typeof FINDING_KINDS)[number];

export interface FindingExample {
  session: string;
  seq?: string;
  /** ms from run origin. */
  t?: number;
  note: string;
}

export interface Finding {
  kind: FindingKind;
  severity: 'fail' | 'warn';
  /** How many occurrences in all; examples keep only the most telling few. */
  count: number;
  /** One sentence a person can act on. */
  message: string;
  examples: FindingExample[];
}
