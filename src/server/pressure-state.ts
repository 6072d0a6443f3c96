// The queue's pressure state machine (FLOW-3..FLOW-5).
import { StreamState } from '../protocol/messages.js';

export type PressureState =
  | typeof StreamState.ACTIVE
  | typeof StreamState.BACKPRESSURE
  | typeof StreamState.OVERLOADED;

/**
 * OVERLOADED exactly while the normal lane admits nothing (depth >= 90%), BACKPRESSURE
 * above 80%, ACTIVE below 50%; between 50% and 80% the state holds, except that
 * OVERLOADED falls back to BACKPRESSURE as soon as depth is under 90%.
 */
export function nextPressureState(
  current: PressureState,
  depth: number,
  capacity: number,
  normalLimit: number,
): PressureState {
  if (depth >= normalLimit) return StreamState.OVERLOADED;
  if (depth > capacity * 0.8) return StreamState.BACKPRESSURE;
  if (depth < capacity * 0.5) return StreamState.ACTIVE;
  return current === StreamState.OVERLOADED ? StreamState.BACKPRESSURE : current;
}
