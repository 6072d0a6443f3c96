// Writes the results JSON and the renderings asked for, for bench, conform and report alike.
import path from 'node:path';
import type { Results } from '../results/results.js';
import { writeTextFile } from '../util/output-file.js';
import { hgrmFiles } from './hgrm.js';
import { renderHtml } from './html.js';
import { renderJunit } from './junit.js';

export interface OutputPaths {
  /** The results JSON. */
  json?: string;
  html?: string;
  junit?: string;
  /** A folder: one .hgrm file per histogram. */
  hgrm?: string;
}

/** The files written, in the order json, html, junit, hgrm. */
export function writeOutputs(results: Results, to: OutputPaths): string[] {
  const written: string[] = [];
  const write = (file: string, text: string): void => {
    writeTextFile(file, text);
    written.push(file);
  };
  if (to.json) write(to.json, `${JSON.stringify(results, null, 2)}\n`);
  if (to.html) write(to.html, renderHtml(results));
  if (to.junit) write(to.junit, renderJunit(results));
  if (to.hgrm) for (const f of hgrmFiles(results)) write(path.join(to.hgrm, f.name), f.text);
  return written;
}
