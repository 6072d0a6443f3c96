// The bounded queue of accepted observations, in two lanes (FLOW-9, IDX-7).
import { Fifo } from './fifo.js';
import type { IndexItem } from './index-item.js';

export class IndexQueue {
  private readonly high = new Fifo<IndexItem>();
  private readonly normal = new Fifo<IndexItem>();
  /** FLOW-2: accepted but not yet visible, including batches being inserted. */
  depth = 0;
  /** Normal-lane observations are admitted while depth is below this (90%). */
  readonly normalLimit: number;

  constructor(readonly capacity: number) {
    this.normalLimit = Math.floor(capacity * 0.9);
  }

  admits(highPriority: boolean): boolean {
    return this.depth < (highPriority ? this.capacity : this.normalLimit);
  }

  /** Waiting for a worker (depth minus what is being inserted). */
  get waiting(): number {
    return this.high.length + this.normal.length;
  }

  push(item: IndexItem, highPriority: boolean): void {
    (highPriority ? this.high : this.normal).push(item);
    this.depth++;
  }

  /** Up to n items, the high-priority lane first. */
  take(n: number): IndexItem[] {
    const batch: IndexItem[] = [];
    for (const lane of [this.high, this.normal]) {
      while (batch.length < n && lane.length > 0) batch.push(lane.shift() as IndexItem);
    }
    return batch;
  }

  /** n items became visible. */
  settle(n: number): void {
    this.depth -= n;
  }
}
