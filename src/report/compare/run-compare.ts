// `engram-stream compare BASELINE CURRENT` (and `bench --baseline`): read both results,
// compare them with the judge's comparison, write the renderings asked for.

import { compareBench } from '../../judge/compare/compare-bench.js';
import { compareConform } from '../../judge/compare/compare-conform.js';
import type { Comparison } from '../../judge/compare/comparison.js';
import { parseToleranceRule } from '../../judge/compare/tolerance.js';
import type { Results } from '../../results/results.js';
import { writeTextFile } from '../../util/output-file.js';
import { UserError } from '../../util/user-error.js';
import { comparisonText } from '../console/compare-text.js';
import { readResults } from '../run-report.js';
import { renderCompareHtml } from './html-compare.js';
import { renderCompareJunit } from './junit-compare.js';

export interface CompareOptions {
  /** `metric=change`, repeatable. */
  tolerance?: string[];
  html?: string;
  json?: string;
  junit?: string;
}

export interface CompareOutcome {
  comparison: Comparison;
  /** The console summary. */
  text: string;
  written: string[];
}

/**
 * Reads the baseline and parses the tolerances now, so that `bench --baseline` finds a
 * bad file or flag before it runs; `finish` compares a current run with them.
 */
export function prepareCompare(
  baselineFile: string,
  options: CompareOptions,
): { finish: (currentFile: string, current?: Results) => CompareOutcome } {
  const rules = (options.tolerance ?? []).map((t) => parseToleranceRule(t, '--tolerance', '--tolerance'));
  const b = readResults(baselineFile);
  if (rules.length > 0 && b.kind !== 'bench') {
    throw new UserError('--tolerance applies to bench runs; conformance runs are compared case by case');
  }
  const finish = (currentFile: string, current?: Results): CompareOutcome => {
    const c = current ?? readResults(currentFile);
    const files = { baseline: baselineFile, current: currentFile };
    let comparison: Comparison;
    if (b.kind === 'bench' && c.kind === 'bench') {
      comparison = compareBench({ baseline: b, current: c, files, tolerances: rules });
    } else if (b.kind === 'conform' && c.kind === 'conform') {
      comparison = compareConform(b, c, files);
    } else {
      throw new UserError(
        `${currentFile} is a ${c.kind} run and ${baselineFile} a ${b.kind} run; compare two bench runs or two conform runs`,
      );
    }
    const written: string[] = [];
    const write = (file: string | undefined, render: () => string) => {
      if (!file) return;
      writeTextFile(file, render());
      written.push(file);
    };
    write(options.json, () => `${JSON.stringify(comparison, null, 2)}\n`);
    write(options.html, () => renderCompareHtml(comparison, b, c));
    write(options.junit, () => renderCompareJunit(comparison));
    return { comparison, text: comparisonText(comparison), written };
  };
  return { finish };
}

/**
 * `bench --baseline`: the comparison prepared before the run, or nothing without a
 * baseline; refuses flags that cannot work together.
 */
export function prepareBaseline(flags: {
  baseline?: string;
  tolerance?: string[];
  shardCount: number;
}): ReturnType<typeof prepareCompare> | undefined {
  if (flags.tolerance && !flags.baseline)
    throw new UserError('--tolerance needs --baseline FILE to compare with');
  if (!flags.baseline) return undefined;
  if (flags.shardCount > 1) {
    throw new UserError(
      "--baseline compares whole runs; merge the shards with 'report --merge', then run 'compare'",
    );
  }
  return prepareCompare(flags.baseline, flags.tolerance ? { tolerance: flags.tolerance } : {});
}

/** Compares two results files. */
export function runCompare(
  baselineFile: string,
  currentFile: string,
  options: CompareOptions,
): CompareOutcome {
  return prepareCompare(baselineFile, options).finish(currentFile);
}
