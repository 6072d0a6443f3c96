// What an insert costs on one index worker, per memory space, as the worker measures it
// (wall clock, so a worker that gets less CPU predicts longer batches and takes smaller ones).

/** Weight of one measured insert in the smoothed cost: a batch of n counts as n samples. */
export const COST_WEIGHT_PER_ITEM = 0.02;
/** Weight of one batch in the smoothed per-batch cost. */
export const COST_WEIGHT_PER_BATCH = 0.2;

/**
 * Exponential smoothing where a measurement over `items` inserts weighs like `items` single
 * ones: the estimate moves towards the measured mean by 1 - (1 - w)^items. It stays between
 * the previous estimate and the measurement, so it never leaves the range of what was measured.
 */
export function smoothCost(
  estimate: number | undefined,
  meanMs: number,
  items: number,
  weight: number,
): number {
  if (estimate === undefined) return meanMs;
  const w = 1 - (1 - weight) ** Math.max(1, items);
  return estimate + w * (meanMs - estimate);
}

/** One batch's timings from the worker: per space, inserts and their ms; and the whole batch. */
export interface InsertTimings {
  perSpace: Array<{ space: string; count: number; ms: number }>;
  totalMs: number;
}

export class InsertCosts {
  private readonly perItem = new Map<string, number>();
  private perBatch: number | undefined;
  private mostPerItem: number | undefined;

  record(t: InsertTimings): void {
    let itemsMs = 0;
    for (const { space, count, ms } of t.perSpace) {
      if (count === 0) continue;
      this.perItem.set(space, smoothCost(this.perItem.get(space), ms / count, count, COST_WEIGHT_PER_ITEM));
      itemsMs += ms;
    }
    this.mostPerItem = undefined;
    for (const ms of this.perItem.values()) this.mostPerItem = Math.max(this.mostPerItem ?? 0, ms);
    this.perBatch = smoothCost(this.perBatch, Math.max(0, t.totalMs - itemsMs), 1, COST_WEIGHT_PER_BATCH);
  }

  /**
   * The per-item cost to plan a batch with: the most expensive space this worker knows, so
   * that a batch mixing spaces still fits (a space new to the worker starts empty, and
   * inserts into a small graph cost less). Undefined before the first batch.
   */
  get perItemMs(): number | undefined {
    return this.mostPerItem;
  }

  get perBatchMs(): number {
    return this.perBatch ?? 0;
  }
}
