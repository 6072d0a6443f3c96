// Accepted observations of one session not yet covered by an INDEXED mark, with the
// time of their ACCEPTED ack: the start of their staleness. INDEXED marks are
// cumulative, so one mark releases every entry at or below it. Bounded: beyond the
// limit the oldest entry is released unmeasured, and the caller counts it.
export class AcceptedBacklog {
  private seqs: bigint[] = [];
  private times: number[] = [];
  private head = 0;

  constructor(private readonly limit: number) {}

  get size(): number {
    return this.seqs.length - this.head;
  }

  /** Adds an accepted sequence; returns false when the oldest entry had to be released unmeasured. */
  push(seq: bigint, t: number): boolean {
    this.seqs.push(seq);
    this.times.push(t);
    if (this.size <= this.limit) return true;
    this.head++;
    this.compact();
    return false;
  }

  /** Releases every entry at or below the mark, in acceptance order, calling back with its accepted time. */
  release(mark: bigint, each: (seq: bigint, acceptedT: number) => void): void {
    while (this.head < this.seqs.length && (this.seqs[this.head] as bigint) <= mark) {
      each(this.seqs[this.head] as bigint, this.times[this.head] as number);
      this.head++;
    }
    this.compact();
  }

  private compact(): void {
    if (this.head > 4096 && this.head * 2 > this.seqs.length) {
      this.seqs = this.seqs.slice(this.head);
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
  }
}
