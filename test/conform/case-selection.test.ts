import { describe, expect, it } from 'vitest';
import { selectCases, splitPatterns } from '../../src/conform/case-selection.js';
import { CATALOG } from '../../src/conform/catalog.js';
import { UserError } from '../../src/util/user-error.js';
import { wildcardRegExp } from '../../src/util/wildcard.js';

const ids = (include: string[], exclude: string[] = []) =>
  selectCases(CATALOG, include, exclude).map((c) => c.id);

describe('--case and --exclude', () => {
  it('splits repeated and comma-separated values and drops empty ones', () => {
    expect(splitPatterns(['a.*,b.c', ' d ', ''])).toEqual(['a.*', 'b.c', 'd']);
    expect(splitPatterns(undefined)).toEqual([]);
  });

  it('matches * and ? as wildcards and everything else literally', () => {
    expect(wildcardRegExp('sequence.*').test('sequence.gap-rejected')).toBe(true);
    expect(wildcardRegExp('sequence.gap-rejecte?').test('sequence.gap-rejected')).toBe(true);
    // The dot is literal: 'sequenceXgap' is not 'sequence.gap'.
    expect(wildcardRegExp('sequence.gap*').test('sequenceXgap-rejected')).toBe(false);
    expect(wildcardRegExp('gap').test('sequence.gap-rejected')).toBe(false);
  });

  it('runs everything by default, a category with category.*, and leaves out exclusions', () => {
    expect(ids([])).toEqual(CATALOG.map((c) => c.id));
    const sequences = ids(['sequence.*']);
    expect(sequences.length).toBeGreaterThan(3);
    expect(sequences.every((id) => id.startsWith('sequence.'))).toBe(true);
    expect(ids(['sequence.*'], ['sequence.gap-rejected'])).toEqual(
      sequences.filter((id) => id !== 'sequence.gap-rejected'),
    );
  });

  it('refuses a pattern that matches nothing, naming it and --list', () => {
    expect(() => ids(['sequnce.*'])).toThrow(UserError);
    expect(() => ids(['sequnce.*'])).toThrow(/--case 'sequnce\.\*' matches no case id.*--list/);
    expect(() => ids([], ['nope'])).toThrow(/--exclude 'nope'/);
  });

  it('refuses a selection that leaves nothing to run', () => {
    expect(() => ids(['sequence.*'], ['sequence.*'])).toThrow(/leave no case to run/);
  });
});
