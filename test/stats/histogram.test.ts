import { describe, expect, it } from 'vitest';
import {
  decodeHistogram,
  encodeHistogram,
  mergeEncoded,
  newHistogram,
  recordMs,
  summarize,
} from '../../src/stats/histogram.js';

describe('histogram helpers', () => {
  it('never reports a percentile above the largest recorded value', () => {
    const h = newHistogram();
    for (let i = 0; i < 10_000; i++) recordMs(h, 1 + (i % 997) * 0.0431);
    recordMs(h, 43.4);
    const s = summarize(h);
    expect(s.p9999).toBeLessThanOrEqual(s.max);
    expect(s.p99).toBeLessThanOrEqual(s.p999);
  });

  it('merges encoded histograms exactly, as one histogram over all values', () => {
    const whole = newHistogram();
    const parts = [newHistogram(), newHistogram(), newHistogram()];
    for (let i = 0; i < 3000; i++) {
      const ms = ((i * 7919) % 5003) / 10;
      recordMs(whole, ms);
      recordMs(parts[i % 3] as ReturnType<typeof newHistogram>, ms);
    }
    const merged = mergeEncoded(parts.map(encodeHistogram));
    // The encoding keeps buckets (3 significant digits), not raw values: compare like with like.
    expect(merged.summary).toEqual(summarize(decodeHistogram(encodeHistogram(whole))));
    expect(decodeHistogram(merged).totalCount).toBe(3000);
  });
});
