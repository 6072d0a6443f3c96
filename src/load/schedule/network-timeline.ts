// When each network fault of a scenario goes on and off, on the run's timeline: a pure
// function of the scenario, so every shard and every rerun agrees on it.
import { formatDuration } from '../../util/duration.js';
import { isNetworkFault, type NetworkFaultEvent, type Scenario } from '../scenario/scenario.js';
import { resolveFaults, type ScheduledFault } from './faults.js';

export type ScheduledNetworkFault = ScheduledFault & NetworkFaultEvent;

export interface NetworkAction {
  /** ms from run start. */
  t: number;
  /** A reset is one 'start' (it is over at once); the others start and end. */
  action: 'start' | 'end';
  fault: ScheduledNetworkFault;
}

/** ms from run start when the fault is over: its duration, at most to the end of the phases. */
export function networkFaultEnd(scenario: Scenario, f: ScheduledNetworkFault): number {
  return Math.min(scenario.totalMs, f.atMs + (f.durationMs ?? scenario.totalMs - f.atMs));
}

export function networkFaults(scenario: Scenario): ScheduledNetworkFault[] {
  return resolveFaults(scenario).filter((f): f is ScheduledNetworkFault => isNetworkFault(f));
}

export function networkTimeline(scenario: Scenario): NetworkAction[] {
  const actions: NetworkAction[] = [];
  for (const fault of networkFaults(scenario)) {
    const end = networkFaultEnd(scenario, fault);
    if (fault.kind !== 'reset') {
      actions.push({ t: fault.atMs, action: 'start', fault }, { t: end, action: 'end', fault });
    } else if (fault.everyMs === undefined) {
      actions.push({ t: fault.atMs, action: 'start', fault });
    } else {
      for (let t = fault.atMs; t < end; t += fault.everyMs) actions.push({ t, action: 'start', fault });
    }
  }
  // Ends before starts at the same time, so a fault that follows another never overlaps it.
  return actions.sort(
    (a, b) =>
      a.t - b.t || (a.action === b.action ? a.fault.index - b.fault.index : a.action === 'end' ? -1 : 1),
  );
}

/** One line for --dry-run: what the fault does and how long. */
export function describeNetworkFault(scenario: Scenario, f: ScheduledNetworkFault): string {
  const n = f.network;
  const until = `until ${formatDuration(networkFaultEnd(scenario, f))}`;
  const dir = (d: string) =>
    d === 'both' ? 'both ways' : d === 'up' ? 'bench to target' : 'target to bench';
  switch (n.kind) {
    case 'latency':
      return `latency ${formatDuration(n.delayMs)}${n.jitterMs > 0 ? ` ± ${formatDuration(n.jitterMs)} (${n.distribution})` : ''} ${dir(n.direction)}, ${until}`;
    case 'bandwidth':
      return `bandwidth ${n.bytesPerSecond} bytes/s ${dir(n.direction)}, ${until}`;
    case 'reset':
      return `TCP reset${n.midFrame ? ` mid-frame (${dir(n.direction)})` : ''}${f.everyMs !== undefined ? ` every ${formatDuration(f.everyMs)} ${until}` : ''}`;
    case 'blackhole':
      return `black hole ${dir(n.direction)} on the open connections, ${until}`;
    case 'slow-close':
      return `closes reach the other side ${formatDuration(n.delayMs)} late, ${until}`;
    case 'stall-reads':
      return `stop reading the target on the open connections, ${until}`;
  }
}
