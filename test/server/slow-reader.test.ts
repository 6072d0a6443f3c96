import { describe, expect, it } from 'vitest';
import { initRequest } from '../../src/protocol/init-request.js';
import { AckStatus, type ObservationResponse } from '../../src/protocol/messages.js';
import { encodeEpisode, encodeObservationFrame } from '../../src/protocol/observation-codec.js';
import { episode, SPACE, sleep, startTestServer } from './harness.js';

describe('a client that does not read its acks', () => {
  it('[FLOW-2][ACK-1] makes the server stop reading instead of buffering without bound; reading again gets every ack', async () => {
    const t = await startTestServer({ queueCapacity: 100_000 });
    try {
      const call = t.client.ObserveStream();
      call.on('error', () => {});
      // The application reads nothing, but its gRPC library must still ask the transport for
      // messages once: grpc-js takes messages from HTTP/2 only into a Readable that was read
      // from, up to its 16-message buffer, then pauses the HTTP/2 stream, so flow control
      // reaches the server. A stream never read from at all keeps flowing and grpc-js holds
      // every message in an unbounded array of its own: then the server is never pushed back,
      // and this client, not the server, buffers without bound (seen: all 50,000 answered).
      call.read(0);
      call.write(initRequest({ memorySpaceId: SPACE, sessionId: 'slow-reader' }));
      const bytes = encodeEpisode(episode(1));
      const n = 50_000;
      let sent = 0;
      let stop = false;
      const sending = (async () => {
        for (let seq = 1; seq <= n && !stop; seq++) {
          sent = seq;
          const more = call.write(encodeObservationFrame(SPACE, 'slow-reader', BigInt(seq), bytes));
          if (!more) await new Promise((resolve) => call.once('drain', resolve));
        }
      })();
      // Nobody reads: once the transport windows fill, the server stops reading and the sender stalls.
      let before = -1;
      while (sent !== before) {
        before = sent;
        await sleep(500);
      }
      // Some thousands of acks fit in the transport windows and buffers; then nothing more is read.
      expect(sent).toBeLessThan(n);
      stop = true;

      const outcomes: bigint[] = [];
      call.on('data', (r: ObservationResponse) => {
        if (r.result?.case === 'ack' && r.result.ack.status === AckStatus.ACCEPTED)
          outcomes.push(r.sequenceNumber);
      });
      await sending;
      while (outcomes.length < sent) await sleep(50);
      expect(outcomes).toHaveLength(sent);
      expect(outcomes.at(-1)).toBe(BigInt(sent));
      call.end();
    } finally {
      await t.stop();
    }
  });
});
