import { status } from '@grpc/grpc-js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AckStatus, RejectReason } from '../../src/protocol/messages.js';
import { DIM, episode, recall, startTestServer, type TestServer, TestStream } from './harness.js';

type Action =
  | { kind: 'valid' }
  | { kind: 'gap'; ahead: number }
  | { kind: 'duplicate'; back: number }
  | { kind: 'retry' }
  | { kind: 'invalid' };

const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 4, arbitrary: fc.constant<Action>({ kind: 'valid' }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }).map<Action>((ahead) => ({ kind: 'gap', ahead })) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 0, max: 5 }).map<Action>((back) => ({ kind: 'duplicate', back })),
  },
  { weight: 1, arbitrary: fc.constant<Action>({ kind: 'retry' }) },
  { weight: 1, arbitrary: fc.constant<Action>({ kind: 'invalid' }) },
);

interface Send {
  seq: bigint;
  valid: boolean;
  episodeIndex: number;
}

/** Turns actions into sends the way a pipelining client might: it advances its own cursor optimistically. */
function plan(actions: Action[], firstEpisode: number): Send[] {
  let cursor = 0n;
  let last: Send | undefined;
  return actions.map((a, i) => {
    const episodeIndex = firstEpisode + i;
    let send: Send;
    if (a.kind === 'valid') send = { seq: ++cursor, valid: true, episodeIndex };
    else if (a.kind === 'gap') send = { seq: cursor + 1n + BigInt(a.ahead), valid: true, episodeIndex };
    else if (a.kind === 'duplicate') {
      const back = BigInt(a.back);
      send = { seq: cursor >= back ? cursor - back : 0n, valid: true, episodeIndex };
    } else if (a.kind === 'retry') send = { seq: last?.seq ?? 1n, valid: true, episodeIndex };
    else send = { seq: cursor + 1n, valid: false, episodeIndex };
    last = send;
    return send;
  });
}

describe('sequencer property', () => {
  let t: TestServer;
  let nextEpisode = 50_000;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.stop());

  it('[SEQ-1][SEQ-3][SEQ-4][SEQ-5][ACK-1][ACK-2][ACK-3][ACK-5][ACK-6][ACK-7][VAL-6] any interleaving of valid, gapped, duplicated, retried and invalid sends: ACCEPTED acks run 1..n once each, rejected ones are never indexed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 30 }), async (actions) => {
        const sends = plan(actions, nextEpisode);
        nextEpisode += sends.length;
        const s = await TestStream.init(t.client);
        for (const x of sends) {
          const ep = episode(x.episodeIndex);
          s.send(x.seq, x.valid ? ep : { ...ep, embedding: new Float32Array(DIM + 1) });
        }
        await s.untilOutcomes(sends.length);

        // The reference model: one expected sequence, advanced only by an acceptance.
        let expected = 1n;
        const outcomes = s.outcomes();
        expect(outcomes).toHaveLength(sends.length);
        const accepted: bigint[] = [];
        sends.forEach((x, i) => {
          const got = outcomes[i];
          expect(got?.seq).toBe(x.seq);
          if (x.seq === expected && x.valid) {
            expect(got?.status).toBe(AckStatus.ACCEPTED);
            accepted.push(x.seq);
            expected++;
          } else {
            const reason =
              x.seq > expected
                ? RejectReason.SEQUENCE_GAP
                : x.seq < expected
                  ? RejectReason.DUPLICATE_SEQUENCE
                  : RejectReason.INVALID_OBSERVATION;
            expect(got).toMatchObject({ status: AckStatus.REJECTED, reason, expectedSequence: expected });
          }
        });
        expect(accepted).toEqual(Array.from({ length: accepted.length }, (_, i) => BigInt(i + 1)));

        s.rs.close(true, expected - 1n);
        expect((await s.rs.ended).code).toBe(status.OK);
        for (const [i, x] of sends.entries()) {
          const id = `ep-${x.episodeIndex}`;
          const found = await recall(t.client, episode(x.episodeIndex).embedding, 5);
          const hits = found.results.filter((m) => m.id === id).length;
          expect(hits).toBe(outcomes[i]?.status === AckStatus.ACCEPTED ? 1 : 0);
        }
      }),
      { numRuns: 15 },
    );
  });
});
