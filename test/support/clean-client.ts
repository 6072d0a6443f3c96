// After a fault or a fuzz run: can an ordinary client still stream, close with drain
// and find its observations by recall?
import { randomUUID } from 'node:crypto';
import type * as grpc from '@grpc/grpc-js';
import { AckStatus, emptyEpisode } from '../../src/protocol/messages.js';
import { RecordedStream } from '../../src/protocol/recorded-stream.js';
import { runClock } from '../../src/protocol/run-clock.js';
import { makeEngramClient } from '../../src/protocol/service-definition.js';
import { recallIds } from './recall.js';

export async function cleanClientRoundTrip(
  address: string,
  dim: number,
  count: number,
  connection: { credentials?: grpc.ChannelCredentials; metadata?: grpc.Metadata; space?: string } = {},
): Promise<{ accepted: number; recalled: number }> {
  const client = makeEngramClient(address, connection.credentials);
  const space = connection.space ?? `clean-${randomUUID().slice(0, 8)}`;
  let accepted = 0;
  const s = RecordedStream.open(client, {
    stream: 0,
    session: 'clean',
    sink: () => {},
    clock: runClock(),
    metadata: connection.metadata,
    onResponse: (r) => {
      if (r.result?.case === 'ack' && r.result.ack.status === AckStatus.ACCEPTED) accepted++;
    },
  });
  s.init({ memorySpaceId: space, indexAcks: true });
  await s.initAck(10_000);
  const embeddings: Float32Array[] = [];
  for (let i = 1; i <= count; i++) {
    const embedding = unitVector(dim, i);
    embeddings.push(embedding);
    s.send(BigInt(i), { ...emptyEpisode(), id: `clean-${i}`, embedding });
  }
  s.close(true, BigInt(count));
  await s.ended;
  let recalled = 0;
  for (const [i, embedding] of embeddings.entries()) {
    const ids = await recallIds(client, space, embedding, 1, connection.metadata);
    if (ids[0] === `clean-${i + 1}`) recalled++;
  }
  client.close();
  return { accepted, recalled };
}

/** Distinct, deterministic directions: a recall by one finds it first. */
export function unitVector(dim: number, n: number): Float32Array {
  const v = new Float32Array(dim);
  for (let k = 0; k < dim; k++) v[k] = (Math.sin(n * 12.9898 + k * 78.233) * 43758.5453) % 1;
  return v;
}
