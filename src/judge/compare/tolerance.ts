// Tolerances: how much worse a metric may get before a change that is outside the
// noise counts as a regression. Written `metric=+10%`, `metric=+0.5ms`, or both
// (`+10%,+1ms`: the larger allowance); metric names take * and ? wildcards.
import { UserError } from '../../util/user-error.js';
import { wildcardRegExp } from '../../util/wildcard.js';
import { type ComparedMetric, type CompareUnit, comparedMetrics } from './compared-metrics.js';

export interface Tolerance {
  /** Allowed change as a fraction of the baseline (0.1 = 10%). */
  relative?: number;
  /** Allowed change in the metric's unit (ms, /s, count). */
  absolute?: number;
  /** As the user wrote it, or the default's description. */
  text: string;
  /** 'default', '--tolerance' or 'scenario'. */
  source: string;
}

export interface ToleranceRule {
  /** The metric name or wildcard pattern as written. */
  pattern: string;
  tolerance: Tolerance;
}

/** The allowed worsening, in the metric's unit, for a baseline value. */
export function allowance(t: Tolerance, baseline: number): number {
  return Math.max((t.relative ?? 0) * Math.abs(baseline), t.absolute ?? 0);
}

const DEFAULT_PERCENT: Record<string, number> = { p50: 10, p90: 15, p99: 25, p999: 50 };
const DEFAULT_FLOOR_MS: Record<string, Record<string, number>> = {
  ack_latency: { p50: 1, p90: 1, p99: 2, p999: 5 },
  staleness: { p50: 2, p90: 2, p99: 5, p999: 10 },
};

/** Defaults (docs/compare.md): generous at the tail, with a floor below which scheduling noise rules. */
export function defaultTolerance(m: ComparedMetric): Tolerance {
  const tol = (percent: number, absolute: number, unit: string): Tolerance => ({
    relative: percent / 100,
    absolute,
    text: `${m.worse === 'up' ? '+' : '-'}${percent}%,${m.worse === 'up' ? '+' : '-'}${absolute}${unit}`,
    source: 'default',
  });
  if (m.unit === 'ms') {
    const [histogram, stat] = m.name.split('.') as [string, string];
    return tol(DEFAULT_PERCENT[stat] ?? 25, DEFAULT_FLOOR_MS[histogram]?.[stat] ?? 5, 'ms');
  }
  if (m.unit === '/s') return tol(5, 1, '/s');
  return tol(20, 10, '');
}

const PART = /^([+-]?)(\d+(?:\.\d+)?)\s*(%|us|ms|s|\/s)?$/;
const UNIT_FACTOR: Record<string, Partial<Record<CompareUnit, number>>> = {
  '': { count: 1, '/s': 1 },
  us: { ms: 0.001 },
  ms: { ms: 1 },
  s: { ms: 1000 },
  '/s': { '/s': 1 },
};

function names(list: readonly ComparedMetric[]): string {
  return list.map((m) => m.name).join(', ');
}

/**
 * Parses one `metric=value` rule; `where` (when given) says where it was written and
 * starts the error message.
 */
export function parseToleranceRule(text: string, where: string | undefined, source: string): ToleranceRule {
  const at = where ? `${where}: ` : '';
  const eq = text.indexOf('=');
  const example = "e.g. 'staleness.p99=+10%' or 'ack_latency.p99=+0.5ms'";
  if (eq <= 0) throw new UserError(`${at}'${text}' is not a tolerance; write metric=change, ${example}`);
  const pattern = text.slice(0, eq).trim();
  const value = text.slice(eq + 1).trim();
  const all = comparedMetrics();
  const re = wildcardRegExp(pattern);
  const matched = all.filter((m) => re.test(m.name));
  if (matched.length === 0) {
    throw new UserError(`${at}'${pattern}' names no compared metric; compared metrics: ${names(all)}`);
  }
  const directions = new Set(matched.map((m) => m.worse));
  const units = new Set(matched.map((m) => m.unit));
  const tolerance: Tolerance = { text: value, source };
  for (const part of value.split(',').map((p) => p.trim())) {
    const m = PART.exec(part);
    if (!m)
      throw new UserError(`${at}'${part}' in '${text}' is not a change; write +10% or +2ms, ${example}`);
    const [, sign, number, unit = ''] = m as unknown as [string, string, string, string | undefined];
    if (sign !== '' && directions.size === 1) {
      const worse = matched[0]?.worse === 'up' ? '+' : '-';
      if (sign !== worse) {
        throw new UserError(
          `${at}'${pattern}' gets worse when it ${worse === '+' ? 'rises' : 'falls'}; write ${worse}${number}${unit}`,
        );
      }
    } else if (sign !== '') {
      throw new UserError(
        `${at}'${pattern}' covers metrics that get worse in opposite directions; give the change without a sign`,
      );
    }
    const amount = Number(number);
    if (unit === '%') {
      tolerance.relative = amount / 100;
      continue;
    }
    const factors = [...units].map((u) => UNIT_FACTOR[unit]?.[u]);
    const factor = factors[0];
    if (factor === undefined || factors.some((f) => f !== factor)) {
      const want = [...units].map((u) =>
        u === 'ms' ? 'us, ms or s' : u === '/s' ? 'a plain number or /s' : 'a plain number',
      );
      throw new UserError(
        `${at}'${part}' does not fit '${pattern}' (${[...units].join(', ')}); give ${want.join(' / ')}, or a percentage`,
      );
    }
    tolerance.absolute = amount * factor;
  }
  return { pattern, tolerance };
}

/**
 * The tolerance that applies to a metric: the last rule naming it exactly, else the last
 * wildcard rule matching it, else the default. Later rules (the command line after the
 * scenario) win.
 */
export function toleranceFor(metric: ComparedMetric, rules: readonly ToleranceRule[]): Tolerance {
  const exact = rules.filter((r) => r.pattern.toLowerCase() === metric.name.toLowerCase()).at(-1);
  if (exact) return exact.tolerance;
  const wild = rules.filter((r) => wildcardRegExp(r.pattern).test(metric.name)).at(-1);
  return wild?.tolerance ?? defaultTolerance(metric);
}
