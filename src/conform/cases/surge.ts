// A burst of normal observations on a session of its own, offered back to back and
// read in order (go-back-N after a refusal): it tops the queue up to its limit right
// before an observation whose admission a case judges. When the element limit is
// known, a session whose space could fill is closed and a fresh one takes over.

import type { PreEncodedEpisode } from '../../protocol/recorded-stream.js';
import type { CaseContext } from '../case-context.js';
import type { CaseStream } from '../case-stream.js';
import { drainClose } from './case-steps.js';
import { episodePool, nextFloodOutcome } from './flood.js';

export class Surge {
  readonly streamIds: number[] = [];
  private stream: CaseStream | undefined;
  private next = 1n;
  private expected = 1n;
  private inFlight = 0;
  private readonly pool: PreEncodedEpisode[];

  constructor(
    private readonly ctx: CaseContext,
    readonly size: number,
    private readonly indexAcks: boolean,
  ) {
    this.pool = episodePool(ctx);
  }

  /** Sends `size` observations from the first one not yet accepted, without waiting. */
  async send(): Promise<void> {
    const limit = this.ctx.env.known.maxElements;
    if (this.stream && limit !== undefined && this.expected + BigInt(this.size) > BigInt(limit))
      await this.close();
    if (!this.stream) {
      const { stream } = await this.ctx.start({
        session: `surge-${this.streamIds.length + 1}`,
        memorySpaceId: this.ctx.newSpace(),
        indexAcks: this.indexAcks,
      });
      this.stream = stream;
      this.streamIds.push(stream.id);
      this.next = 1n;
      this.expected = 1n;
    }
    for (let i = 0; i < this.size; i++, this.next++, this.inFlight++)
      this.stream.send(this.next, this.pool[i % this.pool.length] as PreEncodedEpisode);
  }

  /** Reads the outcome of everything sent; after a refusal the next surge starts from it again. */
  async read(): Promise<void> {
    const stream = this.stream;
    if (!stream) return;
    for (; this.inFlight > 0; this.inFlight--) {
      const o = await nextFloodOutcome(this.ctx, stream, this.expected);
      if (o.kind === 'accepted') this.expected++;
      else if (o.kind === 'refused') this.next = this.expected;
    }
  }

  /** Reads what is outstanding and closes the session with drain. */
  async close(): Promise<void> {
    const stream = this.stream;
    if (!stream) return;
    await this.read();
    this.stream = undefined;
    await drainClose(this.ctx, stream, this.expected - 1n);
  }
}
