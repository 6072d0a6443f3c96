// `engram-stream report`: read and validate results files, merge shards, write the
// renderings asked for. Returns the verdict that decides the exit code.
import { mergeResults } from '../judge/merge/merge-results.js';
import type { Results, StartRecord, Verdict } from '../results/results.js';
import { parseResults } from '../results/results-schema.js';
import { readUserFile } from '../util/read-user-file.js';
import { UserError } from '../util/user-error.js';
import { writeOutputs } from './write-outputs.js';

export interface ReportOptions {
  html?: string;
  junit?: string;
  hgrm?: string;
  merge?: string;
}

export interface ReportOutcome {
  verdict: Verdict;
  verdictReasons: string[];
  /** Files written, in order. */
  written: string[];
  /** A bench run started at a common instant (--start-at): how well its shards kept to it. */
  start?: StartRecord;
}

export function readResults(file: string): Results {
  return parseResults(readUserFile(file), file);
}

/** Without any output flag the HTML goes next to the (first) results file. */
function defaultHtmlPath(files: string[]): string {
  const first = files[0] as string;
  const stem = first.replace(/\.json$/i, '');
  return files.length > 1 ? `${stem}.merged.html` : `${stem}.html`;
}

export function runReport(files: string[], options: ReportOptions): ReportOutcome {
  if (files.length === 0)
    throw new UserError('report: give at least one results JSON file, e.g. reports/bench-smoke.json');
  const inputs = files.map(readResults);
  // Several files are the shards of one run; --merge also checks a single one is complete.
  const results = files.length > 1 || options.merge ? mergeResults(inputs, files) : (inputs[0] as Results);
  const anyOutput = options.html || options.junit || options.hgrm || options.merge;
  const written = writeOutputs(results, {
    ...(options.merge ? { json: options.merge } : {}),
    ...(options.html || !anyOutput ? { html: options.html ?? defaultHtmlPath(files) } : {}),
    ...(options.junit ? { junit: options.junit } : {}),
    ...(options.hgrm ? { hgrm: options.hgrm } : {}),
  });
  const start = results.kind === 'bench' ? results.start : undefined;
  return {
    verdict: results.verdict,
    verdictReasons: results.verdictReasons,
    written,
    ...(start ? { start } : {}),
  };
}
