import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BATCH_BUDGET_MS,
  type BatchPlan,
  batchSize,
  batchWorkMs,
  drainMs,
  drainsWithinBound,
  MAX_BATCH_ITEMS,
  STALENESS_BOUND_MS,
} from '../../src/server/batch-size.js';
import { InsertCosts, smoothCost } from '../../src/server/insert-cost.js';

/** 768-d on this machine: about 0.9 ms an insert, a few microseconds per batch. */
const typical: BatchPlan = {
  waiting: 1,
  perItemMs: 0.9,
  perBatchMs: 0.05,
  workers: 1,
  budgetMs: BATCH_BUDGET_MS,
  boundMs: STALENESS_BOUND_MS,
  maxItems: MAX_BATCH_ITEMS,
};

const plans = fc.record({
  waiting: fc.integer({ min: 1, max: 100_000 }),
  perItemMs: fc.double({ min: 0.001, max: 200, noNaN: true }),
  perBatchMs: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 50, noNaN: true })),
  workers: fc.integer({ min: 1, max: 16 }),
  budgetMs: fc.constant(BATCH_BUDGET_MS),
  boundMs: fc.constant(STALENESS_BOUND_MS),
  maxItems: fc.integer({ min: 1, max: 1000 }),
});

describe('batch size (IDX-8): a time budget from the staleness bound', () => {
  it('[IDX-8] the budget is a quarter of the 100 ms bound: the batch in progress, the one queued behind it and its own fit with a quarter to spare', () => {
    expect(STALENESS_BOUND_MS).toBe(100);
    expect(BATCH_BUDGET_MS).toBe(25);
  });

  it('[IDX-8] at low load a batch is whatever waits; at 768-d a backlog is cut into batches of about 25 ms', () => {
    expect(batchSize({ ...typical, waiting: 1 })).toBe(1);
    expect(batchSize({ ...typical, waiting: 7 })).toBe(7);
    // floor((25 - 0.05) / 0.9) = 27 inserts, 24.35 ms of predicted work.
    expect(batchSize({ ...typical, waiting: 100 })).toBe(27);
    expect(batchWorkMs(typical, 27)).toBeLessThanOrEqual(25);
    expect(batchWorkMs(typical, 28)).toBeGreaterThan(25);
    expect(batchSize({ ...typical, waiting: 0 })).toBe(0);
  });

  it('[IDX-8] batches grow only past what budget-sized batches make visible within the bound, and never past a bound of work', () => {
    // 105 waiting at 0.9 ms: 94.5 ms of inserts, and five batches of 25 add 10 ms of overhead.
    const backlog = { ...typical, perBatchMs: 2, waiting: 105 };
    expect(drainsWithinBound({ ...backlog, waiting: 40 })).toBe(true);
    expect(batchSize({ ...backlog, waiting: 40 })).toBe(25);
    expect(drainsWithinBound(backlog)).toBe(false);
    const grown = batchSize(backlog);
    expect(grown).toBeGreaterThan(25);
    expect(drainMs(backlog, grown)).toBeLessThanOrEqual(STALENESS_BOUND_MS);
    // Past any size that could drain in time: the largest batch, a bound's worth of work.
    const flood = { ...backlog, waiting: 5000 };
    expect(batchSize(flood)).toBe(Math.floor((STALENESS_BOUND_MS - 2) / 0.9));
    expect(batchWorkMs(flood, batchSize(flood))).toBeLessThanOrEqual(STALENESS_BOUND_MS);
  });

  it('[IDX-8] cheap inserts are capped by the item limit, which keeps a commit short on the event loop', () => {
    expect(batchSize({ ...typical, perItemMs: 0.001, waiting: 10_000 })).toBe(MAX_BATCH_ITEMS);
  });

  it('property: a batch never exceeds the budget unless the queue cannot otherwise drain (or one insert alone exceeds it)', () => {
    fc.assert(
      fc.property(plans, (plan) => {
        const size = batchSize(plan);
        expect(size).toBeGreaterThanOrEqual(1);
        expect(size).toBeLessThanOrEqual(Math.min(plan.waiting, plan.maxItems));
        if (batchWorkMs(plan, size) > plan.budgetMs) {
          expect(size === 1 || !drainsWithinBound(plan)).toBe(true);
        }
        if (batchWorkMs(plan, size) > plan.boundMs) expect(size).toBe(1);
      }),
      { numRuns: 2000 },
    );
  });

  it('property: sizes grow only with backlog (more waiting never gives a smaller batch)', () => {
    fc.assert(
      fc.property(plans, fc.integer({ min: 0, max: 100_000 }), (plan, more) => {
        expect(batchSize({ ...plan, waiting: plan.waiting + more })).toBeGreaterThanOrEqual(batchSize(plan));
      }),
      { numRuns: 2000 },
    );
  });

  it('property: a grown batch still makes the backlog visible within the bound whenever some size can', () => {
    fc.assert(
      fc.property(plans, (plan) => {
        const size = batchSize(plan);
        const largest = Math.max(
          1,
          Math.min(
            plan.waiting,
            plan.maxItems,
            Math.floor((plan.boundMs - plan.perBatchMs) / plan.perItemMs),
          ),
        );
        const someSizeDrains = drainMs(plan, largest) <= plan.boundMs;
        if (drainsWithinBound(plan) || !someSizeDrains) return;
        expect(drainMs(plan, size)).toBeLessThanOrEqual(plan.boundMs + 1e-9);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('insert cost smoothing', () => {
  const samples = fc.array(
    fc.record({
      ms: fc.double({ min: 0.001, max: 1000, noNaN: true }),
      items: fc.integer({ min: 1, max: 500 }),
    }),
    { minLength: 1, maxLength: 200 },
  );

  it('property: the estimate never leaves the range of what was measured', () => {
    fc.assert(
      fc.property(samples, (ss) => {
        let estimate: number | undefined;
        for (const s of ss) estimate = smoothCost(estimate, s.ms, s.items, 0.02);
        const lo = Math.min(...ss.map((s) => s.ms));
        const hi = Math.max(...ss.map((s) => s.ms));
        expect(estimate).toBeGreaterThanOrEqual(lo - 1e-9);
        expect(estimate).toBeLessThanOrEqual(hi + 1e-9);
      }),
    );
  });

  it('property: one outlying batch moves the estimate by at most its weight, then the estimate returns', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 10, noNaN: true }),
        fc.double({ min: 10, max: 1000, noNaN: true }),
        (steady, outlier) => {
          let estimate = steady;
          // One 10-item batch, descheduled on a busy machine.
          estimate = smoothCost(estimate, outlier, 10, 0.02);
          const weight = 1 - 0.98 ** 10;
          expect(estimate - steady).toBeLessThanOrEqual(weight * (outlier - steady) + 1e-9);
          for (let i = 0; i < 50; i++) estimate = smoothCost(estimate, steady, 27, 0.02);
          expect(Math.abs(estimate - steady)).toBeLessThan(0.01 * (outlier - steady) + 1e-9);
        },
      ),
    );
  });

  it('property: a batch of n weighs as much as n single inserts with the same mean', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 10, noNaN: true }),
        fc.double({ min: 0.01, max: 10, noNaN: true }),
        fc.integer({ min: 1, max: 100 }),
        (start, ms, n) => {
          let singles = start;
          for (let i = 0; i < n; i++) singles = smoothCost(singles, ms, 1, 0.02);
          expect(smoothCost(start, ms, n, 0.02)).toBeCloseTo(singles, 9);
        },
      ),
    );
  });

  it('per space per worker: plans with the most expensive space, and the per-batch rest apart from the inserts', () => {
    const costs = new InsertCosts();
    expect(costs.perItemMs).toBeUndefined();
    costs.record({
      perSpace: [
        { space: 'small', count: 10, ms: 5 },
        { space: 'large', count: 10, ms: 20 },
      ],
      totalMs: 25.5,
    });
    expect(costs.perItemMs).toBeCloseTo(2, 9);
    expect(costs.perBatchMs).toBeCloseTo(0.5, 9);
    // The large space gets cheaper: the estimate follows it down, smoothed.
    costs.record({ perSpace: [{ space: 'large', count: 10, ms: 10 }], totalMs: 10 });
    expect(costs.perItemMs).toBeLessThan(2);
    expect(costs.perItemMs).toBeGreaterThan(1);
  });
});
