// Episodes for the generator, encoded once. Encoding a 768-float embedding costs
// far more than writing it, so each distinct embedding is encoded a single time
// (encodeEpisode) and every send only frames it under a new sequence. Probes need
// an embedding no other observation has (recall by exact embedding must find
// that one episode), so they are made and encoded one by one.
import type { Episode } from '../../protocol/messages.js';
import { emptyEpisode } from '../../protocol/messages.js';
import { encodeEpisode } from '../../protocol/observation-codec.js';
import type { PreEncodedEpisode } from '../../protocol/recorded-stream.js';
import { seededRandom } from '../../util/seeded-random.js';
import type { EmbeddingDistribution } from '../scenario/scenario.js';

/** Distinct pre-encoded episodes per worker: enough variety for the index, small in memory. */
export const DEFAULT_POOL_SIZE = 256;

export interface ProbeEpisode extends PreEncodedEpisode {
  embedding: Float32Array;
}

/** A unit vector drawn from the distribution; unit length keeps cosine and L2 recall alike. */
export class EmbeddingSource {
  private readonly random: () => number;
  private readonly centres: Float32Array[] = [];

  constructor(
    private readonly dim: number,
    private readonly distribution: EmbeddingDistribution,
    /** Keeps workers and sessions on distinct, reproducible streams. */
    stream: number,
  ) {
    this.random = seededRandom((distribution.seed ^ Math.imul(stream + 1, 0x9e3779b1)) >>> 0);
    if (distribution.kind === 'clustered') {
      // Centres come from the distribution's own seed so every worker shares them.
      const centreRandom = seededRandom(distribution.seed);
      for (let c = 0; c < distribution.clusters; c++) this.centres.push(this.gaussianVector(centreRandom));
    }
  }

  private gaussianVector(random: () => number): Float32Array {
    const v = new Float32Array(this.dim);
    for (let i = 0; i < this.dim; i++) {
      // Box-Muller; 1 - u keeps the logarithm finite.
      const u = 1 - random();
      v[i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
    }
    return v;
  }

  next(): Float32Array {
    const d = this.distribution;
    const v = this.gaussianVector(this.random);
    if (d.kind === 'clustered') {
      const centre = this.centres[Math.floor(this.random() * this.centres.length)] as Float32Array;
      for (let i = 0; i < this.dim; i++) v[i] = (centre[i] as number) + d.spread * (v[i] as number);
    }
    return normalize(v);
  }
}

function normalize(v: Float32Array): Float32Array {
  let sum = 0;
  for (const x of v) sum += x * x;
  const norm = Math.sqrt(sum) || 1;
  for (let i = 0; i < v.length; i++) v[i] = (v[i] as number) / norm;
  return v;
}

function episode(id: string, embedding: Float32Array): Episode {
  return { ...emptyEpisode(), id, what: `engram-stream bench observation ${id}`, embedding };
}

export class EpisodePool {
  private readonly pool: PreEncodedEpisode[] = [];
  private cursor = 0;

  constructor(
    private readonly source: EmbeddingSource,
    /** Prefix of episode ids, unique per worker, e.g. "w0". */
    private readonly idPrefix: string,
    size = DEFAULT_POOL_SIZE,
  ) {
    for (let i = 0; i < size; i++) {
      const id = `${idPrefix}-e${i}`;
      this.pool.push({ id, bytes: encodeEpisode(episode(id, source.next())) });
    }
  }

  /** The next pooled episode, round robin. */
  next(): PreEncodedEpisode {
    const e = this.pool[this.cursor] as PreEncodedEpisode;
    this.cursor = (this.cursor + 1) % this.pool.length;
    return e;
  }

  /** A fresh episode with its own embedding, for a recall probe. */
  probe(session: string, seq: number): ProbeEpisode {
    const id = `${this.idPrefix}-${session}-p${seq}`;
    const embedding = this.source.next();
    return { id, embedding, bytes: encodeEpisode(episode(id, embedding)) };
  }
}
