// The outstanding sends of one stream: sends still waiting for their ACCEPTED or
// REJECTED ack. Outcomes correlate to sends in order per sequence number (a retry
// of the same number after a rejection is a new send), and the send order is kept
// so the oldest outstanding send can be found when the stream gets too far ahead.
import type { SendIntent } from '../history/history.js';

export interface PendingSend {
  /** Position in the stream's send order. */
  n: number;
  seq: bigint;
  t: number;
  intent: SendIntent;
  episodeId: string;
  /** Sent after a close on the same stream: the only right outcome is SESSION_CLOSING. */
  afterClose: boolean;
  /**
   * Later outcomes (an ACCEPTED ack past it, an expected_sequence or INDEXED mark
   * beyond it) said the server accepted it before its own ack came: its ack was
   * overtaken. Its outcome, if it ever comes, must then be ACCEPTED.
   */
  presumedAccepted?: boolean;
  settled: boolean;
}

export class PendingSends {
  /** One send per sequence almost always; an array only while a retry waits behind an earlier send. */
  private readonly bySeq = new Map<bigint, PendingSend | PendingSend[]>();
  /** Send order, with settled entries removed lazily (compacted when they dominate). */
  private order: PendingSend[] = [];
  private head = 0;
  private outstanding = 0;

  get size(): number {
    return this.outstanding;
  }

  add(p: PendingSend): void {
    const held = this.bySeq.get(p.seq);
    if (held === undefined) this.bySeq.set(p.seq, p);
    else if (Array.isArray(held)) held.push(p);
    else this.bySeq.set(p.seq, [held, p]);
    this.order.push(p);
    this.outstanding++;
  }

  /** The oldest outstanding send with this sequence number, removed; undefined when none. */
  take(seq: bigint): PendingSend | undefined {
    const held = this.bySeq.get(seq);
    if (held === undefined) return undefined;
    let p: PendingSend;
    if (!Array.isArray(held)) {
      p = held;
      this.bySeq.delete(seq);
    } else {
      p = held.shift() as PendingSend;
      if (held.length === 1) this.bySeq.set(seq, held[0] as PendingSend);
    }
    this.settle(p);
    return p;
  }

  /** The oldest outstanding 'normal' send with this sequence sent before position `before`, left in place. */
  firstNormal(seq: bigint, before: number): PendingSend | undefined {
    const held = this.bySeq.get(seq);
    if (held === undefined) return undefined;
    const fits = (p: PendingSend) => p.intent === 'normal' && p.n < before;
    if (!Array.isArray(held)) return fits(held) ? held : undefined;
    return held.find(fits);
  }

  /** The oldest outstanding send in send order, removed. */
  takeOldest(): PendingSend | undefined {
    while (this.head < this.order.length) {
      const p = this.order[this.head] as PendingSend;
      if (!p.settled) return this.take(p.seq);
      this.head++;
    }
    return undefined;
  }

  /** Every outstanding send in send order, removing them all. */
  drain(): PendingSend[] {
    const out = this.order.slice(this.head).filter((p) => !p.settled);
    this.bySeq.clear();
    this.order = [];
    this.head = 0;
    this.outstanding = 0;
    for (const p of out) p.settled = true;
    return out;
  }

  /** Outstanding sequence numbers (for resume checks), without removing anything. */
  *seqs(): IterableIterator<bigint> {
    yield* this.bySeq.keys();
  }

  private settle(p: PendingSend): void {
    p.settled = true;
    this.outstanding--;
    const live = this.order.length - this.head;
    if (live > 1024 && live > 2 * this.outstanding) {
      this.order = this.order.slice(this.head).filter((q) => !q.settled);
      this.head = 0;
    }
  }
}
