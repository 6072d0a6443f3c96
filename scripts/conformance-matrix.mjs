// Rewrites the generated mutant matrix of docs/conformance.md from the built
// catalog and mutant registry (run `npm run build` first; `npm run docs:conformance`
// does), then lets Biome format it so the doc stays lint-clean.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
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
  const biome = fileURLToPath(new URL('../node_modules/.bin/biome', import.meta.url));
  execFileSync(biome, ['format', '--write', fileURLToPath(path)], { stdio: 'inherit' });
  process.stdout.write('docs/conformance.md: matrix rewritten\n');
}
