import type { MemorySpace } from './memory-spaces.js';
import type { PendingVisibility, Session } from './session.js';

/** One accepted observation on its way into the index. */
export interface IndexItem {
  readonly space: MemorySpace;
  readonly label: number;
  readonly embedding: Float32Array;
  readonly session: Session;
  readonly visibility: PendingVisibility;
  /** performance.now() at acceptance, for the enqueue-to-indexed latency metric. */
  readonly acceptedAt: number;
}
