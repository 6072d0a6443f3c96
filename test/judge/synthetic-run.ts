// Bench results built from a latency model, second by second, with the real histogram
// helpers: the comparison's tests control exactly what differs between two runs.
import type { BenchResults, SeriesPoint } from '../../src/results/results.js';
import { encodeHistogram, newHistogram, recordMs } from '../../src/stats/histogram.js';
import { seededRandom } from '../../src/util/seeded-random.js';
import { sampleBench } from '../support/sample-results.js';

export interface RunModel {
  seed: number;
  seconds: number;
  /** Observations per second. */
  rate: number;
  /** Ack latency of one observation (ms) from a uniform random number in [0, 1). */
  ackMs: (u: number) => number;
  stalenessMs: (u: number) => number;
}

export const uniformModel = (seed: number, seconds = 8, rate = 1500): RunModel => ({
  seed,
  seconds,
  rate,
  ackMs: (u) => 1 + 4 * u,
  stalenessMs: (u) => 5 + 20 * u,
});

export function syntheticRun(model: RunModel): BenchResults {
  const random = seededRandom(model.seed);
  const template = sampleBench(model.seconds);
  const ack = newHistogram();
  const stale = newHistogram();
  const series: SeriesPoint[] = template.series.map((p) => {
    const a = newHistogram();
    const s = newHistogram();
    for (let i = 0; i < model.rate; i++) {
      const lat = model.ackMs(random());
      const st = model.stalenessMs(random());
      recordMs(a, lat);
      recordMs(ack, lat);
      recordMs(s, st);
      recordMs(stale, st);
    }
    return {
      ...p,
      offered: model.rate,
      sent: model.rate,
      accepted: model.rate,
      rejected: {},
      ackLatency: encodeHistogram(a),
      staleness: encodeHistogram(s),
    };
  });
  return {
    ...template,
    verdict: 'passed',
    verdictReasons: [],
    findings: [],
    thresholds: template.thresholds.slice(0, 1),
    series,
    histograms: { ack_latency: encodeHistogram(ack), staleness: encodeHistogram(stale) },
  };
}
