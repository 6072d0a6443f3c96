// Offers more than the target can index, on several streams at once, until it says
// OVERLOADED in-band (FLOW-4). One stream can be outrun by a target that indexes
// fast, so the flood offers on the case's stream plus helper streams, each its own
// session in its own fresh memory space: no space reaches its element limit before
// the shared queue fills. Every lane reads each outcome in order: a missing,
// reordered or wrong answer fails the case.

import { encodeEpisode } from '../../protocol/observation-codec.js';
import type { PreEncodedEpisode } from '../../protocol/recorded-stream.js';
import type { CaseContext } from '../case-context.js';
import { type CaseStream, describeOutcome } from '../case-stream.js';
import type { AckEvent } from '../event-kinds.js';
import { stallWatch } from '../tester-stall.js';
import { drainClose } from './case-steps.js';

/** Never offer more than this in all, whatever the capacity (memory and time of the tester). */
export const FLOOD_MAX = 100_000;
/** Streams offering at once: the case's own plus helpers (see docs/conformance.md for what this buys). */
export const FLOOD_STREAMS = 4;
/** Offering stops after this long (before --timeout-scale), overload or not. */
export const FLOOD_MS = 5000;
const POOL = 64;

export interface FloodOptions {
  /** Streams offering at once, the case's stream included. */
  streams?: number;
  /** Sequence numbers each lane leaves unused below the element limit, for the case's own later sends. */
  reserve?: number;
  /** The case's own stream (in the case's space) as the first lane; otherwise every lane is a helper. */
  main?: CaseStream;
  /** Goes on offering after the first OVERLOADED, holding the queue at its limit, until stopped. */
  sustain?: boolean;
  /** The helper lanes ask for INDEXED acks, so a case can see when their observations became visible. */
  indexAcks?: boolean;
  /** The helper lanes' sessions are `${label}-2`, `${label}-3`...: a case that floods twice needs another label. */
  label?: string;
}

export interface FloodLane {
  stream: CaseStream;
  space: string;
  /** Observations sent, retries included. */
  sent: number;
  /** The session's last accepted sequence once every outcome was read. */
  lastAccepted: bigint;
  overloaded: AckEvent[];
  /** The target said its memory space is full: this lane stopped offering. */
  spaceFull?: AckEvent;
}

export interface FloodResult {
  /** The case's own stream first, when it took part; the helpers are drained and closed. */
  lanes: FloodLane[];
  /** Every OVERLOADED rejection, of all lanes. */
  overloaded: AckEvent[];
  /** Index in the case log where the flood began. */
  startIndex: number;
  /** What was offered and for how long: the case's evidence. */
  offered: string;
  /** The tester's longest event-loop stall while offering, in ms. */
  stallMs: number;
}

export class Flood {
  readonly lanes: FloodLane[] = [];
  readonly startIndex: number;
  /** Resolves with the first OVERLOADED rejection, or undefined when offering ended without one. */
  readonly firstOverload: Promise<AckEvent | undefined>;
  private resolveFirst: (a: AckEvent | undefined) => void = () => {};
  private stopped = false;
  private lanesOffering = 0;
  /** Lanes named so far, the case's own stream included. */
  private named = 0;
  private startedAt = 0;
  private lastSentAt = 0;
  private stall = { stop: () => 0 };
  private stallMs = 0;
  private done: Promise<void> = Promise.resolve();
  private readonly pool: PreEncodedEpisode[];
  private readonly lastSeq: bigint;
  private readonly window: number;

  private constructor(
    private readonly ctx: CaseContext,
    private readonly o: FloodOptions,
  ) {
    this.startIndex = ctx.log.events.length;
    this.firstOverload = new Promise((resolve) => {
      this.resolveFirst = resolve;
    });
    const cap = ctx.caps.queueCapacity;
    const streams = o.streams ?? FLOOD_STREAMS;
    const total = Math.min(Math.max(16 * cap, 4000), FLOOD_MAX);
    let perLane = Math.ceil(total / streams);
    // A fresh space per lane holds at most the sequences it offers: stay under its limit.
    const limit = ctx.env.known.maxElements;
    if (limit !== undefined) perLane = Math.min(perLane, limit - (o.reserve ?? 0));
    this.lastSeq = BigInt(Math.max(1, perLane));
    this.window = Math.max(256, cap);
    this.pool = episodePool(ctx);
  }

