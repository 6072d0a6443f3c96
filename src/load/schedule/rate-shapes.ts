// Closed forms of the deterministic phase shapes: the expected number of arrivals from the
// phase start to t (the integral of the rate) and its inverse. Arrival j of a phase (j = 0, 1,
// ...) is due when that integral reaches j, so the schedule follows the formula exactly.
import type { PhaseShape } from '../scenario/scenario.js';

export type DeterministicShape = Exclude<PhaseShape, { kind: 'poisson' }>;

/** Expected arrivals in [0, tMs) of a phase lasting durationMs. Rates are per second. */
export function cumulativeArrivals(shape: DeterministicShape, durationMs: number, tMs: number): number {
  switch (shape.kind) {
    case 'constant':
      return (shape.rate * tMs) / 1000;
    case 'ramp': {
      const slope = (shape.to - shape.from) / durationMs;
      return (shape.from * tMs + (slope * tMs * tMs) / 2) / 1000;
    }
    case 'burst': {
      const baseMs = shape.everyMs - shape.burstMs;
      const perPeriod = burstPeriodArrivals(shape);
      const periods = Math.floor(tMs / shape.everyMs);
      const u = tMs - periods * shape.everyMs;
      const within = u <= baseMs ? shape.rate * u : shape.rate * baseMs + shape.burstRate * (u - baseMs);
      return periods * perPeriod + within / 1000;
    }
  }
}

/** The time (ms from the phase start) at which cumulativeArrivals reaches n. */
export function timeOfArrival(shape: DeterministicShape, durationMs: number, n: number): number {
  switch (shape.kind) {
    case 'constant':
      return (1000 * n) / shape.rate;
    case 'ramp': {
      if (n === 0) return 0; // the formula below is 0/0 for a ramp from 0
      if (shape.from === shape.to) return (1000 * n) / shape.from;
      const slope = (shape.to - shape.from) / durationMs;
      // Root of slope/2 t^2 + from t - 1000 n = 0, in the form that stays accurate for either sign of slope.
      return (2000 * n) / (shape.from + Math.sqrt(shape.from * shape.from + 2000 * n * slope));
    }
    case 'burst': {
      const baseMs = shape.everyMs - shape.burstMs;
      const perPeriod = burstPeriodArrivals(shape);
      const periods = Math.floor(n / perPeriod);
      const rest = n - periods * perPeriod;
      const baseArrivals = (shape.rate * baseMs) / 1000;
      const u =
        shape.rate > 0 && rest <= baseArrivals
          ? (1000 * rest) / shape.rate
          : baseMs + (1000 * (rest - baseArrivals)) / shape.burstRate;
      return periods * shape.everyMs + u;
    }
  }
}

function burstPeriodArrivals(shape: Extract<PhaseShape, { kind: 'burst' }>): number {
  return (shape.rate * (shape.everyMs - shape.burstMs) + shape.burstRate * shape.burstMs) / 1000;
}

/** The rate (per second) at time t of the phase: for describing and for tests. */
export function rateAt(shape: PhaseShape, durationMs: number, tMs: number): number {
  switch (shape.kind) {
    case 'constant':
    case 'poisson':
      return shape.rate;
    case 'ramp':
      return shape.from + ((shape.to - shape.from) * tMs) / durationMs;
    case 'burst': {
      const u = tMs % shape.everyMs;
      return u < shape.everyMs - shape.burstMs ? shape.rate : shape.burstRate;
    }
  }
}
