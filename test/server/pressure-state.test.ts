import { describe, expect, it } from 'vitest';
import { StreamState } from '../../src/protocol/messages.js';
import { IndexQueue } from '../../src/server/index-queue.js';
import { nextPressureState, type PressureState } from '../../src/server/pressure-state.js';

const { ACTIVE, BACKPRESSURE, OVERLOADED } = StreamState;

/** The states a queue of capacity 100 goes through for a sequence of depths. */
function walk(depths: number[], from: PressureState = ACTIVE): PressureState[] {
  const q = new IndexQueue(100);
  let state = from;
  return depths.map((d) => {
    state = nextPressureState(state, d, q.capacity, q.normalLimit);
    return state;
  });
}

describe('pressure state machine', () => {
  it('[FLOW-3][FLOW-4] BACKPRESSURE above 80%, OVERLOADED from the normal lane limit (90%)', () => {
    expect(walk([0, 80, 81, 89, 90, 100])).toEqual([
      ACTIVE,
      ACTIVE,
      BACKPRESSURE,
      BACKPRESSURE,
      OVERLOADED,
      OVERLOADED,
    ]);
  });

  it('[FLOW-5] OVERLOADED falls back to BACKPRESSURE under 90%, holds between 50% and 80%, ACTIVE below 50%', () => {
    expect(walk([95, 89, 70, 50, 49, 60, 79], OVERLOADED)).toEqual([
      OVERLOADED,
      BACKPRESSURE,
      BACKPRESSURE,
      BACKPRESSURE,
      ACTIVE,
      ACTIVE,
      ACTIVE,
    ]);
    expect(walk([60], OVERLOADED)).toEqual([BACKPRESSURE]);
    expect(walk([30], OVERLOADED)).toEqual([ACTIVE]);
  });

  it('[FLOW-4][FLOW-9] the normal lane stops exactly where OVERLOADED starts; the high lane at capacity', () => {
    const q = new IndexQueue(100);
    q.depth = q.normalLimit - 1;
    expect(q.admits(false)).toBe(true);
    expect(nextPressureState(ACTIVE, q.depth, q.capacity, q.normalLimit)).toBe(BACKPRESSURE);
    q.depth = q.normalLimit;
    expect(q.admits(false)).toBe(false);
    expect(q.admits(true)).toBe(true);
    expect(nextPressureState(BACKPRESSURE, q.depth, q.capacity, q.normalLimit)).toBe(OVERLOADED);
    q.depth = q.capacity;
    expect(q.admits(true)).toBe(false);
  });
});
