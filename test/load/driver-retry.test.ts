// Go-back-N, deterministically: a tiny sequencer server in the test accepts
// observations in order, rejects one sequence once as OVERLOADED with a
// retry-after, and rejects what was pipelined behind it as SEQUENCE_GAP. The
// driver must wait the retry-after, resend from the rejected sequence, get every
// observation accepted exactly once, and charge the wait to the latency measured
// from the intended send time.
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { runBench } from '../../src/load/run/run-bench.js';
import { parseScenario } from '../../src/load/scenario/load-scenario.js';
import {
  AckStatus,
  emptyAck,
  emptyStatus,
  noCapabilities,
  type ObservationRequest,
  type ObservationResponse,
  RejectReason,
  StreamState,
} from '../../src/protocol/messages.js';
import { engramServiceDefinition } from '../../src/protocol/service-definition.js';
import { decodeHistogram } from '../../src/stats/histogram.js';

const DIM = 8;
const OVERLOADED_AT = 10n;
const RETRY_AFTER_MS = 40;

type Call = grpc.ServerDuplexStream<ObservationRequest, ObservationResponse>;

function sequencer(call: Call): void {
  const sessionId = randomUUID();
  let expected = 1n;
  let overloadedOnce = false;
  const reply = (seq: bigint, ack: Partial<ReturnType<typeof emptyAck>>) =>
    call.write({ result: { case: 'ack', ack: { ...emptyAck(), ...ack } }, sessionId, sequenceNumber: seq });
  call.on('data', (m: ObservationRequest) => {
    const op = m.operation;
    if (op?.case === 'init') {
      call.write({
        result: {
          case: 'initAck',
          initAck: {
            sessionId,
            initialSequence: 0n,
            capabilities: { ...noCapabilities(), embeddingDim: DIM, supportsBackpressure: true },
          },
        },
        sessionId,
        sequenceNumber: 0n,
      });
    } else if (op?.case === 'observation') {
      const seq = m.sequenceNumber;
      const rejected = { status: AckStatus.REJECTED, expectedSequence: expected };
      if (seq > expected) reply(seq, { ...rejected, reason: RejectReason.SEQUENCE_GAP });
      else if (seq < expected) reply(seq, { ...rejected, reason: RejectReason.DUPLICATE_SEQUENCE });
      else if (seq === OVERLOADED_AT && !overloadedOnce) {
        overloadedOnce = true;
        reply(seq, { ...rejected, reason: RejectReason.OVERLOADED, retryAfterMs: RETRY_AFTER_MS });
      } else {
        expected++;
        reply(seq, { status: AckStatus.ACCEPTED });
      }
    } else if (op?.case === 'close') {
      call.write({
        result: { case: 'status', status: { ...emptyStatus(), state: StreamState.CLOSED } },
        sessionId,
        sequenceNumber: 0n,
      });
      call.end();
    }
  });
  call.on('error', () => {});
}

let server: grpc.Server | undefined;
afterEach(() => {
  server?.forceShutdown();
  server = undefined;
});

describe('go-back-N retries', () => {
  it('[FLOW-3] [SEQ-3] waits retry_after_ms after OVERLOADED, resends from there, loses nothing', async () => {
    server = new grpc.Server();
    server.addService(engramServiceDefinition(), { ObserveStream: sequencer });
    const port = await new Promise<number>((resolve, reject) =>
      server?.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) =>
        err ? reject(err) : resolve(p),
      ),
    );
    const scenario = parseScenario(
      [
        'name: retry',
        'memorySpaces: [retry-space]',
        `dim: ${DIM}`,
        'sessions: 1',
        'sendWindow: 64',
        'indexAcks: false',
        'phases: [{ name: steady, duration: 1s, shape: constant, rate: 200 }]',
        'close: { drain: false }',
      ].join('\n'),
      'retry.yaml',
    );
    const r = await runBench({ scenario, target: `127.0.0.1:${port}`, workers: 0 });
    expect(r.findings).toEqual([]);
    expect(r.counters.offered).toBe(200);
    expect(r.counters.accepted).toBe(200);
    expect(r.checkCounts.accepted).toBe(200);
    expect(r.counters['rejected{OVERLOADED}']).toBe(1);
    // The rejected one and whatever was pipelined behind it were sent again, each once more.
    const gaps = r.counters['rejected{SEQUENCE_GAP}'] ?? 0;
    expect(r.counters.retries).toBe(1 + gaps);
    expect(r.counters.sent).toBe(200 + 1 + gaps);
    // Observation 10 waited at least the retry-after: the latency from its intended time shows it.
    const latency = decodeHistogram(r.histograms.ack_latency as never);
    expect(latency.maxValue / 1000).toBeGreaterThanOrEqual(RETRY_AFTER_MS);
  });
});
