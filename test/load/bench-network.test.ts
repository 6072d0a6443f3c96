// Network faults between bench and the real reference server (startServer, port 0), each
// kind alone: the proxy does what it says, the sessions ride it out, and the checker finds
// nothing wrong: every observation of the schedule accepted exactly once, every stream the
// network broke explained by the fault, and the recovery measured.
import { afterEach, describe, expect, it } from 'vitest';
import type { BenchResults } from '../../src/results/results.js';
import { decodeHistogram } from '../../src/stats/histogram.js';
import { benchAgainstReference, stopReferenceServer } from './network-bench.js';

const SESSIONS = 2;

afterEach(stopReferenceServer);

function benchThroughFaults(yaml: string[]): Promise<BenchResults> {
  const text = [
    'name: network',
    'memorySpaces: [net-space]',
    'dim: 8',
    `sessions: ${SESSIONS}`,
    'sendWindow: 64',
    'keepalive: { time: 250ms, timeout: 250ms }',
    'close: { drain: true }',
    ...yaml,
  ].join('\n');
  return benchAgainstReference(text, 'network.yaml');
}

const STEADY = 'phases: [{ name: steady, duration: 2s, shape: constant, rate: 100 }]';

function expectClean(r: BenchResults): void {
  expect(r.findings).toEqual([]);
  const c = (name: string) => r.counters[name] ?? 0;
  expect(r.checkCounts.silentDrops).toBe(0);
  expect(c('offered')).toBe(200);
  expect(c('accepted') + c('settled_by_resume')).toBe(c('offered'));
  expect(r.checkCounts.accepted + r.checkCounts.acceptedAckLost).toBe(c('offered'));
  expect(r.target.network).toContain('fault proxy');
}

function histogramCount(r: BenchResults, name: string): number {
  const h = r.histograms[name];
  return h ? decodeHistogram(h).totalCount : 0;
}

describe('bench network faults against the reference server', () => {
  it('latency with jitter delays every ack by at least twice the smallest one-way delay', async () => {
    const r = await benchThroughFaults([
      STEADY,
      'faults: [{ at: 1ms, kind: latency, delay: 20ms, jitter: 5ms, distribution: uniform, share: 1 }]',
    ]);
    expectClean(r);
    // Only the sends before the fault started (the first, at 0 ms) escape the upward delay.
    expect(r.histograms.ack_latency_actual?.summary.p50).toBeGreaterThanOrEqual(30_000);
    expect(r.markers.filter((m) => m.label.startsWith('latency')).map((m) => m.label)).toEqual([
      'latency on (2 session(s))',
      'latency off',
    ]);
  });

  it('a bandwidth squeeze builds a backlog that drains afterwards', async () => {
    const r = await benchThroughFaults([
      STEADY,
      'faults: [{ at: 300ms, duration: 800ms, kind: bandwidth, bytesPerSecond: 2000, direction: up, share: 1 }]',
    ]);
    expectClean(r);
    expect(histogramCount(r, 'recovery_time')).toBe(SESSIONS);
  });

  it('a mid-frame reset breaks every connection; the sessions resume and lose nothing', async () => {
    const r = await benchThroughFaults([
      STEADY,
      'faults: [{ at: 700ms, kind: reset, midFrame: true, share: 1 }]',
    ]);
    expectClean(r);
    expect(r.checkCounts.networkFaults).toBe(SESSIONS);
    expect(r.checkCounts.networkEnds).toBe(SESSIONS);
    expect(r.counters.unplanned_resumes).toBe(SESSIONS);
    expect(histogramCount(r, 'recovery_time')).toBe(SESSIONS);
  });

  it('resets every 500 ms', async () => {
    const r = await benchThroughFaults([
      STEADY,
      'faults: [{ at: 200ms, kind: reset, every: 500ms, duration: 1500ms, share: 0.5 }]',
    ]);
    expectClean(r);
    expect(r.checkCounts.networkFaults).toBe(3);
    expect(r.markers.filter((m) => m.label.startsWith('reset on'))).toHaveLength(3);
  });

  it('a black hole is found by keepalive, the session resumes on a new connection before it ends', async () => {
    const r = await benchThroughFaults([
      STEADY,
      'faults: [{ at: 300ms, duration: 1500ms, kind: blackhole, share: 1 }]',
    ]);
    expectClean(r);
    expect(histogramCount(r, 'detection_time')).toBe(SESSIONS);
    expect(r.counters.unplanned_resumes).toBe(SESSIONS);
    expect(r.checkCounts.networkEnds).toBe(SESSIONS);
  });

  it('stalled reads: the acks pile up unread until keepalive gives up the connection', async () => {
    const r = await benchThroughFaults([
      STEADY,
      'faults: [{ at: 300ms, duration: 1500ms, kind: stall-reads, share: 1 }]',
    ]);
    expectClean(r);
    expect(histogramCount(r, 'detection_time')).toBe(SESSIONS);
  });

  it('a slow close holds the final close back and loses nothing', async () => {
    const r = await benchThroughFaults([
      STEADY,
      'faults: [{ at: 1s, kind: slow-close, delay: 300ms, share: 1 }]',
    ]);
    expectClean(r);
  });
});
