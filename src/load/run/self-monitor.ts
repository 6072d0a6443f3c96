// The generator watching itself: event-loop delay of the thread it runs in
// (perf_hooks.monitorEventLoopDelay) and the process's CPU time. A busy event loop
// sends late; a saturated CPU cannot keep the schedule; either makes a run's
// figures describe the generator rather than the server.
import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

/** Sampling resolution of the event-loop delay monitor. */
const RESOLUTION_MS = 10;

export interface LoopLag {
  p99Ms: number;
  maxMs: number;
}

export class LoopLagMonitor {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });

  constructor() {
    this.histogram.enable();
  }

  /** Stops sampling and returns the figures; the monitor's own resolution is subtracted. */
  stop(): LoopLag {
    this.histogram.disable();
    if (this.histogram.count === 0) return { p99Ms: 0, maxMs: 0 };
    const ms = (ns: number) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
    return { p99Ms: ms(this.histogram.percentile(99)), maxMs: ms(this.histogram.max) };
  }
}

/** Process CPU (all threads) as a percentage of one core, over the time since start. */
export class CpuMonitor {
  private readonly startCpu = process.cpuUsage();
  private readonly startWall = process.hrtime.bigint();

  percent(): number {
    const used = process.cpuUsage(this.startCpu);
    const wallUs = Number(process.hrtime.bigint() - this.startWall) / 1000;
    return wallUs > 0 ? ((used.user + used.system) / wallUs) * 100 : 0;
  }
}
