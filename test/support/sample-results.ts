// Results built in tests with the real histogram helpers: hostile strings included,
// so every rendering is checked against server-provided text.

import { zeroCheckCounts } from '../../src/check/findings.js';
import type { BenchResults, CaseResult, ConformResults, SeriesPoint } from '../../src/results/results.js';
import { encodeHistogram, newHistogram, recordMs } from '../../src/stats/histogram.js';
import { seededRandom as seeded } from '../../src/util/seeded-random.js';

export const HOSTILE = '<script>alert("x")</script>&\u0001\u001b[31m\uFFFE';

const environment = {
  node: 'v20.19.0',
  platform: 'linux',
  arch: 'x64',
  cpus: 2,
  cpuModel: 'Test CPU',
  memoryGiB: 8,
  hostname: 'test-host',
};

export function sampleBench(seconds = 30, startEpochMs = Date.UTC(2026, 10, 27, 18, 0, 0)): BenchResults {
  const rnd = seeded(7);
  const ack = newHistogram();
  const stale = newHistogram();
  const series: SeriesPoint[] = [];
  for (let s = 0; s < seconds; s++) {
    const phase = s < seconds / 2 ? 'warmup' : 'steady';
    const offered = phase === 'warmup' ? 100 : 200;
    const a = newHistogram();
    const st = newHistogram();
    for (let i = 0; i < offered; i++) {
      const lat = 0.5 + rnd() * 3 + (rnd() < 0.01 ? 40 : 0);
      const sl = 5 + rnd() * 20;
      recordMs(a, lat);
      recordMs(ack, lat);
      recordMs(st, sl);
      recordMs(stale, sl);
    }
    const rejected: Record<string, number> = s % 7 === 3 ? { BACKPRESSURE: 4, SEQUENCE_GAP: 1 } : {};
    series.push({
      second: s,
      epochMs: startEpochMs + s * 1000,
      phase,
      offered,
      sent: offered,
      accepted: offered - (s % 7 === 3 ? 5 : 0),
      rejected,
      indexed: offered,
      inFlight: 10 + Math.round(rnd() * 20),
      ackLatency: encodeHistogram(a),
      staleness: encodeHistogram(st),
      serverState: s % 7 === 3 ? 'BACKPRESSURE' : 'ACTIVE',
    });
  }
  const half = Math.floor(seconds / 2);
  return {
    schemaVersion: 2,
    tool: { name: 'engram-stream', version: '0.1.0' },
    startedAt: new Date(startEpochMs).toISOString(),
    durationMs: seconds * 1000,
    target: { address: '127.0.0.1:50051', embedded: true, tls: false },
    environment,
    verdict: 'failed',
    verdictReasons: ['staleness.p99 < 20ms failed: measured 24.9 ms', `server said: ${HOSTILE}`],
    findings: [
      {
        kind: 'silent-drop',
        severity: 'fail',
        count: 3,
        message: `3 observations got no outcome ${HOSTILE}`,
        examples: [{ session: 's-1', seq: '42', t: 1234.5, note: 'sent, never acknowledged' }],
      },
    ],
    kind: 'bench',
    scenario: {
      name: 'sample',
      file: 'scenarios/sample.yaml',
      description: 'A sample run',
      digest: 'abc123',
      source: 'name: sample\n',
    },
    shard: { index: 0, count: 1 },
    histograms: { ack_latency: encodeHistogram(ack), staleness: encodeHistogram(stale) },
    counters: { sent: 4500, accepted: 4480, rejected: 20 },
    checkCounts: { ...zeroCheckCounts(), sent: 4500, silentDrops: 3, rejectedByReason: { OVERLOADED: 20 } },
    phases: [
      {
        name: 'warmup',
        startMs: 0,
        durationMs: half * 1000,
        shape: 'constant',
        offeredRate: 100,
        histograms: {},
        counters: {},
      },
      {
        name: 'steady',
        startMs: half * 1000,
        durationMs: (seconds - half) * 1000,
        shape: 'constant',
        offeredRate: 200,
        histograms: {},
        counters: {},
      },
    ],
    series,
    markers: [
      { t: half * 1000, kind: 'phase', label: 'steady' },
      { t: (half + 3) * 1000, kind: 'fault', label: `disconnect 10% ${HOSTILE}` },
    ],
    thresholds: [
      {
        expression: 'ack_latency.p99 < 50ms',
        scope: 'run',
        metric: 'ack_latency.p99',
        op: '<',
        value: 50,
        unit: 'ms',
        actual: 3.9,
        passed: true,
      },
      {
        expression: 'staleness.p99 < 20ms',
        scope: 'run',
        metric: 'staleness.p99',
        op: '<',
        value: 20,
        unit: 'ms',
        actual: 24.9,
        passed: false,
      },
      {
        expression: 'silent_drops == 0',
        scope: 'run',
        metric: 'silent_drops',
        op: '==',
        value: 0,
        unit: '',
        actual: 3,
        passed: false,
      },
      {
        expression: 'staleness_probe.p99 < 1s',
        scope: 'steady',
        metric: 'staleness_probe.p99',
        op: '<',
        value: 1000,
        unit: 'ms',
        actual: null,
        passed: null,
        note: 'no probes',
      },
    ],
    generator: {
      eventLoopLagP99Ms: 2.1,
      eventLoopLagMaxMs: 9,
      cpuPercent: 35,
      lateSendShare: 0.001,
      lateSends: 4,
      heldBySendWindow: 0,
      bottleneck: false,
    },
    unavailable: [{ metric: 'staleness_probe', why: 'the server has no RecallStream' }],
  };
}

const baseCase = (
  id: string,
  outcome: CaseResult['outcome'],
  extra: Partial<CaseResult> = {},
): CaseResult => ({
  id,
  category: id.split('-')[0]?.toLowerCase() ?? 'misc',
  clauses: [`${id.split('-')[0]}-1`],
  requirement: `requirement of ${id}`,
  outcome,
  durationMs: 12.5,
  findings: [],
  transcript: [
    { t: 0, dir: 'out', stream: 1, text: 'init space=default' },
    { t: 1.5, dir: 'in', stream: 1, text: `init ack ${HOSTILE}` },
    { t: 2, dir: 'note', text: 'checking' },
  ],
  ...extra,
});

export function sampleConform(): ConformResults {
  const cases = [
    baseCase('SEQ-1', 'PASS'),
    baseCase('SEQ-2', 'FAIL', { expected: 'REJECTED SEQUENCE_GAP', actual: `ACCEPTED ${HOSTILE}` }),
    baseCase('SES-1', 'ERROR', { reason: 'connection refused' }),
    baseCase('RES-1', 'SKIP', { reason: 'server lacks resume' }),
    baseCase('IDX-1', 'INCONCLUSIVE', { reason: 'only 3 samples' }),
    baseCase('FLOW-1', 'NON-STRICT', { reason: 'no retry hint', transcriptOmitted: 12 }),
  ];
  return {
    schemaVersion: 2,
    tool: { name: 'engram-stream', version: '0.1.0' },
    startedAt: '2026-11-27T18:00:00.000Z',
    durationMs: 900,
    target: { address: '127.0.0.1:50051', embedded: false, tls: false },
    environment,
    verdict: 'failed',
    verdictReasons: ['1 case failed', '1 case errored'],
    findings: [],
    kind: 'conform',
    strict: false,
    counts: { PASS: 1, 'NON-STRICT': 1, FAIL: 1, SKIP: 1, INCONCLUSIVE: 1, ERROR: 1 },
    cases,
  };
}
