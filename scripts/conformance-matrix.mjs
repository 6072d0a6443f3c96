// Rewrites the generated mutant matrix of docs/conformance.md from the built
// catalog and mutant registry (run `npm run build` first; `npm run docs:conformance` does).
import { readFileSync, writeFileSync } from 'node:fs';
import { CATALOG } from '../dist/conform/catalog.js';
import {
  normalizeTables,
  renderMutantMatrix,
  withMutantMatrix,
} from '../dist/server/faults/mutant-matrix.js';

const path = new URL('../docs/conformance.md', import.meta.url);
const doc = readFileSync(path, 'utf8');
const next = withMutantMatrix(doc, renderMutantMatrix(CATALOG));
if (normalizeTables(next) === normalizeTables(doc)) {
  process.stdout.write('docs/conformance.md: matrix already in sync\n');
} else {
  writeFileSync(path, next);
  process.stdout.write('docs/conformance.md: matrix rewritten\n');
}
