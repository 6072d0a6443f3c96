// The rule catalog as data: ids, clauses, behaviours and mutant coverage hold
// together, and every clause a case cites exists in docs/protocol.md.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CATEGORIES } from '../../src/conform/case-types.js';
import { CATALOG } from '../../src/conform/catalog.js';
import { formatCatalog } from '../../src/conform/catalog-listing.js';
import { MUTANT_NAMES } from '../../src/server/faults/mutant-names.js';

const PROTOCOL = readFileSync(fileURLToPath(new URL('../../docs/protocol.md', import.meta.url)), 'utf8');
/** Clause ids defined in the spec: a bold id at the start of a list item. */
const DEFINED = new Set([...PROTOCOL.matchAll(/^- \*\*([A-Z]+-\d+)\*\*/gm)].map((m) => m[1] as string));

describe('conformance catalog', () => {
  it('has at least 30 cases with unique ids of the form <category>.<name>', () => {
    expect(CATALOG.length).toBeGreaterThanOrEqual(30);
    const ids = CATALOG.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of CATALOG) {
      expect(c.id, c.id).toMatch(/^[a-z]+\.[a-z0-9-]+$/);
      expect(c.id.split('.')[0], c.id).toBe(c.category);
    }
  });

  it('covers every category the issue lists', () => {
    for (const category of CATEGORIES) {
      expect(CATALOG.filter((c) => c.category === category).length, category).toBeGreaterThan(0);
    }
  });

  it('cites only clauses that docs/protocol.md defines, at least one per case', () => {
    expect(DEFINED.size).toBeGreaterThan(50);
    for (const c of CATALOG) {
      expect(c.clauses.length, c.id).toBeGreaterThan(0);
      for (const clause of c.clauses) expect(DEFINED.has(clause), `${c.id} cites ${clause}`).toBe(true);
    }
  });

  it('gives each case a one-line requirement and acceptable behaviours with unique keys', () => {
    for (const c of CATALOG) {
      expect(c.requirement.trim().length, c.id).toBeGreaterThan(10);
      expect(c.requirement, c.id).not.toContain('\n');
      expect(c.acceptable.length, c.id).toBeGreaterThan(0);
      const keys = c.acceptable.map((a) => a.key);
      expect(new Set(keys).size, c.id).toBe(keys.length);
      // A case whose every behaviour is non-strict could never PASS.
      expect(
        c.acceptable.some((a) => a.strictness === 'strict'),
        c.id,
      ).toBe(true);
    }
  });

  it('names every mutant in at least one case, and only known mutants', () => {
    for (const m of MUTANT_NAMES) {
      expect(CATALOG.filter((c) => c.catches.includes(m)).length, m).toBeGreaterThan(0);
    }
    for (const c of CATALOG) for (const m of c.catches) expect(MUTANT_NAMES, c.id).toContain(m);
  });

  it('lists every case with its clauses and requirement (--list)', () => {
    const text = formatCatalog(CATALOG);
    for (const c of CATALOG) {
      expect(text).toContain(`${c.id}  [${c.clauses.join(', ')}]`);
      expect(text).toContain(c.requirement);
    }
    expect(text.trimEnd().endsWith(`${CATALOG.length} cases`)).toBe(true);
  });
});
