// Each latency and staleness histogram as HdrHistogram percentile-distribution text
// (.hgrm), the format HdrHistogram's plotters read. Values are in milliseconds.

import type { Results } from '../results/results.js';
import { decodeHistogram, type EncodedHistogram, percentileDistribution } from '../stats/histogram.js';
import { UserError } from '../util/user-error.js';

export interface HgrmFile {
  /** File name, safe on every file system. */
  name: string;
  text: string;
}

const safe = (s: string): string => s.replace(/[^A-Za-z0-9_.-]+/g, '_');

function file(prefix: string, key: string, h: EncodedHistogram): HgrmFile {
  return { name: `${prefix}${safe(key)}.hgrm`, text: percentileDistribution(decodeHistogram(h)) };
}

/** Whole-run histograms first (ack_latency.hgrm ...), then per phase (phase-NAME.ack_latency.hgrm). */
export function hgrmFiles(results: Results): HgrmFile[] {
  if (results.kind !== 'bench') {
    throw new UserError('--hgrm: conform results have no latency histograms; use it with bench results');
  }
  const files = Object.entries(results.histograms).map(([k, h]) => file('', k, h));
  for (const phase of results.phases) {
    for (const [k, h] of Object.entries(phase.histograms))
      files.push(file(`phase-${safe(phase.name)}.`, k, h));
  }
  return files;
}
