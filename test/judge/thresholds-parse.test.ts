import { describe, expect, it } from 'vitest';
import { metricNamesText, resolveMetric } from '../../src/judge/thresholds/metrics.js';
import { parseThresholdExpression } from '../../src/judge/thresholds/parse-threshold.js';

function parsed(text: string) {
  const outcome = parseThresholdExpression(text);
  if (!outcome.ok) throw new Error(outcome.message);
  return outcome.parsed;
}

function problem(text: string): string {
  const outcome = parseThresholdExpression(text);
  if (outcome.ok) throw new Error(`'${text}' parsed`);
  return outcome.message;
}

describe('threshold expressions', () => {
  it.each([
    ['staleness.p99 < 100ms', { metric: 'staleness.p99', op: '<', value: 100, unit: 'ms' }],
    ['ack_latency.p99<10ms', { metric: 'ack_latency.p99', op: '<', value: 10, unit: 'ms' }],
    ['ack_latency.p9999 <= 250us', { metric: 'ack_latency.p9999', op: '<=', value: 0.25, unit: 'ms' }],
    ['ack_latency_actual.max < 1.5s', { metric: 'ack_latency_actual.max', op: '<', value: 1500, unit: 'ms' }],
    ['staleness_probe.p50 >= 0ms', { metric: 'staleness_probe.p50', op: '>=', value: 0, unit: 'ms' }],
    ['silent_drops == 0', { metric: 'silent_drops', op: '==', value: 0, unit: '' }],
    ['order_violations == 0', { metric: 'order_violations', op: '==', value: 0, unit: '' }],
    ['duplicates != 1', { metric: 'duplicates', op: '!=', value: 1, unit: '' }],
    ['lost_writes == 0', { metric: 'lost_writes', op: '==', value: 0, unit: '' }],
    ['rejected_rate < 0.01', { metric: 'rejected_rate', op: '<', value: 0.01, unit: '' }],
    ['rejected{overloaded} > 0', { metric: 'rejected{OVERLOADED}', op: '>', value: 0, unit: '' }],
    ['rejected{ SEQUENCE_GAP } >= 3', { metric: 'rejected{SEQUENCE_GAP}', op: '>=', value: 3, unit: '' }],
    ['rejected > 10', { metric: 'rejected', op: '>', value: 10, unit: '' }],
    ['achieved_rate >= 950', { metric: 'achieved_rate', op: '>=', value: 950, unit: '/s' }],
    ['late_send_share < 0.001', { metric: 'late_send_share', op: '<', value: 0.001, unit: '' }],
    ['  silent_drops   ==   0  ', { metric: 'silent_drops', op: '==', value: 0, unit: '' }],
  ])('%s', (text, expected) => {
    expect(parsed(text)).toEqual(expected);
  });

  it('rejects an unknown metric and lists the valid ones', () => {
    const message = problem('latency.p99 < 10ms');
    expect(message).toContain("unknown metric 'latency.p99'; valid metrics: ");
    expect(message).toContain('ack_latency.{min,mean,p50,p90,p99,p999,p9999,max}');
    expect(message).toContain(
      'rejected{SEQUENCE_GAP|DUPLICATE_SEQUENCE|OVERLOADED|INVALID_OBSERVATION|SESSION_CLOSING|SPACE_FULL}',
    );
  });

  it('rejects an unknown statistic and an unknown reject reason', () => {
    expect(problem('staleness.p95 < 1s')).toContain("unknown metric 'staleness.p95'");
    expect(problem('rejected{TIMEOUT} == 0')).toContain("unknown metric 'rejected{TIMEOUT}'");
    expect(problem('rejected{UNSPECIFIED} == 0')).toContain('unknown metric');
  });

  it('needs a unit on durations and refuses one elsewhere', () => {
    expect(problem('staleness.p99 < 100')).toBe(
      "'staleness.p99' is a duration: give the value a unit (us, ms or s), e.g. 'staleness.p99 < 100ms'",
    );
    expect(problem('staleness.p99 < 100m')).toContain('give the value a unit (us, ms or s)');
    expect(problem('silent_drops == 0ms')).toBe(
      "'silent_drops' is a count without a unit; remove 'ms', e.g. 'silent_drops == 0'",
    );
  });

  it.each([
    'staleness.p99 100ms',
    'silent_drops = 0',
    'silent_drops == zero',
    '== 0',
    'silent_drops =< 1',
    '',
  ])('rejects malformed %j with the expected form', (text) => {
    expect(problem(text)).toContain("write 'metric op value[unit]'");
  });

  it('knows each metric kind', () => {
    expect(resolveMetric('ack_latency.p50')?.kind).toBe('duration');
    expect(resolveMetric('silent_drops')?.kind).toBe('count');
    expect(resolveMetric('rejected{gap}')).toBeUndefined();
    expect(resolveMetric('rejected_rate')?.kind).toBe('ratio');
    expect(resolveMetric('achieved_rate')?.kind).toBe('rate');
    expect(metricNamesText()).toContain('late_send_share');
  });
});
