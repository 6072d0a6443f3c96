// How long the server's index batches took, from its Prometheus histogram
// engram_streaming_batch_insert_seconds: the counts of batches within the 25 ms budget
// and within the 100 ms bound, cumulative, so two readings give a round's share.

export interface BatchWork {
  batches: number;
  withinBudget: number;
  withinBound: number;
}

const METRIC = 'engram_streaming_batch_insert_seconds';

export async function batchWork(metricsPort: number): Promise<BatchWork> {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  const read = (suffix: string) =>
    Number(new RegExp(`^${METRIC}${suffix} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  return {
    batches: read('_count'),
    withinBudget: read('_bucket\\{le="0.025"\\}'),
    withinBound: read('_bucket\\{le="0.1"\\}'),
  };
}

/** The share of the batches between two readings that fit, in percent. */
export function sharesBetween(
  before: BatchWork,
  after: BatchWork,
): { budget: number; bound: number; batches: number } {
  const n = after.batches - before.batches;
  const pct = (k: keyof BatchWork) => (n > 0 ? ((after[k] - before[k]) * 100) / n : 100);
  return { budget: pct('withinBudget'), bound: pct('withinBound'), batches: n };
}
