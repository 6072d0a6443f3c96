// The mutant servers of `serve --fault NAME`: each breaks one promise of the
// protocol. Conformance cases name the mutants they must catch (ConformCase.catches),
// and the mutant test checks that they do.
export const MUTANT_NAMES = [
  'drop-silently',
  'accept-gap',
  'index-twice',
  'reorder-acks',
  'lose-on-resume',
  'slow-index',
  'no-drain-on-close',
  'consume-rejected-seq',
  'end-stream-on-gap',
  'single-lane',
] as const;

export type MutantName = (typeof MUTANT_NAMES)[number];
