// What the checker reports: findings (one kind of wrong behaviour, counted, with a few
// examples) and its counts. The results record carries both as they are, so they live
// below the checker and the results alike.
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

/** What the checker counted over a history; results carry it as it is. */
export interface CheckCounts {
  streams: number;
  sessions: number;
  sent: number;
  sentByIntent: Record<string, number>;
  accepted: number;
  rejected: number;
  rejectedByReason: Record<string, number>;
  /** INDEXED acks received. */
  indexedAcks: number;
  /** Accepted sequences covered by an INDEXED mark. */
  indexedCovered: number;
  silentDrops: number;
  unexpectedAcks: number;
  duplicateOutcomes: number;
  /** Sends whose stream broke before their outcome and that no resume settled. */
  indeterminate: number;
  /** Sends whose ack was lost with a broken stream, settled as accepted by a resume. */
  acceptedAckLost: number;
  /** Sends whose ack was lost with a broken stream, settled by a resume as not accepted (above its initial_sequence, or deliberately bad). */
  notReceived: number;
  resumes: number;
  streamErrors: number;
  /** Network faults that started on a session's connection (bench's fault proxy). */
  networkFaults: number;
  /** Streams ended UNAVAILABLE while a network fault was on their connection: the network's doing. */
  networkEnds: number;
  statusByState: Record<string, number>;
  probes: number;
  probesFound: number;
  /** Probes whose send was outside the probe window or never sent: no verdict. */
  probesUnmatched: number;
  /** Probes whose send had no final outcome yet: no verdict. */
  probesUnsettled: number;
  /** Accepted observations whose staleness could not be tracked (backlog limit). */
  stalenessUntracked: number;
}

export function zeroCheckCounts(): CheckCounts {
  return {
    streams: 0,
    sessions: 0,
    sent: 0,
    sentByIntent: {},
    accepted: 0,
    rejected: 0,
    rejectedByReason: {},
    indexedAcks: 0,
    indexedCovered: 0,
    silentDrops: 0,
    unexpectedAcks: 0,
    duplicateOutcomes: 0,
    indeterminate: 0,
    acceptedAckLost: 0,
    notReceived: 0,
    resumes: 0,
    streamErrors: 0,
    networkFaults: 0,
    networkEnds: 0,
    statusByState: {},
    probes: 0,
    probesFound: 0,
    probesUnmatched: 0,
    probesUnsettled: 0,
    stalenessUntracked: 0,
  };
}
