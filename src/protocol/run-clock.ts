import { performance } from 'node:perf_hooks';

/** The client's one monotonic clock: milliseconds since the run's origin. */
export interface RunClock {
  now(): number;
  /** performance.now() at the origin, to convert other monotonic readings. */
  readonly origin: number;
  /** Epoch ms at the origin, for wall-clock alignment of series across shards. */
  readonly epochOrigin: number;
}

export function runClock(): RunClock {
  const origin = performance.now();
  const epochOrigin = Date.now();
  return { origin, epochOrigin, now: () => performance.now() - origin };
}
