// Values of threshold metrics (thresholds/metrics.ts) from a finished
// run: durations from the HDR histograms (µs, judged in ms), counts from the
// counters and the checker. What the run could not measure says why.

import type { FindingKind } from '../check/findings.js';
import type { Unavailable } from '../results/results.js';
import type { RunHistogram } from '../results/run-histograms.js';
import { type Histogram, type HistogramSummary, summarize } from '../stats/histogram.js';
import type { EncodedCheckReport } from './check-merge.js';
import type { MeasuredScope } from './scopes.js';
import type { MetricLookup, MetricValue } from './thresholds/evaluate-thresholds.js';

export interface MeasuredRun {
  run: MeasuredScope;
  phases: Map<string, MeasuredScope>;
  check: EncodedCheckReport;
  unavailable: Unavailable[];
}

/** Checker-judged metrics and the finding kinds they count. */
const FINDING_METRICS: Record<string, FindingKind[]> = {
  order_violations: ['accepted-not-dense', 'accepted-out-of-order'],
  duplicates: ['duplicate-outcome', 'visible-twice'],
  lost_writes: ['lost-write'],
};

/** A statistic (p99, max, mean ...) of a µs histogram, in ms. */
export function histogramStatMs(h: Histogram, stat: string): number {
  return summarize(h)[stat as keyof HistogramSummary] / 1000;
}

export function metricLookup(m: MeasuredRun): MetricLookup {
  const findingCount = (kinds: FindingKind[]) =>
    m.check.findings.filter((f) => kinds.includes(f.kind)).reduce((sum, f) => sum + f.count, 0);

  return (metric, scopeName): MetricValue => {
    const scope = scopeName === 'run' ? m.run : m.phases.get(scopeName);
    if (!scope) return { unavailable: `no phase named '${scopeName}' ran` };
    const c = (name: string) => scope.counters[name] ?? 0;
    const dot = metric.lastIndexOf('.');
    const base = metric.slice(0, dot);
    if (dot > 0 && base in scope.histograms) {
      const h = scope.histograms[base as RunHistogram];
      if (h.totalCount === 0) {
        const why = m.unavailable.find((u) => u.metric === base)?.why;
        return why ? { unavailable: why } : Number.NaN;
      }
      return histogramStatMs(h, metric.slice(dot + 1));
    }
    if (metric === 'silent_drops' || metric in FINDING_METRICS) {
      if (scopeName !== 'run') return { unavailable: `${metric} is judged for the whole run only` };
      return metric === 'silent_drops'
        ? m.check.counts.silentDrops
        : findingCount(FINDING_METRICS[metric] as FindingKind[]);
    }
    switch (metric) {
      case 'rejected':
        return c('rejected');
      case 'rejected_rate':
        return c('sent') > 0 ? c('rejected') / c('sent') : Number.NaN;
      case 'achieved_rate':
        return scope.durationMs > 0 ? c('accepted') / (scope.durationMs / 1000) : Number.NaN;
      case 'late_send_share':
        return c('first_sends') > 0 ? c('late_sends') / c('first_sends') : Number.NaN;
      default:
        // rejected{REASON}
        return c(metric);
    }
  };
}
