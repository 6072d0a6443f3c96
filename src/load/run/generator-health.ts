// Was the generator, rather than the server, the bottleneck? The rules (also in
// docs/bench.md): event-loop delay P99 of any sending thread above
// LOOP_LAG_P99_BOUND_MS, process CPU at or above CPU_SATURATION of the cores its
// threads can use, or more than LATE_SHARE_BOUND of first sends late beyond the
// lateness budget. Any of them makes the verdict INCONCLUSIVE, never PASS.
import type { GeneratorHealth } from '../../results/results.js';

export const LATE_BUDGET_MS = 10;
export const LOOP_LAG_P99_BOUND_MS = 20;
export const CPU_SATURATION = 0.9;
export const LATE_SHARE_BOUND = 0.05;

export interface HealthInputs {
  loopLagP99Ms: number;
  loopLagMaxMs: number;
  /** Process CPU as a percentage of one core. */
  cpuPercent: number;
  /** Threads that send (workers, or 1 on the main thread). */
  sendingThreads: number;
  cores: number;
  firstSends: number;
  lateSends: number;
  heldBySendWindow: number;
}

export function assessHealth(h: HealthInputs): GeneratorHealth {
  const lateSendShare = h.firstSends > 0 ? h.lateSends / h.firstSends : 0;
  const cpuCapacity = Math.min(h.sendingThreads, h.cores) * 100;
  const reasons: string[] = [];
  if (h.loopLagP99Ms > LOOP_LAG_P99_BOUND_MS) {
    reasons.push(`event-loop delay P99 ${h.loopLagP99Ms.toFixed(1)} ms > ${LOOP_LAG_P99_BOUND_MS} ms`);
  }
  if (h.cpuPercent >= CPU_SATURATION * cpuCapacity) {
    reasons.push(
      `CPU ${h.cpuPercent.toFixed(0)}% >= ${CPU_SATURATION * 100}% of ${cpuCapacity / 100} core(s) it can use`,
    );
  }
  if (lateSendShare > LATE_SHARE_BOUND) {
    reasons.push(
      `${(lateSendShare * 100).toFixed(1)}% of sends later than ${LATE_BUDGET_MS} ms > ${LATE_SHARE_BOUND * 100}%`,
    );
  }
  const health: GeneratorHealth = {
    eventLoopLagP99Ms: round(h.loopLagP99Ms),
    eventLoopLagMaxMs: round(h.loopLagMaxMs),
    cpuPercent: round(h.cpuPercent),
    lateSendShare,
    lateSends: h.lateSends,
    heldBySendWindow: h.heldBySendWindow,
    bottleneck: reasons.length > 0,
  };
  if (reasons.length > 0) health.note = `the generator was the bottleneck: ${reasons.join('; ')}`;
  return health;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
