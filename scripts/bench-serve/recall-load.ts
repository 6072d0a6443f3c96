// A recall flood for bench:serve: `concurrency` RecallStream calls (k nearest of a
// 768-d cue) always outstanding for `seconds`, through the protocol's one recall call.
import { performance } from 'node:perf_hooks';
import { RecallRecorder } from '../../src/protocol/recall-recorder.js';
import { runClock } from '../../src/protocol/run-clock.js';
import type { EngramClient } from '../../src/protocol/service-definition.js';
import { type HistogramSummary, newHistogram, recordMs, summarize } from '../../src/stats/histogram.js';

export interface RecallFigures {
  latency: HistogramSummary;
  perSecond: number;
  failed: number;
}

export async function recallFlood(
  client: EngramClient,
  space: string,
  cues: readonly Float32Array[],
  o: { k: number; concurrency: number; seconds: number },
): Promise<RecallFigures> {
  const recorder = new RecallRecorder({ client, sink: () => {}, clock: runClock() });
  const latency = newHistogram();
  const started = performance.now();
  const until = started + o.seconds * 1000;
  let answered = 0;
  let failed = 0;
  let next = 0;
  const loop = async () => {
    while (performance.now() < until) {
      const cue = cues[next++ % cues.length] as Float32Array;
      const sent = performance.now();
      const answer = await recorder.recall(space, cue, o.k);
      recordMs(latency, performance.now() - sent);
      if (answer.code === 0 && answer.results.length === o.k) answered++;
      else failed++;
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, loop));
  return {
    latency: summarize(latency),
    perSecond: (answered * 1000) / (performance.now() - started),
    failed,
  };
}
