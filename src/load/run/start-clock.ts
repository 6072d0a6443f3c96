// The run clock shared by every worker thread. Each thread has its own
// performance.timeOrigin, so the origin travels as high-resolution epoch
// milliseconds and each thread converts it to its own performance.now() scale.
// Sessions connect before the origin is known; their events wait in a gate and
// are re-timed onto the run clock when the run starts.
import { performance } from 'node:perf_hooks';
import type { HistoryEvent, HistorySink } from '../../history/history.js';
import type { RunClock } from '../../protocol/run-clock.js';

/** High-resolution epoch milliseconds, comparable across threads of one process. */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

export class StartClock implements RunClock {
  origin = performance.now();
  epochOrigin = epochNow();
  private started = false;
  private buffered: HistoryEvent[] = [];

  constructor(private readonly downstream: HistorySink) {}

  now(): number {
    return performance.now() - this.origin;
  }

  /** A sink that holds events until start(), then passes them through. */
  readonly sink: HistorySink = (e) => {
    if (this.started) this.downstream(e);
    else this.buffered.push(e);
  };

  /** Moves the origin to `epochOrigin` and releases the held events on the new scale. */
  start(epochOrigin: number): void {
    const origin = epochOrigin - performance.timeOrigin;
    const shift = origin - this.origin;
    this.origin = origin;
    this.epochOrigin = epochOrigin;
    this.started = true;
    for (const e of this.buffered) this.downstream({ ...e, t: e.t - shift });
    this.buffered = [];
  }
}
