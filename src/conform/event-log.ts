// A case's history as it grows, with waiters: the procedures wait for the next
// event that matches ("the ack of seq 4 on stream 2", "a BACKPRESSURE status")
// with a timeout, and the runner hands the whole log to the checker afterwards.
import type { HistoryEvent } from '../history/history.js';

export interface Found<E extends HistoryEvent = HistoryEvent> {
  event: E;
  index: number;
}

export class EventLog {
  readonly events: HistoryEvent[] = [];
  private readonly waiters = new Set<() => void>();

  readonly sink = (e: HistoryEvent): void => {
    this.events.push(e);
    for (const w of [...this.waiters]) w();
  };

  /** The first event at index >= from that matches, or undefined once timeoutMs has passed. */
  waitFor<E extends HistoryEvent>(
    match: (e: HistoryEvent) => e is E,
    timeoutMs: number,
    from = 0,
  ): Promise<Found<E> | undefined> {
    let next = from;
    const scan = (): Found<E> | undefined => {
      for (; next < this.events.length; next++) {
        const event = this.events[next] as HistoryEvent;
        if (match(event)) return { event, index: next };
      }
      return undefined;
    };
    const now = scan();
    if (now) return Promise.resolve(now);
    return new Promise((resolve) => {
      const done = (r: Found<E> | undefined) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(r);
      };
      const check = () => {
        const r = scan();
        if (r) done(r);
      };
      const timer = setTimeout(() => done(undefined), timeoutMs);
      this.waiters.add(check);
    });
  }

  /** Every event so far that matches. */
  all<E extends HistoryEvent>(match: (e: HistoryEvent) => e is E, from = 0): E[] {
    const out: E[] = [];
    for (let i = from; i < this.events.length; i++) {
      const e = this.events[i] as HistoryEvent;
      if (match(e)) out.push(e);
    }
    return out;
  }
}
