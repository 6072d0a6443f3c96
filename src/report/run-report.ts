// `engram-stream report`: read and validate results files, merge shards, write the
// renderings asked for. Returns the verdict that decides the exit code.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { mergeResults } from '../judge/merge/merge-results.js';
import type { Results, Verdict } from '../results/results.js';
import { parseResults } from '../results/results-schema.js';
import { UserError } from '../util/user-error.js';
import { hgrmFiles } from './hgrm.js';
import { renderHtml } from './html.js';
import { renderJunit } from './junit.js';

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
}

export function readResults(file: string): Results {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(
      `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}; check the path`,
    );
  }
  return parseResults(text, file);
}

function write(file: string, text: string, written: string[]): void {
  try {
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    writeFileSync(file, text);
  } catch (err) {
    throw new UserError(
      `cannot write ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}; choose a writable path`,
    );
  }
  written.push(file);
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
  const written: string[] = [];
  const anyOutput = options.html || options.junit || options.hgrm || options.merge;
  if (options.merge) write(options.merge, `${JSON.stringify(results, null, 2)}\n`, written);
  if (options.html || !anyOutput) write(options.html ?? defaultHtmlPath(files), renderHtml(results), written);
  if (options.junit) write(options.junit, renderJunit(results), written);
  if (options.hgrm) {
    const hgrm = hgrmFiles(results);
    for (const f of hgrm) write(path.join(options.hgrm, f.name), f.text, written);
  }
  return { verdict: results.verdict, verdictReasons: results.verdictReasons, written };
}
