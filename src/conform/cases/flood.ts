// Offers more than the target can index, fast, on one stream, until it says
// OVERLOADED in-band (FLOW-4) or the offer limit is reached, then reads every
// outcome in order. The flow cases judge what the server said along the way.

import { encodeEpisode } from '../../protocol/observation-codec.js';
import type { PreEncodedEpisode } from '../../protocol/recorded-stream.js';
import type { CaseContext } from '../case-context.js';
import { type CaseStream, describeOutcome } from '../case-stream.js';
import type { AckEvent } from '../event-kinds.js';

/** Never offer more than this, whatever the capacity (memory and time of the tester). */
export const FLOOD_MAX = 50_000;
const POOL = 64;

export interface FloodResult {
  sent: number;
  /** The session's last accepted sequence once every outcome was read. */
  lastAccepted: bigint;
  overloaded: AckEvent[];
  /** Index in the case log where the flood began. */
  startIndex: number;
}

const isOverloadedAck = (stream: number) => (e: { type: string }) =>
  e.type === 'ack' && (e as AckEvent).stream === stream && (e as AckEvent).reason === 'OVERLOADED';

export async function flood(
  ctx: CaseContext,
  stream: CaseStream,
  from: bigint,
  /** Called once, as soon as the first OVERLOADED rejection arrives, before outcomes are read. */
  onOverload?: (first: AckEvent) => void,
): Promise<FloodResult> {
  const cap = ctx.caps.queueCapacity;
  const limit = Math.min(Math.max(16 * cap, 4000), FLOOD_MAX);
  // Big chunks offer fastest; a caller that reacts to the overload needs it noticed
  // promptly, before hundreds more are in flight, so it gets small ones.
  const chunk = onOverload ? Math.max(16, Math.floor(cap / 8)) : Math.max(64, cap);
  const pool: PreEncodedEpisode[] = [];
  for (let i = 0; i < POOL; i++) {
    const e = ctx.episodes.valid();
    pool.push({ id: e.id, bytes: encodeEpisode(e) });
  }
  const startIndex = ctx.log.events.length;
  const overloadedNow = isOverloadedAck(stream.id);
  let scan = startIndex;
  let first: AckEvent | undefined;
  let sent = 0;
  ctx.note(
    `flooding: up to ${limit} observations in chunks of ${chunk} until OVERLOADED (queue capacity ${cap})`,
  );
  while (sent < limit && !first && !stream.isEnded) {
    let room = true;
    for (let i = 0; i < chunk && sent < limit; i++, sent++) {
      room = stream.send(from + BigInt(sent), pool[sent % POOL] as PreEncodedEpisode) && room;
    }
    if (!room) await stream.rs.drained();
    // Let responses in before deciding whether to go on.
    await new Promise((resolve) => setImmediate(resolve));
    for (; scan < ctx.log.events.length && !first; scan++) {
      const e = ctx.log.events[scan];
      if (e && overloadedNow(e)) first = e as AckEvent;
    }
  }
  if (first) onOverload?.(first);
  ctx.note(`sent ${sent}; reading every outcome`);
  let expected = from;
  const overloaded: AckEvent[] = [];
  for (let i = 0; i < sent; i++) {
    const o = await stream.nextOutcome(ctx.scaled(10_000));
    if (o.kind === 'ack' && o.ack.status === 'ACCEPTED' && o.ack.seq === expected) {
      expected++;
      continue;
    }
    if (o.kind === 'ack' && o.ack.status === 'REJECTED' && o.ack.expectedSequence === expected) {
      if (o.ack.reason === 'OVERLOADED' && o.ack.seq === expected) {
        overloaded.push(o.ack);
        continue;
      }
      if (o.ack.reason === 'SEQUENCE_GAP' && o.ack.seq > expected) continue;
    }
    return ctx.fail(
      `for flood send ${i + 1} of ${sent}: ACCEPTED seq=${expected}, REJECTED OVERLOADED seq=${expected}, or a SEQUENCE_GAP behind a rejection (expected_sequence=${expected})`,
      describeOutcome(o),
    );
  }
  return { sent, lastAccepted: expected - 1n, overloaded, startIndex };
}
