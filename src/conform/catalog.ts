// The rule catalog: every conformance case, in the order a run goes through
// them (cheap session and sequence rules first, the load-heavy flow cases last).

import type { ConformCase } from './case-types.js';
import { ACK_CASES } from './cases/ack-cases.js';
import { CLOSE_CASES } from './cases/close-cases.js';
import { FLOW_CASES } from './cases/flow-cases.js';
import { INDEX_CASES } from './cases/index-cases.js';
import { NETWORK_CASES } from './cases/network-cases.js';
import { RECALL_CASES } from './cases/recall-cases.js';
import { RESUME_CASES } from './cases/resume-cases.js';
import { SEQUENCE_CASES } from './cases/sequence-cases.js';
import { SESSION_CASES } from './cases/session-cases.js';
import { VALIDATION_CASES } from './cases/validation-cases.js';

export const CATALOG: readonly ConformCase[] = [
  ...SESSION_CASES,
  ...SEQUENCE_CASES,
  ...ACK_CASES,
  ...VALIDATION_CASES,
  ...CLOSE_CASES,
  ...RESUME_CASES,
  ...NETWORK_CASES,
  ...INDEX_CASES,
  ...RECALL_CASES,
  ...FLOW_CASES,
];
