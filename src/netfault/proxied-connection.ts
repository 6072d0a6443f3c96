// One client connection through the proxy and its connection to the target: two links,
// the faults on them, and how a close on one side reaches the other.
import type net from 'node:net';
import { seededRandom } from '../util/seeded-random.js';
import { type ActiveFault, type FaultDecision, faultDirections } from './active-fault.js';
import { delaySampler, mixSeed } from './delay-sampler.js';
import { Link } from './link.js';

/** After a mid-frame cut, how long the RST waits, so the peer reads the partial frame first. */
const CUT_TO_RESET_MS = 10;
/** A mid-frame reset that finds no bytes to cut within this long resets anyway. */
const CUT_WAIT_MS = 2000;
/**
 * A mid-frame cut goes into the next chunk of at least this many bytes: HTTP/2 control frames
 * (PING, WINDOW_UPDATE, SETTINGS ack) are shorter and pass, so the cut lands in data.
 */
export const CUT_MIN_CHUNK = 32;

export class ProxiedConnection {
  readonly up: Link;
  readonly down: Link;
  private readonly samplers = new Map<ActiveFault, () => number>();
  /** Faults holding this connection (blackhole, stall-reads): closes wait for them. */
  private readonly holding = new Set<ActiveFault>();
  private closed = false;
  private pendingClose: (() => void) | undefined;

  constructor(
    readonly route: number,
    /** Counts connections of the route from 0, so seeds do not depend on other routes' timing. */
    readonly ordinal: number,
    readonly client: net.Socket,
    readonly upstream: net.Socket,
    /** The shaping faults active on the route now. */
    private readonly shaping: () => Iterable<ActiveFault>,
    private readonly onDecision: ((d: FaultDecision) => void) | undefined,
    private readonly onClosed: (c: ProxiedConnection) => void,
  ) {
    this.up = new Link(client, upstream, this.shapeFor('up'), () => this.sideDone(upstream, client));
    this.down = new Link(upstream, client, this.shapeFor('down'), () => this.sideDone(client, upstream));
    for (const s of [client, upstream]) {
      s.on('error', () => {});
      s.on('close', () => this.maybeClosed());
    }
  }

  get buffered(): number {
    return this.up.buffered + this.down.buffered;
  }

  private shapeFor(direction: 'up' | 'down') {
    return {
      delayMs: () => {
        let ms = 0;
        for (const f of this.shaping()) {
          if (f.fault.kind !== 'latency' || !faultDirections(f.fault)[direction]) continue;
          const sample = this.sampler(f)();
          this.decided(f, `${direction} delay`, sample);
          ms += sample;
        }
        return ms;
      },
      bytesPerSecond: () => {
        let cap = Number.POSITIVE_INFINITY;
        for (const f of this.shaping()) {
          if (f.fault.kind === 'bandwidth' && faultDirections(f.fault)[direction]) {
            cap = Math.min(cap, f.fault.bytesPerSecond);
          }
        }
        return cap;
      },
    };
  }

  private sampler(f: ActiveFault): () => number {
    let s = this.samplers.get(f);
    if (!s) {
      const random = this.random(f);
      s =
        f.fault.kind === 'latency'
          ? delaySampler(f.fault.delayMs, f.fault.jitterMs, f.fault.distribution, random)
          : random;
      this.samplers.set(f, s);
    }
    return s;
  }

  private random(f: ActiveFault): () => number {
    return seededRandom(mixSeed(f.seed, this.route, this.ordinal));
  }

  private decided(f: ActiveFault, what: string, value: number): void {
    this.onDecision?.({ fault: f.id, route: this.route, connection: this.ordinal, what, value });
  }

  /** Stops forwarding in the fault's directions (and delays closes) until released. */
  hold(f: ActiveFault): void {
    const dirs = f.fault.kind === 'stall-reads' ? { up: false, down: true } : faultDirections(f.fault);
    this.holding.add(f);
    if (dirs.up) this.up.hold();
    if (dirs.down) this.down.hold();
  }

  release(f: ActiveFault): void {
    if (!this.holding.delete(f)) return;
    const dirs = f.fault.kind === 'stall-reads' ? { up: false, down: true } : faultDirections(f.fault);
    if (dirs.up) this.up.release();
    if (dirs.down) this.down.release();
    if (this.holding.size === 0 && this.pendingClose) {
      const close = this.pendingClose;
      this.pendingClose = undefined;
      close();
    }
  }

  /** TCP RST on both sides; with `midFrame`, after part of the next chunk going `direction`. */
  reset(f: ActiveFault, midFrame: boolean, direction: 'up' | 'down'): void {
    if (!midFrame) {
      this.destroy(true);
      return;
    }
    const random = this.random(f);
    let fired = false;
    const fire = (written: number) => {
      if (fired) return;
      fired = true;
      clearTimeout(fallback);
      this.decided(f, `${direction} cut`, written);
      setTimeout(() => this.destroy(true), written > 0 ? CUT_TO_RESET_MS : 0);
    };
    const fallback = setTimeout(() => fire(0), CUT_WAIT_MS);
    const link = direction === 'up' ? this.up : this.down;
    link.cut(CUT_MIN_CHUNK, (length) => 1 + Math.floor(random() * (length - 1)), fire);
  }

  /** `from` ended and all it sent was forwarded: pass the end on, unless held or slowed. */
  private sideDone(to: net.Socket, from: net.Socket): void {
    const close = () => {
      const slow = this.slowCloseMs();
      const act = () => {
        if (to.destroyed) return;
        // A reset sender (error) is passed on as a reset; a clean end as a FIN.
        if (from.errored && !to.connecting) to.resetAndDestroy();
        else to.end();
      };
      if (slow > 0) setTimeout(act, slow);
      else act();
    };
    if (this.holding.size > 0) this.pendingClose = close;
    else close();
  }

  private slowCloseMs(): number {
    let ms = 0;
    for (const f of this.shaping()) if (f.fault.kind === 'slow-close') ms = Math.max(ms, f.fault.delayMs);
    return ms;
  }

  destroy(reset: boolean): void {
    for (const s of [this.client, this.upstream]) {
      if (s.destroyed) continue;
      if (reset && !s.connecting) s.resetAndDestroy();
      else s.destroy();
    }
  }

  private maybeClosed(): void {
    if (this.closed || !this.client.destroyed || !this.upstream.destroyed) return;
    this.closed = true;
    this.onClosed(this);
  }
}
