import { describe, expect, it } from 'vitest';
import { createProgress } from '../../src/load/output/progress.js';
import { SeriesAccumulator } from '../../src/load/run/series-accumulator.js';
import { scenarioOf } from './scenario-helpers.js';

function linesOf(states: string[]): string[] {
  const written: string[] = [];
  const stream = { write: (text: string) => written.push(text) } as unknown as NodeJS.WriteStream;
  const scenario = scenarioOf(['{ name: steady, duration: 10s, shape: constant, rate: 10 }']);
  const progress = createProgress('lines', scenario, stream);
  for (const [i, serverState] of states.entries()) {
    const { totals } = new SeriesAccumulator();
    totals.serverState = serverState;
    progress.update({ tMs: (i + 1) * 1000, phase: scenario.phases[0], totals });
  }
  return written;
}

describe('bench progress line', () => {
  it('leaves the server column out until the target has said a state, then shows the last one', () => {
    const [before, after] = linesOf(['UNSPECIFIED', 'BACKPRESSURE']);
    expect(before).not.toContain('server');
    expect(before).toMatch(/ack p99 [\d.]+ ms\n$/);
    expect(after).toMatch(/ack p99 [\d.]+ ms, server BACKPRESSURE\n$/);
  });
});
