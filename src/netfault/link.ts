// One direction of a proxied connection: what `from` sends reaches `to` in order, each
// byte no earlier than its delay and no faster than the bandwidth allow. Memory stays
// bounded: beyond HIGH_WATER queued bytes, or while held, the link stops reading `from`
// (TCP flow control then pushes back on the sender) instead of buffering without end.

import type net from 'node:net';
import { performance } from 'node:perf_hooks';

/**
 * Bytes queued in the proxy before it stops reading the sender: what one direction of a
 * connection holds in flight, like a TCP window. With a delay it also caps the rate, at
 * HIGH_WATER per delay (10 MiB/s at 100 ms), as the bandwidth-delay product does on a real path.
 */
export const HIGH_WATER = 1024 * 1024;
const LOW_WATER = HIGH_WATER / 2;
/** A bandwidth cap releases bytes in slices of about this long, so they trickle. */
const SLICE_MS = 10;
const MIN_SLICE = 256;

export interface LinkShape {
  /** One-way delay (ms) for bytes arriving now; 0 for none. */
  delayMs(): number;
  /** Bytes per second allowed now; Infinity for no cap. */
  bytesPerSecond(): number;
}

interface Slice {
  data: Buffer;
  /** performance.now() when it may be written. */
  due: number;
}

export class Link {
  private readonly queue: Slice[] = [];
  private head = 0;
  private queued = 0;
  /** Due time of the last queued slice: later bytes are never due earlier (no reordering). */
  private lastDue = 0;
  private holds = 0;
  private waitingDrain = false;
  private timer: NodeJS.Timeout | undefined;
  private sourceDone = false;
  private finished = false;
  private cutNext: ((written: number) => void) | undefined;
  private cutSize: ((length: number) => number) | undefined;
  private cutMin = 0;

  constructor(
    private readonly from: net.Socket,
    private readonly to: net.Socket,
    private readonly shape: LinkShape,
    /** Called once when everything from `from` has been forwarded after `from` ended or closed. */
    private readonly onSourceDone: () => void,
  ) {
    from.on('data', (chunk: Buffer) => this.onData(chunk));
    from.on('end', () => this.onSourceEnd());
    from.on('close', () => this.onSourceEnd());
  }

  /** Bytes read from the sender and not yet written on. */
  get buffered(): number {
    return this.queued;
  }

  /** Stops forwarding and reading until every hold is released. */
  hold(): void {
    this.holds++;
    this.from.pause();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  release(): void {
    if (this.holds === 0) return;
    this.holds--;
    this.pump();
  }

  /**
   * The next slice of at least `minLength` bytes goes out cut to `size(length)` bytes (at
   * least 0, less than its length), then `done` runs with the bytes written. Shorter slices
   * before it pass whole; nothing after it is written.
   */
  cut(minLength: number, size: (length: number) => number, done: (written: number) => void): void {
    this.cutMin = minLength;
    this.cutSize = size;
    this.cutNext = done;
    this.pump();
  }

  private onData(chunk: Buffer): void {
    const now = performance.now();
    const rate = this.shape.bytesPerSecond();
    let due = Math.max(now + this.shape.delayMs(), this.lastDue);
    if (Number.isFinite(rate)) {
      const size = Math.max(MIN_SLICE, Math.floor((rate * SLICE_MS) / 1000));
      for (let at = 0; at < chunk.length; at += size) {
        const data = chunk.subarray(at, at + size);
        due += (data.length / rate) * 1000;
        this.push(data, due);
      }
    } else {
      this.push(chunk, due);
    }
    this.lastDue = due;
    if (this.queued > HIGH_WATER) this.from.pause();
    this.pump();
  }

  private push(data: Buffer, due: number): void {
    this.queue.push({ data, due });
    this.queued += data.length;
  }

  private onSourceEnd(): void {
    this.sourceDone = true;
    this.pump();
  }

  private pump(): void {
    if (this.holds > 0 || this.waitingDrain || this.finished) return;
    const now = performance.now();
    while (this.head < this.queue.length) {
      const slice = this.queue[this.head] as Slice;
      if (slice.due > now) break;
      this.head++;
      this.queued -= slice.data.length;
      if (this.cutNext && slice.data.length >= this.cutMin) {
        this.writeCut(slice.data);
        return;
      }
      if (this.to.destroyed) continue;
      if (!this.to.write(slice.data)) {
        this.waitingDrain = true;
        this.to.once('drain', () => {
          this.waitingDrain = false;
          this.pump();
        });
        break;
      }
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    if (this.queued < LOW_WATER && !this.from.destroyed) this.from.resume();
    const next = this.queue[this.head];
    if (next && !this.waitingDrain && !this.timer) {
      this.timer = setTimeout(
        () => {
          this.timer = undefined;
          this.pump();
        },
        Math.max(0, next.due - now),
      );
    }
    if (!next && this.sourceDone && !this.waitingDrain) {
      this.finished = true;
      this.onSourceDone();
    }
  }

  private writeCut(data: Buffer): void {
    const done = this.cutNext as (written: number) => void;
    const size = (this.cutSize as (length: number) => number)(data.length);
    this.cutNext = undefined;
    this.cutSize = undefined;
    this.finished = true;
    this.from.pause();
    if (size === 0 || this.to.destroyed) {
      done(0);
      return;
    }
    this.to.write(data.subarray(0, size), () => done(size));
  }
}
