// One-way delays drawn from a seeded generator, so the same seed gives the same delays.
import type { DelayDistribution } from './network-fault.js';

/** Shape of the Pareto tail: heavy, with a finite mean (the jitter). */
const PARETO_SHAPE = 3;

/**
 * A sampler of delays in ms, never negative: `uniform` in delay ± jitter; `normal` with the
 * jitter as standard deviation; `pareto` adds a heavy-tailed extra whose mean is the jitter
 * (most chunks near the delay, a few far above it, as on a congested path).
 */
export function delaySampler(
  delayMs: number,
  jitterMs: number,
  distribution: DelayDistribution,
  random: () => number,
): () => number {
  if (jitterMs === 0) return () => delayMs;
  switch (distribution) {
    case 'uniform':
      return () => Math.max(0, delayMs + (random() * 2 - 1) * jitterMs);
    case 'normal':
      return () => {
        // Box-Muller; 1 - u keeps the logarithm finite.
        const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
        return Math.max(0, delayMs + z * jitterMs);
      };
    case 'pareto':
      return () => delayMs + jitterMs * (PARETO_SHAPE - 1) * ((1 - random()) ** (-1 / PARETO_SHAPE) - 1);
  }
}

/** A seed for one (fault, route, connection): independent streams that do not depend on timing. */
export function mixSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x01000193) >>> 0;
    h = Math.imul(h ^ (h >>> 13), 0x5bd1e995) >>> 0;
  }
  return h >>> 0;
}