  /** Opens the helper streams and starts offering on all of them, the case's own first. */
  static async start(ctx: CaseContext, o: FloodOptions = {}): Promise<Flood> {
    const f = new Flood(ctx, o);
    const streams = o.streams ?? FLOOD_STREAMS;
    if (o.main) {
      f.lanes.push(f.lane(o.main, ctx.space));
      f.named++;
    }
    while (f.lanes.length < streams) await f.helper();
    ctx.note(
      `flooding on ${streams} stream(s) at once, each up to seq ${f.lastSeq} in its own space (a stream ` +
        `that offered that many hands over to a fresh one), ` +
        `${o.sustain ? 'holding the queue at its limit' : 'until OVERLOADED'} ` +
        `(queue capacity ${ctx.caps.queueCapacity}, at most ${FLOOD_MS} ms)`,
    );
    f.startedAt = ctx.clock.now();
    f.stall = stallWatch();
    f.lanesOffering = f.lanes.length;
    const deadline = setTimeout(() => f.stop(), ctx.scaled(FLOOD_MS));
    f.done = Promise.all(f.lanes.map((l) => f.run(l))).then(
      () => {
        clearTimeout(deadline);
        f.resolveFirst(undefined);
      },
      (err: unknown) => {
        clearTimeout(deadline);
        f.resolveFirst(undefined);
        throw err;
      },
    );
    // A lane's failure is reported by finish(); until then it must not go unhandled.
    f.done.catch(() => {});
    return f;
  }

  /** Stops offering (lanes still read every outcome). */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.stallMs = this.stall.stop();
  }

  /** True once offering ended: stopped, or every lane offered all it may and read every outcome. */
  get isOver(): boolean {
    return this.stopped || this.lanesOffering === 0;
  }

  /** Waits for every outcome, drains and closes the helper streams, and says what was offered. */
  async finish(): Promise<FloodResult> {
    this.stop();
    await this.done;
    const helpers = this.lanes.filter((l) => l.stream !== this.o.main);
    await Promise.all(helpers.map((l) => drainClose(this.ctx, l.stream, l.lastAccepted)));
    const offered = this.offer().text;
    this.ctx.note(offered);
    return {
      lanes: this.lanes,
      overloaded: this.lanes.flatMap((l) => l.overloaded).sort((a, b) => a.t - b.t),
      startIndex: this.startIndex,
      offered,
      stallMs: this.stallMs,
    };
  }

  /** What was offered: observations (retries included), from the first send to the last. */
  offer(): { sent: number; ms: number; perSecond: number; text: string } {
    const sent = this.sent();
    const ms = Math.max(this.lastSentAt - this.startedAt, 1);
    const perSecond = Math.round((sent * 1000) / ms);
    const text = `offered ${sent} observations on ${this.lanes.length} stream(s) in ${ms.toFixed(0)} ms (${perSecond}/s)`;
    return { sent, ms, perSecond, text };
  }

  private lane(stream: CaseStream, space: string): FloodLane {
    return { stream, space, sent: 0, lastAccepted: 0n, overloaded: [] };
  }

  /** A helper lane: a session of its own in a fresh space. */
  private async helper(): Promise<FloodLane> {
    const space = this.ctx.newSpace();
    // Named before the await: lanes that run out together must not share a session name.
    this.named++;
    const { stream } = await this.ctx.start({
      session: `${this.o.label ?? 'flood'}-${this.named}`,
      memorySpaceId: space,
      indexAcks: this.o.indexAcks,
    });
    const lane = this.lane(stream, space);
    this.lanes.push(lane);
    return lane;
  }

  /**
   * Offers on a lane; once it offered all its space may hold, a fresh helper lane takes
   * over, so the flood goes on for its whole time (or up to FLOOD_MAX) unless stopped.
   */
  private async run(first: FloodLane): Promise<void> {
    let lane = first;
    for (;;) {
      await this.offerOn(lane);
      if (this.stopped || lane.stream.isEnded || this.sent() >= FLOOD_MAX) break;
      lane = await this.helper();
    }
    this.lanesOffering--;
  }

  private sent(): number {
    return this.lanes.reduce((n, l) => n + l.sent, 0);
  }

  /** One lane: a window of sends, every outcome read in order. */
  private async offerOn(lane: FloodLane): Promise<void> {
    const { ctx, lastSeq } = this;
    const { stream } = lane;
    let next = 1n;
    let expected = 1n;
    let inFlight = 0;
    for (;;) {
      const offering = !this.stopped && lane.spaceFull === undefined && !stream.isEnded;
      let room = true;
      const before = lane.sent;
      while (offering && room && next <= lastSeq && inFlight < this.window) {
        room = stream.send(next, this.pool[lane.sent % POOL] as PreEncodedEpisode);
        next++;
        inFlight++;
        lane.sent++;
      }
      if (lane.sent > before) this.lastSentAt = ctx.clock.now();
      if (!room) await stream.rs.drained();
      // Nothing in flight and nothing sent: offering is over for this lane.
      if (inFlight === 0) break;
      inFlight--;
      const o = await nextFloodOutcome(ctx, stream, expected);
      if (o.kind === 'accepted') expected++;
      else if (o.kind === 'refused') {
        if (o.ack.reason === 'SPACE_FULL') lane.spaceFull = o.ack;
        else this.overloadedAt(lane, o.ack);
        next = expected;
      }
      lane.lastAccepted = expected - 1n;
    }
  }

  private overloadedAt(lane: FloodLane, a: AckEvent): void {
    if (lane.overloaded.length === 0 && this.lanes.every((l) => l.overloaded.length === 0)) {
      this.resolveFirst(a);
      if (!this.o.sustain) this.stop();
    }
    lane.overloaded.push(a);
  }
}

