// The metrics a threshold can name. The run provides their values through a MetricLookup
// (evaluate-thresholds.ts) using exactly these canonical names.
import { rejectReasonName } from '../../protocol/messages.js';

/** duration: milliseconds; count: occurrences; ratio: 0..1; rate: per second. */
export type MetricKind = 'duration' | 'count' | 'ratio' | 'rate';

/** Histogram metrics (recorded in microseconds, judged in milliseconds). */
export const DURATION_METRICS = {
  ack_latency: 'ACCEPTED/REJECTED ack time from the intended send time (corrected for coordinated omission)',
  ack_latency_actual: 'ack time from the actual send time',
  staleness: 'ACCEPTED ack to the first INDEXED ack covering it',
  staleness_probe: 'ACCEPTED ack to the first recall probe that finds the observation',
  recovery_time: 'end of a network fault to the first ACCEPTED ack after it, per affected session',
  detection_time: 'start of a black hole or stalled reads to the end of a connection it silenced (keepalive)',
} as const;

export const DURATION_STATS = ['min', 'mean', 'p50', 'p90', 'p99', 'p999', 'p9999', 'max'] as const;
export type DurationStat = (typeof DURATION_STATS)[number];

/** `runOnly`: judged by the history checker over the whole run, so a phase scope cannot apply. */
export const SCALAR_METRICS: Record<string, { kind: MetricKind; what: string; runOnly?: true }> = {
  silent_drops: {
    kind: 'count',
    what: 'observations sent that got neither ACCEPTED nor REJECTED',
    runOnly: true,
  },
  order_violations: { kind: 'count', what: 'ACCEPTED acks out of order or with a hole', runOnly: true },
  duplicates: { kind: 'count', what: 'sequences accepted, or made visible, more than once', runOnly: true },
  lost_writes: { kind: 'count', what: 'accepted observations that never became visible', runOnly: true },
  rejected: { kind: 'count', what: 'REJECTED acks, all reasons' },
  rejected_rate: { kind: 'ratio', what: 'REJECTED acks / observations sent' },
  achieved_rate: { kind: 'rate', what: 'ACCEPTED observations per second' },
  late_send_share: { kind: 'ratio', what: 'share of sends that left later than the lateness budget' },
};

/** Reasons usable in rejected{REASON}: the protocol's reject reasons except UNSPECIFIED. */
export const REJECT_REASONS = rejectReasonName.filter((r) => r !== 'UNSPECIFIED');

/** The unit values of a metric kind are judged and shown in. */
export const KIND_UNIT: Record<MetricKind, string> = { duration: 'ms', count: '', ratio: '', rate: '/s' };

export interface MetricInfo {
  /** Canonical name, e.g. "ack_latency.p99", "rejected{OVERLOADED}". */
  name: string;
  kind: MetricKind;
  what: string;
  runOnly?: true;
}

const REJECTED_BY_REASON = /^rejected\{\s*([A-Za-z_]+)\s*\}$/;

/** Resolves a metric as written (case-insensitive reason) to its canonical form, or undefined. */
export function resolveMetric(written: string): MetricInfo | undefined {
  const text = written.trim();
  const byReason = REJECTED_BY_REASON.exec(text);
  if (byReason) {
    const reason = (byReason[1] as string).toUpperCase();
    if (!(REJECT_REASONS as readonly string[]).includes(reason)) return undefined;
    return { name: `rejected{${reason}}`, kind: 'count', what: `REJECTED acks with reason ${reason}` };
  }
  const scalar = SCALAR_METRICS[text];
  if (scalar) return { name: text, ...scalar };
  const dot = text.lastIndexOf('.');
  if (dot < 0) return undefined;
  const base = text.slice(0, dot);
  const stat = text.slice(dot + 1);
  if (!(base in DURATION_METRICS) || !(DURATION_STATS as readonly string[]).includes(stat)) return undefined;
  return { name: text, kind: 'duration', what: DURATION_METRICS[base as keyof typeof DURATION_METRICS] };
}

/** Every valid metric, compactly, for error messages and docs. */
export function metricNamesText(): string {
  const durations = Object.keys(DURATION_METRICS).map((m) => `${m}.{${DURATION_STATS.join(',')}}`);
  return [...durations, ...Object.keys(SCALAR_METRICS), `rejected{${REJECT_REASONS.join('|')}}`].join(', ');
}
