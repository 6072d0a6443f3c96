import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseResults } from '../../src/results/results-schema.js';
import { BENCH, CONFORM } from './fixtures.js';

const text = (path: string) => readFileSync(path, 'utf8');
const edited = (
  path: string,
  edit: (j: Record<string, unknown> & { cases: Record<string, unknown>[] }) => void,
) => {
  const j = JSON.parse(text(path));
  edit(j);
  return JSON.stringify(j);
};

describe('parseResults', () => {
  it('accepts results written by bench and conform, keeping fields it does not know', () => {
    expect(parseResults(text(BENCH), 'b.json').kind).toBe('bench');
    const later = edited(CONFORM, (j) => {
      j.addedLater = { x: 1 };
    });
    expect(parseResults(later, 'c.json')).toMatchObject({ kind: 'conform', addedLater: { x: 1 } });
  });

  it('names the file and the field at fault', () => {
    expect(() => parseResults('{"kind":', 'x.json')).toThrow(/^x\.json: not JSON/);
    expect(() => parseResults('{"kind":"other"}', 'x.json')).toThrow(
      `x.json: field 'kind' is "other", not "bench" or "conform"`,
    );
    const future = edited(BENCH, (j) => {
      j.schemaVersion = 3;
    });
    expect(() => parseResults(future, 'f.json')).toThrow(/^f\.json: results schema version 3 is not 2/);
    const badCase = edited(CONFORM, (j) => {
      (j.cases[1] as Record<string, unknown>).outcome = 'MAYBE';
    });
    expect(() => parseResults(badCase, 'c.json')).toThrow(/^c\.json: field 'cases\[1\]\.outcome' is invalid/);
    const noHistograms = edited(BENCH, (j) => {
      delete j.histograms;
    });
    expect(() => parseResults(noHistograms, 'b.json')).toThrow(/^b\.json: field 'histograms' is invalid/);
  });
});
