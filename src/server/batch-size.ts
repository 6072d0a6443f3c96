/**
 * IDX-8: the size of the next index batch, from what one insert costs rather than from
 * queue-depth steps. An observation can wait behind the batch a worker is inserting and the
 * one queued behind it, and then its own batch takes its time: three batches. So a batch's
 * predicted work must fit a quarter of the staleness bound (IDX-5), which leaves the last
 * quarter for messages, commit and acks. Batches grow past that budget only when the backlog
 * cannot be made visible within the bound at budget-sized batches; then they grow just enough
 * to save per-batch overhead, and never past a bound's worth of work (so a recall, which waits
 * behind the batch in its worker, waits at most that long).
 */

/** IDX-5: P99 staleness at sustainable loads must be under this. */
export const STALENESS_BOUND_MS = 100;
/** One batch's predicted work at most, while the queue can drain: a quarter of the bound. */
export const BATCH_BUDGET_MS = STALENESS_BOUND_MS / 4;
/**
 * Observations per batch at most, however cheap inserts are: dispatching and committing a
 * batch are O(n) on the event loop that answers the streams, so one turn stays short.
 */
export const MAX_BATCH_ITEMS = 500;

export interface BatchPlan {
  /** Observations waiting for a worker. */
  waiting: number;
  /** Predicted cost of one insert on this worker, ms (smoothed measurement); > 0. */
  perItemMs: number;
  /** Predicted fixed cost of one batch on the worker, ms; >= 0. */
  perBatchMs: number;
  /** Index workers sharing the backlog. */
  workers: number;
  /** A batch's work while the queue can drain (BATCH_BUDGET_MS). */
  budgetMs: number;
  /** The staleness bound (STALENESS_BOUND_MS). */
  boundMs: number;
  /** Observations per batch at most (MAX_BATCH_ITEMS). */
  maxItems: number;
}

/** Predicted work of a batch of `size` on the plan's worker, ms. */
export function batchWorkMs(plan: BatchPlan, size: number): number {
  return plan.perBatchMs + size * plan.perItemMs;
}

/** The most observations whose batch work fits `ms`, at least 1 (a worker always makes progress). */
function fitting(plan: BatchPlan, ms: number): number {
  return Math.max(1, Math.min(plan.maxItems, Math.floor((ms - plan.perBatchMs) / plan.perItemMs)));
}

/** Time for the workers to make `waiting` visible in batches of `size`, ms. */
export function drainMs(plan: BatchPlan, size: number): number {
  const rounds = Math.ceil(plan.waiting / (size * plan.workers));
  return rounds * plan.perBatchMs + (plan.waiting * plan.perItemMs) / plan.workers;
}

/** True when batches that fit the budget make the whole backlog visible within the bound. */
export function drainsWithinBound(plan: BatchPlan): boolean {
  return drainMs(plan, fitting(plan, plan.budgetMs)) <= plan.boundMs;
}

/** How many waiting observations the next batch takes (0 when none wait). */
export function batchSize(plan: BatchPlan): number {
  if (plan.waiting <= 0) return 0;
  const fit = fitting(plan, plan.budgetMs);
  const largest = Math.max(fit, fitting(plan, plan.boundMs));
  if (plan.waiting <= fit || drainsWithinBound(plan)) return Math.min(plan.waiting, fit);
  // The time the bound leaves for per-batch overhead once the inserts themselves are paid
  // for: the fewest rounds that fit in it give the smallest batches that still drain in time.
  const spare = plan.boundMs - (plan.waiting * plan.perItemMs) / plan.workers;
  const rounds = plan.perBatchMs > 0 ? Math.floor(spare / plan.perBatchMs) : spare >= 0 ? Infinity : 0;
  // No batch size drains it within the bound: the largest batches give the most throughput.
  const size = rounds >= 1 ? Math.ceil(plan.waiting / (plan.workers * rounds)) : largest;
  return Math.min(plan.waiting, largest, Math.max(fit, size));
}
