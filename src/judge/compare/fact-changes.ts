// The rows of a comparison that are facts rather than estimates: the checker's findings
// (a new one is a regression whatever the numbers), the thresholds (held, then failed),
// and the generator's health (a starved generator makes the figures its own).
import type { BenchResults } from '../../results/results.js';
import type { MetricChange } from './comparison.js';

/** The change relative to the baseline, or null when the baseline is 0. */
export function relative(change: number, baseline: number): number | null {
  return baseline !== 0 ? change / Math.abs(baseline) : null;
}

function fact(
  metric: string,
  group: MetricChange['group'],
  unit: string,
  baseline: number | null,
  current: number | null,
  verdict: MetricChange['verdict'],
  note?: string,
): MetricChange {
  const change = baseline !== null && current !== null ? current - baseline : null;
  return {
    metric,
    group,
    unit,
    baseline,
    current,
    change,
    relative: change !== null && baseline !== null ? relative(change, baseline) : null,
    interval: null,
    tolerance: null,
    verdict,
    decisive: true,
    ...(note ? { note } : {}),
  };
}

export function findingChanges(b: BenchResults, c: BenchResults): MetricChange[] {
  const count = (r: BenchResults, kind: string) =>
    r.findings.filter((f) => f.kind === kind).reduce((s, f) => s + f.count, 0);
  const kinds = [...new Set([...b.findings, ...c.findings].map((f) => f.kind))].sort();
  return kinds.map((kind) => {
    const [nb, nc] = [count(b, kind), count(c, kind)];
    const message = c.findings.find((f) => f.kind === kind)?.message;
    if (nc > nb) {
      return fact(
        `finding{${kind}}`,
        'findings',
        'count',
        nb,
        nc,
        'REGRESSED',
        nb === 0 ? `new: ${message ?? kind}` : `more often than in the baseline: ${message ?? kind}`,
      );
    }
    if (nc < nb) return fact(`finding{${kind}}`, 'findings', 'count', nb, nc, 'IMPROVED');
    return fact(`finding{${kind}}`, 'findings', 'count', nb, nc, 'NO CHANGE', 'found in both runs as often');
  });
}

export function thresholdChanges(b: BenchResults, c: BenchResults): MetricChange[] {
  return c.thresholds.flatMap((t) => {
    const before = b.thresholds.find((x) => x.expression === t.expression && x.scope === t.scope);
    if (!before) return [];
    const name = `threshold{${t.expression}${t.scope === 'run' ? '' : ` in ${t.scope}`}}`;
    const verdict =
      t.passed === null && before.passed !== null
        ? 'INCONCLUSIVE'
        : before.passed === true && t.passed === false
          ? 'REGRESSED'
          : before.passed === false && t.passed === true
            ? 'IMPROVED'
            : 'NO CHANGE';
    const held = (p: boolean | null) => (p === null ? 'not judged' : p ? 'held' : 'failed');
    return [
      fact(
        name,
        'thresholds',
        t.unit === '' ? 'number' : t.unit,
        before.actual,
        t.actual,
        verdict,
        `${held(before.passed)} → ${held(t.passed)}${t.note ? ` (${t.note})` : ''}`,
      ),
    ];
  });
}

export function generatorChanges(b: BenchResults, c: BenchResults): MetricChange[] {
  const flag = (r: BenchResults) => (r.generator.bottleneck ? 1 : 0);
  const either = b.generator.bottleneck || c.generator.bottleneck;
  const which = [b.generator.bottleneck && 'baseline', c.generator.bottleneck && 'current'].filter(Boolean);
  const note = (c.generator.bottleneck ? c.generator.note : b.generator.note)?.replace(
    /^the generator was the bottleneck: /,
    '',
  );
  const health = 'health of the generator: judged through generator.bottleneck';
  return [
    fact(
      'generator.bottleneck',
      'generator',
      '',
      flag(b),
      flag(c),
      either ? 'INCONCLUSIVE' : 'NO CHANGE',
      either
        ? `the generator was the bottleneck in the ${which.join(' and the ')} run${note ? ` (${note})` : ''}`
        : 'the generator kept up in both runs',
    ),
    fact(
      'generator.event_loop_lag_p99',
      'generator',
      'ms',
      b.generator.eventLoopLagP99Ms,
      c.generator.eventLoopLagP99Ms,
      'NO CHANGE',
      health,
    ),
    fact(
      'generator.late_send_share',
      'generator',
      '%',
      b.generator.lateSendShare * 100,
      c.generator.lateSendShare * 100,
      'NO CHANGE',
      health,
    ),
  ];
}
