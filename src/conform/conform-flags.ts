// The rules conform's flags follow, as written on the command line: which go together,
// and what their values must be. A breach is one UserError that names the flag.
import { type TransportFlags, transportChoice } from '../endpoint/stream-target.js';
import { UserError } from '../util/user-error.js';
import type { ConformOptions } from './runner.js';

export interface ConformFlagValues extends TransportFlags {
  target?: string;
  timeoutScale?: string;
  dim?: string;
  maxElements?: string;
}

function positiveNumber(text: string, flag: string, example: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0)
    throw new UserError(`${flag} '${text}' is not a positive number; e.g. ${flag} ${example}`);
  return n;
}

function wholeNumber(text: string, flag: string, example: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < 1)
    throw new UserError(`${flag} '${text}' is not a whole number of at least 1; e.g. ${flag} ${example}`);
  return n;
}

/** The target and its limits as options for runConformance. */
export function targetOptions(
  flags: ConformFlagValues,
): Pick<
  ConformOptions,
  'target' | 'timeoutScale' | 'dim' | 'maxElements' | 'transport' | 'wsDialect' | 'recallTarget'
> {
  if (flags.dim !== undefined && flags.target !== undefined) {
    throw new UserError('--dim sets up the embedded server; with --target the server says its own dimension');
  }
  if (flags.maxElements !== undefined && flags.target === undefined) {
    throw new UserError('--max-elements describes a --target; the embedded server has its own limit');
  }
  return {
    ...transportChoice(flags, flags.target),
    timeoutScale: positiveNumber(flags.timeoutScale ?? '1', '--timeout-scale', '2'),
    ...(flags.target === undefined ? {} : { target: flags.target }),
    ...(flags.dim === undefined ? {} : { dim: wholeNumber(flags.dim, '--dim', '768') }),
    ...(flags.maxElements === undefined
      ? {}
      : { maxElements: wholeNumber(flags.maxElements, '--max-elements', '100000') }),
  };
}
