// Per-observation validity (VAL-1..VAL-4, VAL-7): what is wrong with an episode, or undefined.
import type { Episode } from '../protocol/messages.js';

export function invalidity(episode: Episode, dim: number, maxTextBytes: number): string | undefined {
  const e = episode.embedding;
  if (e.length === 0) return `the observation has no embedding; send ${dim} floats in Episode.embedding`;
  if (e.length !== dim) return `the embedding has ${e.length} values but this server needs ${dim}`;
  let squares = 0;
  for (let i = 0; i < e.length; i++) {
    const v = e[i] as number;
    if (!Number.isFinite(v)) return `embedding value ${i} is ${v}; only finite numbers are allowed`;
    squares += v * v;
  }
  // Cosine similarity is undefined for a zero vector: it could never be recalled (VAL-7).
  if (squares === 0) return 'the embedding is all zeros; cosine similarity needs a non-zero vector';
  // Cheap bound first: a UTF-8 string has at most 3 bytes per UTF-16 unit.
  if (episode.what.length * 3 > maxTextBytes) {
    const bytes = Buffer.byteLength(episode.what, 'utf8');
    if (bytes > maxTextBytes) return `Episode.what is ${bytes} bytes; the limit is ${maxTextBytes}`;
  }
  return undefined;
}
