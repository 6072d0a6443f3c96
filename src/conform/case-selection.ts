// --case and --exclude: shell-style wildcards (* and ?) over case ids, repeatable
// or comma-separated. A pattern that matches nothing is a mistake worth saying.
import { UserError } from '../util/user-error.js';
import { wildcardRegExp } from '../util/wildcard.js';
import type { ConformCase } from './case-types.js';

/** Splits repeated and comma-separated values into patterns. */
export function splitPatterns(values: readonly string[] = []): string[] {
  return values
    .flatMap((v) => v.split(','))
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

export function selectCases(
  catalog: readonly ConformCase[],
  include: readonly string[],
  exclude: readonly string[],
): ConformCase[] {
  const check = (flag: string, patterns: readonly string[]): RegExp[] =>
    patterns.map((p) => {
      const re = wildcardRegExp(p);
      if (!catalog.some((c) => re.test(c.id))) {
        throw new UserError(
          `${flag} '${p}' matches no case id; run 'engram-stream conform --list' to see them`,
        );
      }
      return re;
    });
  const inc = check('--case', include);
  const exc = check('--exclude', exclude);
  const chosen = catalog.filter(
    (c) => (inc.length === 0 || inc.some((re) => re.test(c.id))) && !exc.some((re) => re.test(c.id)),
  );
  if (chosen.length === 0)
    throw new UserError('--case and --exclude together leave no case to run; loosen them');
  return chosen;
}
