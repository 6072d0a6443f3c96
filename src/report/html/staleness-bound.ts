// The staleness limit drawn on the charts is the tightest upper-bound threshold on a
// staleness metric for the whole run, parsed as the scenario wrote it.
import { parseThresholdExpression } from '../../judge/thresholds/parse-threshold.js';
import type { BenchResults } from '../../results/results.js';
import type { Bound } from './bound-line.js';

export function stalenessBound(results: BenchResults): Bound | undefined {
  let best: Bound | undefined;
  for (const t of results.thresholds) {
    if (t.scope !== 'run' || !t.metric.startsWith('staleness')) continue;
    const parsed = parseThresholdExpression(t.expression);
    if (!parsed.ok || (parsed.parsed.op !== '<' && parsed.parsed.op !== '<=')) continue;
    if (!best || parsed.parsed.value < best.value)
      best = { value: parsed.parsed.value, label: `bound: ${t.expression}` };
  }
  return best;
}
