import type { FindingExample, FindingKind } from '../check/findings.js';

/**
 * What holds when the checker finds nothing of a kind, in words a newcomer reads.
 * A Record so that a new finding kind cannot be added without a title.
 */
export const FINDING_TITLES: Record<FindingKind, string> = {
  'silent-drop': 'Every observation got an outcome (nothing dropped silently)',
  'unexpected-ack': 'No acknowledgement for an observation that was never sent',
  'duplicate-outcome': 'Each observation got exactly one outcome',
  'accepted-not-dense': 'ACCEPTED acknowledgements leave no gaps',
  'accepted-out-of-order': 'ACCEPTED acknowledgements arrive in sequence order',
  'wrong-reject-reason': 'Rejections carry the right reason and expected sequence',
  'rejected-but-visible': 'Nothing rejected became visible',
  'visible-twice': 'Nothing became visible twice',
  'lost-write': 'Every accepted observation became visible',
  'indexed-backwards': 'The INDEXED mark never goes backwards',
  'indexed-ahead-of-accepted': 'The INDEXED mark never passes the ACCEPTED mark',
  'resume-lost-data': 'A resumed session loses and duplicates nothing',
  'staleness-over-bound': 'Staleness stays within the bound',
  'stream-error': 'No stream ended with an unexpected error',
};

/** One example as a line: where it happened, then what was seen. */
export function formatExample(e: FindingExample): string {
  const where = [`session ${e.session}`];
  if (e.seq !== undefined) where.push(`seq ${e.seq}`);
  if (e.t !== undefined) where.push(`at ${e.t.toFixed(1)} ms`);
  return `${where.join(' ')}: ${e.note}`;
}
