// RecallStream by an embedding cue: the ids of the top results, best first.
import * as grpc from '@grpc/grpc-js';
import type { RecallResponse } from '../../src/protocol/messages.js';
import type { EngramClient } from '../../src/protocol/service-definition.js';

export function recallIds(
  client: EngramClient,
  memorySpaceId: string,
  embedding: Float32Array,
  maxResults: number,
  metadata = new grpc.Metadata(),
): Promise<string[]> {
  const call = client.RecallStream(
    { memorySpaceId, cue: { embedding: { vector: Array.from(embedding) } }, maxResults },
    metadata,
  );
  const ids: string[] = [];
  return new Promise((resolve, reject) => {
    call.on('data', (r: RecallResponse) => {
      for (const m of r.results) ids.push(m.id);
    });
    call.on('error', (err) => reject(err));
    call.on('end', () => resolve(ids));
  });
}
