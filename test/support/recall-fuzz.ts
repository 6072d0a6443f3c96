// Hostile RecallStream requests (fast-check): bad or missing cues, vectors of the
// wrong length or with NaN and huge values, extreme and negative result limits,
// thresholds of any float, invalid space ids. Every call must end with a status.
import * as grpc from '@grpc/grpc-js';
import fc from 'fast-check';
import type { EngramClient } from '../../src/protocol/service-definition.js';

export interface RecallFuzzReport {
  calls: number;
  /** gRPC status names and how many calls ended with each. */
  endCodes: Record<string, number>;
  violations: string[];
}

function requestArb(dim: number, spaces: string[]): fc.Arbitrary<unknown> {
  const floats = fc.float({ noDefaultInfinity: false, noNaN: false });
  const vector = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.array(fc.float({ min: -1, max: 1, noNaN: true }), { minLength: dim, maxLength: dim }),
    },
    { weight: 2, arbitrary: fc.array(floats, { minLength: dim, maxLength: dim }) },
    { weight: 1, arbitrary: fc.array(fc.float({ noNaN: true }), { maxLength: dim * 3 }) },
    { weight: 1, arbitrary: fc.constant(new Array<number>(dim).fill(0)) },
  );
  const cue = fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({
        id: fc.string({ maxLength: 10 }),
        embedding: fc.record({ vector, similarityThreshold: floats }),
        maxResults: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
      }),
    },
    { weight: 1, arbitrary: fc.record({ id: fc.string({ maxLength: 10 }) }) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
  return fc.record({
    memorySpaceId: fc.oneof(fc.constantFrom(...spaces), fc.string({ maxLength: 70 })),
    sessionId: fc.string({ maxLength: 10 }),
    cue,
    maxResults: fc.oneof(fc.nat(2000), fc.constant(0), fc.constant(2 ** 32 - 1)),
    snapshotIsolation: fc.boolean(),
  });
}

export async function fuzzRecall(
  client: EngramClient,
  o: { dim: number; spaces: string[]; calls: number; parallel: number; seed: number; timeoutMs: number },
): Promise<RecallFuzzReport> {
  const requests = fc.sample(requestArb(o.dim, o.spaces), { seed: o.seed, numRuns: o.calls });
  const report: RecallFuzzReport = { calls: 0, endCodes: {}, violations: [] };
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const i = next++;
      const call = client.RecallStream(requests[i], new grpc.Metadata(), {
        deadline: Date.now() + o.timeoutMs,
      });
      const code = await new Promise<number>((resolve) => {
        call.on('data', () => {});
        call.on('error', () => {});
        call.on('status', (s: grpc.StatusObject) => resolve(s.code));
      });
      report.calls++;
      const name = grpc.status[code] ?? String(code);
      report.endCodes[name] = (report.endCodes[name] ?? 0) + 1;
      // UNKNOWN is a handler exception; DEADLINE_EXCEEDED a call the server never answered.
      if (code === grpc.status.UNKNOWN || code === grpc.status.DEADLINE_EXCEEDED) {
        report.violations.push(
          `request ${i} (seed ${o.seed}) ended with ${name}: ${JSON.stringify(requests[i]).slice(0, 200)}`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: o.parallel }, worker));
  return report;
}
