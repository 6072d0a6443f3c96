// The faults the proxy puts on the wire between a client and its target, as plain data
// (they come from a scenario, or from a test or a conformance case).

/** `up`: client to target; `down`: target to client. */
export type Direction = 'up' | 'down' | 'both';

/** How a latency's jitter is drawn around the delay. */
export type DelayDistribution = 'uniform' | 'normal' | 'pareto';

export type NetworkFault =
  /** Adds a one-way delay to every byte, jitter drawn from the distribution (never reorders bytes). */
  | {
      kind: 'latency';
      delayMs: number;
      jitterMs: number;
      distribution: DelayDistribution;
      direction: Direction;
    }
  /** Caps the bytes per second forwarded. */
  | { kind: 'bandwidth'; bytesPerSecond: number; direction: Direction }
  /**
   * TCP RST on both sides of every connection. `midFrame`: first forward only part of the next
   * chunk going `direction`, so the peer holds half a frame when the connection dies.
   */
  | { kind: 'reset'; midFrame: boolean; direction: 'up' | 'down' }
  /** Stops forwarding (and reading) without closing anything: the half-open connection. */
  | { kind: 'blackhole'; direction: Direction }
  /** A side that closes reaches the other only this much later. */
  | { kind: 'slow-close'; delayMs: number }
  /** Stops reading what the target sends: its responses pile up unread on the client's side. */
  | { kind: 'stall-reads' };

export type NetworkFaultKind = NetworkFault['kind'];

export const NETWORK_FAULT_KINDS: readonly NetworkFaultKind[] = [
  'latency',
  'bandwidth',
  'reset',
  'blackhole',
  'slow-close',
  'stall-reads',
];

/**
 * Faults that hold the connections open when they start (those connections go silent or break);
 * connections made later are not affected. The others shape every connection while they last.
 */
export function affectsOpenConnectionsOnly(kind: NetworkFaultKind): boolean {
  return kind === 'reset' || kind === 'blackhole' || kind === 'stall-reads';
}

export function appliesUp(direction: Direction): boolean {
  return direction !== 'down';
}

export function appliesDown(direction: Direction): boolean {
  return direction !== 'up';
}