/** Floods until the first OVERLOADED (or the offer limit); every outcome read, helpers closed. */
export async function flood(ctx: CaseContext, main: CaseStream, o: FloodOptions = {}): Promise<FloodResult> {
  const f = await Flood.start(ctx, { ...o, main });
  await f.firstOverload;
  return f.finish();
}

/** A few pre-encoded valid episodes to offer over and over (encoding each would slow the offer). */
export function episodePool(ctx: CaseContext): PreEncodedEpisode[] {
  const pool: PreEncodedEpisode[] = [];
  for (let i = 0; i < POOL; i++) {
    const e = ctx.episodes.valid();
    pool.push({ id: e.id, bytes: encodeEpisode(e) });
  }
  return pool;
}

export type FloodOutcome = { kind: 'accepted' } | { kind: 'refused'; ack: AckEvent } | { kind: 'gap' };

/**
 * The next outcome of a stream offering back to back, where `expected` is the next
 * sequence it has not seen accepted: ACCEPTED at it, REJECTED OVERLOADED or
 * SPACE_FULL at it, or a SEQUENCE_GAP behind such a refusal. Anything else fails the case.
 */
export async function nextFloodOutcome(
  ctx: CaseContext,
  stream: CaseStream,
  expected: bigint,
): Promise<FloodOutcome> {
  const o = await stream.nextOutcome(ctx.scaled(10_000));
  if (o.kind === 'ack' && o.ack.status === 'ACCEPTED' && o.ack.seq === expected) return { kind: 'accepted' };
  if (o.kind === 'ack' && o.ack.status === 'REJECTED' && o.ack.expectedSequence === expected) {
    const a = o.ack;
    if (a.seq === expected && (a.reason === 'OVERLOADED' || a.reason === 'SPACE_FULL'))
      return { kind: 'refused', ack: a };
    if (a.reason === 'SEQUENCE_GAP' && a.seq > expected) return { kind: 'gap' };
  }
  return ctx.fail(
    `for a flood send on stream ${stream.id}: ACCEPTED seq=${expected}, REJECTED OVERLOADED or SPACE_FULL ` +
      `seq=${expected}, or a SEQUENCE_GAP behind a rejection (expected_sequence=${expected})`,
    describeOutcome(o),
  );
}
