// `serve --fault NAME`: the mutant servers by name. Names are the conformance
// catalog's MUTANT_NAMES; several faults compose in the order given.

import { UserError } from '../../util/user-error.js';
import { defaultComponents, type ServerComponents } from '../components.js';
import { acceptGap } from './accept-gap.js';
import { consumeRejectedSeq } from './consume-rejected-seq.js';
import { dropSilently } from './drop-silently.js';
import { endStreamOnGap } from './end-stream-on-gap.js';
import { indexTwice } from './index-twice.js';
import { loseOnResume } from './lose-on-resume.js';
import type { Mutant } from './mutant.js';
import { MUTANT_NAMES, type MutantName } from './mutant-names.js';
import { noDrainOnClose } from './no-drain-on-close.js';
import { reorderAcks } from './reorder-acks.js';
import { singleLane } from './single-lane.js';
import { slowIndex } from './slow-index.js';

export const MUTANTS: Record<MutantName, Mutant> = {
  'drop-silently': dropSilently,
  'accept-gap': acceptGap,
  'index-twice': indexTwice,
  'reorder-acks': reorderAcks,
  'lose-on-resume': loseOnResume,
  'slow-index': slowIndex,
  'no-drain-on-close': noDrainOnClose,
  'consume-rejected-seq': consumeRejectedSeq,
  'end-stream-on-gap': endStreamOnGap,
  'single-lane': singleLane,
};

export function isMutantName(name: string): name is MutantName {
  return (MUTANT_NAMES as readonly string[]).includes(name);
}

/** The correct server's components with the named faults applied; an unknown name is a UserError. */
export function componentsWithFaults(names: readonly string[]): ServerComponents {
  let components = defaultComponents();
  for (const name of names) {
    if (!isMutantName(name)) {
      throw new UserError(`--fault: unknown fault '${name}'; valid faults: ${MUTANT_NAMES.join(', ')}`);
    }
    components = MUTANTS[name].apply(components);
  }
  return components;
}
