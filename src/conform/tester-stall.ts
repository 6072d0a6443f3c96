// A case that cannot decide because the tester itself was starved says so in one
// form: "the tester's event loop stalled N ms". A run on a busy machine can then
// tell that INCONCLUSIVE apart from every other (too little evidence from the target).
import { monitorEventLoopDelay } from 'node:perf_hooks';

const STALLED = /the tester's event loop stalled (\d+) ms/;

/** A stall at least this long can keep a flood from holding a queue full. */
export const STALL_MATTERS_MS = 100;

/** Watches the tester's own event loop; stop() gives the longest stall in ms. */
export function stallWatch(): { stop(): number } {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  return {
    stop() {
      h.disable();
      return h.max / 1e6;
    },
  };
}

/** The reason phrase for a stall of stallMs. */
export function testerStalled(stallMs: number): string {
  return `the tester's event loop stalled ${Math.round(stallMs)} ms`;
}

/** The stall an INCONCLUSIVE reason names as its cause, or undefined when it names none. */
export function testerStallMs(reason: string): number | undefined {
  const m = STALLED.exec(reason);
  return m ? Number(m[1]) : undefined;
}
