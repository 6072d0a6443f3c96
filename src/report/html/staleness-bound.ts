// The staleness limit drawn on the charts is the tightest upper-bound threshold on a
// staleness metric for the whole run, as the results record it.
import type { BenchResults } from '../../results/results.js';
import type { Bound } from './bound-line.js';

export function stalenessBound(results: BenchResults): Bound | undefined {
  let best: Bound | undefined;
  for (const t of results.thresholds) {
    if (t.scope !== 'run' || !t.metric.startsWith('staleness')) continue;
    if (t.op !== '<' && t.op !== '<=') continue;
    if (!best || t.value < best.value) best = { value: t.value, label: `bound: ${t.expression}` };
  }
  return best;
}
