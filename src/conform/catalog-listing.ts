// `conform --list`: the catalog as text, without running anything.
import type { ConformCase } from './case-types.js';

export function formatCatalog(cases: readonly ConformCase[]): string {
  const lines: string[] = [];
  for (const c of cases) {
    const needs = c.needs?.length ? `  needs: ${c.needs.join(', ')}` : '';
    const catches = c.catches.length ? `  catches: ${c.catches.join(', ')}` : '';
    lines.push(`${c.id}  [${c.clauses.join(', ')}]${needs}${catches}`);
    lines.push(`    ${c.requirement}`);
    for (const a of c.acceptable)
      lines.push(`    - ${a.strictness === 'strict' ? 'PASS' : 'NON-STRICT'}: ${a.description}`);
  }
  lines.push('', `${cases.length} cases`);
  return `${lines.join('\n')}\n`;
}
