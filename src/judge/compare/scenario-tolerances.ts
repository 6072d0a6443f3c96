// The scenario's `compare:` block, so a team keeps its tolerances beside its thresholds:
//   compare:
//     tolerances:
//       staleness.p99: +10%
//       ack_latency.p99: +0.5ms
import { parse } from 'yaml';
import { UserError } from '../../util/user-error.js';
import { parseToleranceRule, type ToleranceRule } from './tolerance.js';

/** Rules from a `compare:` block value (already parsed YAML); `where` names the file. */
export function toleranceRulesFromBlock(block: unknown, where: string): ToleranceRule[] {
  if (block === undefined || block === null) return [];
  const keys = typeof block === 'object' && !Array.isArray(block) ? Object.keys(block) : [];
  const extra = keys.filter((k) => k !== 'tolerances');
  if (keys.length === 0 || extra.length > 0) {
    throw new UserError(
      `${where}: compare: takes one key, 'tolerances' (metric: change, e.g. 'staleness.p99: +10%')${extra.length ? `, not '${extra[0]}'` : ''}`,
    );
  }
  const tolerances = (block as { tolerances?: unknown }).tolerances;
  if (!tolerances || typeof tolerances !== 'object' || Array.isArray(tolerances)) {
    throw new UserError(
      `${where}: compare.tolerances is a map of metric: change, e.g. 'staleness.p99: +10%'`,
    );
  }
  return Object.entries(tolerances).map(([metric, change]) =>
    parseToleranceRule(`${metric}=${String(change)}`, `${where}: compare.tolerances.${metric}`, 'scenario'),
  );
}

/** Rules from the scenario YAML kept in a results file. */
export function scenarioToleranceRules(source: string, where: string): ToleranceRule[] {
  let doc: unknown;
  try {
    doc = parse(source);
  } catch {
    return [];
  }
  return toleranceRulesFromBlock((doc as { compare?: unknown } | null)?.compare, where);
}
