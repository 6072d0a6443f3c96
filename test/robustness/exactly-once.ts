// After a fault: is every accepted observation of a session visible exactly once?
// Recall by each observation's own embedding must return its id first, and only once.
import type * as grpc from '@grpc/grpc-js';
import type { EngramClient } from '../../src/protocol/service-definition.js';
import { recallIds } from '../support/recall.js';
import { episodeEmbedding } from '../support/reliable-sender.js';

export interface Visibility {
  found: number;
  missing: bigint[];
  twice: bigint[];
}

export async function checkExactlyOnce(
  client: EngramClient,
  memorySpaceId: string,
  sessionId: string,
  total: number,
  dim: number,
  metadata?: grpc.Metadata,
): Promise<Visibility> {
  const v: Visibility = { found: 0, missing: [], twice: [] };
  let next = 1;
  const worker = async () => {
    while (next <= total) {
      const seq = BigInt(next++);
      const id = `${sessionId}-${seq}`;
      const ids = await recallIds(client, memorySpaceId, episodeEmbedding(sessionId, seq, dim), 3, metadata);
      const copies = ids.filter((x) => x === id).length;
      if (ids[0] !== id) v.missing.push(seq);
      else v.found++;
      if (copies > 1) v.twice.push(seq);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return v;
}
