// Episodes for conformance cases: valid ones with an embedding of their own (so a
// recall by exact embedding finds exactly that episode), and the invalid kinds the
// spec names (VAL-1..4).

import type { Episode } from '../protocol/messages.js';
import { emptyEpisode } from '../protocol/messages.js';
import { seededRandom } from '../util/seeded-random.js';

export class CaseEpisodes {
  private readonly random: () => number;
  private count = 0;

  constructor(
    private readonly idPrefix: string,
    readonly dim: number,
    seed: number,
  ) {
    this.random = seededRandom(seed);
  }

  /** A unit vector of the target's dimension, unlike every other one this case makes. */
  embedding(dim = this.dim): Float32Array {
    const v = new Float32Array(dim);
    let sum = 0;
    for (let i = 0; i < dim; i++) {
      const x = this.random() * 2 - 1;
      v[i] = x;
      sum += x * x;
    }
    const norm = Math.sqrt(sum) || 1;
    for (let i = 0; i < dim; i++) v[i] = (v[i] as number) / norm;
    return v;
  }

  /** A valid episode with a fresh id and embedding. */
  valid(overrides: Partial<Episode> = {}): Episode {
    this.count++;
    const id = `${this.idPrefix}-e${this.count}`;
    return {
      ...emptyEpisode(),
      id,
      what: `engram-stream conformance observation ${id}`,
      embedding: this.embedding(),
      ...overrides,
    };
  }

  /** VAL-1: one element too many. */
  wrongDimension(): Episode {
    return this.valid({ embedding: this.embedding(this.dim + 1) });
  }

  /** VAL-2: a NaN in the middle. */
  withNaN(): Episode {
    const e = this.valid();
    e.embedding[Math.floor(this.dim / 2)] = Number.NaN;
    return e;
  }

  /** VAL-2: an infinite value. */
  withInfinity(): Episode {
    const e = this.valid();
    e.embedding[0] = Number.POSITIVE_INFINITY;
    return e;
  }

  /** VAL-3: no embedding at all. */
  withoutEmbedding(): Episode {
    return this.valid({ embedding: new Float32Array(0) });
  }

  /** VAL-4: `what` one byte over the limit. */
  oversizeText(maxTextBytes: number): Episode {
    return this.valid({ what: 'x'.repeat(maxTextBytes + 1) });
  }
}
