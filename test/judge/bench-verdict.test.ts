// The verdict rules and the generator's self-check, as pure functions: the order
// of the rules (a check finding beats everything, a bottleneck or an interruption
// is never a pass, an unjudged threshold is never a pass) and each bottleneck bound.
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/check/findings.js';
import { judgeRun } from '../../src/judge/verdict.js';
import {
  assessHealth,
  CPU_SATURATION,
  type HealthInputs,
  LATE_SHARE_BOUND,
  LOOP_LAG_P99_BOUND_MS,
} from '../../src/load/run/generator-health.js';
import type { ThresholdResult } from '../../src/results/results.js';

const healthy: HealthInputs = {
  loopLagP99Ms: 1,
  loopLagMaxMs: 5,
  cpuPercent: 20,
  sendingThreads: 2,
  cores: 2,
  firstSends: 10_000,
  lateSends: 10,
  heldBySendWindow: 0,
};

const drop: Finding = { kind: 'silent-drop', severity: 'fail', count: 1, message: 'one drop', examples: [] };
const threshold = (passed: boolean | null): ThresholdResult => ({
  expression: 'ack_latency.p99 < 10ms',
  scope: 'run',
  metric: 'ack_latency.p99',
  op: '<',
  value: 10,
  unit: 'ms',
  actual: passed === null ? null : 12,
  passed,
});

describe('generator health', () => {
  it('is healthy within every bound', () => {
    expect(assessHealth(healthy).bottleneck).toBe(false);
  });

  it('flags event-loop delay, CPU saturation and late sends, each on its own', () => {
    const lag = assessHealth({ ...healthy, loopLagP99Ms: LOOP_LAG_P99_BOUND_MS + 1 });
    expect(lag.bottleneck).toBe(true);
    expect(lag.note).toContain('event-loop delay');
    // Two sending threads on two cores: saturated at 90% of 200%.
    const cpu = assessHealth({ ...healthy, cpuPercent: CPU_SATURATION * 200 });
    expect(cpu.note).toContain('CPU');
    expect(assessHealth({ ...healthy, cpuPercent: CPU_SATURATION * 200 - 1 }).bottleneck).toBe(false);
    const late = assessHealth({ ...healthy, lateSends: (LATE_SHARE_BOUND + 0.01) * healthy.firstSends });
    expect(late.note).toContain('later than');
    expect(late.lateSendShare).toBeCloseTo(LATE_SHARE_BOUND + 0.01);
  });
});

describe('verdict', () => {
  const sick = assessHealth({ ...healthy, loopLagP99Ms: 100 });

  it('passes only with no finding, every threshold passed and a healthy generator', () => {
    expect(
      judgeRun({ findings: [], thresholds: [threshold(true)], health: assessHealth(healthy) }).verdict,
    ).toBe('passed');
  });

  it('fails on a check finding whatever else happened', () => {
    expect(
      judgeRun({ findings: [drop], thresholds: [threshold(true)], health: sick, interrupted: true }).verdict,
    ).toBe('failed');
  });

  it('is inconclusive, never passed or failed by thresholds, when the generator was the bottleneck', () => {
    expect(judgeRun({ findings: [], thresholds: [threshold(true)], health: sick }).verdict).toBe(
      'inconclusive',
    );
    const failedThreshold = judgeRun({ findings: [], thresholds: [threshold(false)], health: sick });
    expect(failedThreshold.verdict).toBe('inconclusive');
    expect(failedThreshold.reasons.join(' ')).toContain('threshold failed');
  });

  it('is inconclusive when interrupted', () => {
    const v = judgeRun({ findings: [], thresholds: [], health: assessHealth(healthy), interrupted: true });
    expect(v.verdict).toBe('inconclusive');
  });

  it('fails on a failed threshold, and is inconclusive on one it could not judge', () => {
    const health = assessHealth(healthy);
    expect(judgeRun({ findings: [], thresholds: [threshold(false)], health }).verdict).toBe('failed');
    const unjudged = judgeRun({ findings: [], thresholds: [threshold(true), threshold(null)], health });
    expect(unjudged.verdict).toBe('inconclusive');
    expect(unjudged.reasons[0]).toContain('not judged');
  });
});
