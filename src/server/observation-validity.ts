// Per-observation validity (VAL-1..VAL-4): what is wrong with an episode, or undefined.
import type { Episode } from '../protocol/messages.js';

export function invalidity(episode: Episode, dim: number, maxTextBytes: number): string | undefined {
  const e = episode.embedding;
  if (e.length === 0) return `the observation has no embedding; send ${dim} floats in Episode.embedding`;
  if (e.length !== dim) return `the embedding has ${e.length} values but this server needs ${dim}`;
  for (let i = 0; i < e.length; i++) {
    if (!Number.isFinite(e[i])) return `embedding value ${i} is ${e[i]}; only finite numbers are allowed`;
  }
  // Cheap bound first: a UTF-8 string has at most 3 bytes per UTF-16 unit.
  if (episode.what.length * 3 > maxTextBytes) {
    const bytes = Buffer.byteLength(episode.what, 'utf8');
    if (bytes > maxTextBytes) return `Episode.what is ${bytes} bytes; the limit is ${maxTextBytes}`;
  }
  return undefined;
}
