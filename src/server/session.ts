// One session: its sequence position, what of it is visible, and the stream bound to it.
import { Fifo } from './fifo.js';
import type { ResponseWriter } from './response-writer.js';

/** An accepted observation of a session that is not yet known to be visible. */
export interface PendingVisibility {
  readonly seq: bigint;
  visible: boolean;
}

/** The stream currently bound to a session (SES: one at a time). */
export interface AttachedStream {
  readonly writer: ResponseWriter;
  /** RES-5: another stream resumed the session; end this one with ABORTED. */
  fence(): void;
}

export class Session {
  /** Highest accepted sequence; the next expected one is lastAccepted + 1 (SEQ-1). */
  lastAccepted = 0n;
  /** IDX-2: every accepted observation up to here is visible. */
  indexedThrough = 0n;
  /** The highest INDEXED mark sent, so marks only ever increase (IDX-3). */
  indexedSent = 0n;
  /** Set by the init of the stream bound now (IDX-1). */
  indexAcks = false;
  stream: AttachedStream | undefined;
  /** Accepted, in sequence order, until visible; the front decides indexedThrough. */
  private readonly pending = new Fifo<PendingVisibility>();
  private drainWaiters: Array<() => void> = [];

  constructor(
    readonly memorySpaceId: string,
    readonly id: string,
  ) {}

  get key(): string {
    return sessionKey(this.memorySpaceId, this.id);
  }

  get expected(): bigint {
    return this.lastAccepted + 1n;
  }

  /** Records an accepted observation; the caller marks the returned entry visible later. */
  track(seq: bigint): PendingVisibility {
    const entry = { seq, visible: false };
    this.pending.push(entry);
    return entry;
  }

  get isDrained(): boolean {
    return this.pending.length === 0;
  }

  /** Moves indexedThrough past the visible front; true when it moved. */
  advanceVisible(): boolean {
    const before = this.indexedThrough;
    for (let front = this.pending.peek(); front?.visible; front = this.pending.peek()) {
      this.indexedThrough = front.seq;
      this.pending.shift();
    }
    if (this.isDrained) {
      for (const w of this.drainWaiters.splice(0)) w();
    }
    return this.indexedThrough !== before;
  }

  /** Resolves once every accepted observation of the session is visible. */
  drained(): Promise<void> {
    if (this.isDrained) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }
}

export function sessionKey(memorySpaceId: string, sessionId: string): string {
  return `${memorySpaceId}\u0000${sessionId}`;
}
