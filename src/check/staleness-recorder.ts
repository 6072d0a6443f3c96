// Staleness samples from both sources into HDR histograms, the caller's callback,
// and the few worst samples as examples for a staleness-over-bound finding.

import type { SessionKey } from '../history/history.js';
import { type Histogram, newHistogram, recordMs } from '../stats/histogram.js';
import type { StalenessSource } from './check-types.js';
import type { FindingExample } from './findings.js';

interface Sample {
  ms: number;
  session: SessionKey;
  seq: bigint;
  t: number;
}

export class StalenessRecorder {
  readonly indexed: Histogram = newHistogram();
  readonly probe: Histogram = newHistogram();
  private readonly worst: Record<StalenessSource, Sample[]> = { indexed: [], probe: [] };

  constructor(
    private readonly keep: number,
    private readonly onSample?: (
      ms: number,
      session: SessionKey,
      seq: bigint,
      t: number,
      source: StalenessSource,
    ) => void,
  ) {}

  record(source: StalenessSource, ms: number, session: SessionKey, seq: bigint, t: number): void {
    const sample = Math.max(ms, 0);
    recordMs(source === 'indexed' ? this.indexed : this.probe, sample);
    this.onSample?.(sample, session, seq, t, source);
    this.keepWorst(this.worst[source], { ms: sample, session, seq, t });
  }

  /** P99 in ms, or undefined without samples. */
  p99Ms(source: StalenessSource): number | undefined {
    const h = source === 'indexed' ? this.indexed : this.probe;
    return h.totalCount === 0 ? undefined : h.getValueAtPercentile(99) / 1000;
  }

  count(source: StalenessSource): number {
    return (source === 'indexed' ? this.indexed : this.probe).totalCount;
  }

  worstExamples(source: StalenessSource): FindingExample[] {
    const how = source === 'indexed' ? 'ACCEPTED ack to covering INDEXED mark' : 'ACCEPTED ack to recall hit';
    return this.worst[source].map((s) => ({
      session: s.session,
      seq: s.seq.toString(),
      t: s.t,
      note: `staleness ${s.ms.toFixed(1)} ms (${how})`,
    }));
  }

  /** Keeps the largest samples, descending; ties keep the earlier one. */
  private keepWorst(list: Sample[], s: Sample): void {
    if (this.keep === 0) return;
    if (list.length === this.keep && (list[list.length - 1] as Sample).ms >= s.ms) return;
    let i = list.length;
    while (i > 0 && (list[i - 1] as Sample).ms < s.ms) i--;
    list.splice(i, 0, s);
    if (list.length > this.keep) list.pop();
  }
}
