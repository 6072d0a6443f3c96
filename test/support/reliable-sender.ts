// One session that delivers observations 1..total whatever happens: go-back-N after
// rejections (OVERLOADED after retry_after_ms), a new stream and a resume whenever
// a stream breaks, and a drain close at the end. Everything goes through
// RecordedStream into a history sink, so the shared checker can judge the run.
import * as grpc from '@grpc/grpc-js';
import type { HistorySink } from '../../src/history/history.js';
import {
  AckStatus,
  emptyEpisode,
  type ObservationResponse,
  RejectReason,
  rejectReasonName,
  StreamState,
} from '../../src/protocol/messages.js';
import { encodeEpisode } from '../../src/protocol/observation-codec.js';
import { RecordedStream, type StreamEnd } from '../../src/protocol/recorded-stream.js';
import type { RunClock } from '../../src/protocol/run-clock.js';
import type { EngramClient } from '../../src/protocol/service-definition.js';
import { unitVector } from './clean-client.js';

export interface SenderOptions {
  client: () => EngramClient;
  memorySpaceId: string;
  sessionId: string;
  dim: number;
  total: number;
  /** Observations in flight at most. */
  window: number;
  /** Sends per second (paced on the clock); unlimited when absent. */
  rate?: number;
  /** Start by resuming the session, claiming this sequence. */
  resumeFrom?: bigint;
  sink: HistorySink;
  clock: RunClock;
  streamId: () => number;
  metadata?: grpc.Metadata;
  /** Called with each ACCEPTED sequence, in order. */
  onAccepted?: (seq: bigint) => void;
  onState?: (state: number, t: number) => void;
  /** Gives up when no progress was made for this long. */
  stallTimeoutMs?: number;
  /** Once true, nothing new is sent: the session closes with what was accepted so far. */
  stopSending?: () => boolean;
}

export interface SenderResult {
  accepted: bigint;
  /** The last INDEXED mark seen (cumulative). */
  indexed: bigint;
  streams: number;
  resumes: number;
  rejected: Record<string, number>;
  lastEnd?: StreamEnd;
}

/** The episode of a sequence: the same id and embedding on every resend. */
export function episodeBytes(sessionId: string, seq: bigint, dim: number): { id: string; bytes: Uint8Array } {
  const id = `${sessionId}-${seq}`;
  return {
    id,
    bytes: encodeEpisode({ ...emptyEpisode(), id, embedding: episodeEmbedding(sessionId, seq, dim) }),
  };
}

export function episodeEmbedding(sessionId: string, seq: bigint, dim: number): Float32Array {
  let h = 0;
  for (const c of sessionId) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return unitVector(dim, (h % 100_000) * 100_000 + Number(seq));
}

export async function sendReliably(o: SenderOptions): Promise<SenderResult> {
  const result: SenderResult = { accepted: 0n, indexed: 0n, streams: 0, resumes: 0, rejected: {} };
  const total = BigInt(o.total);
  let resume = o.resumeFrom !== undefined;
  let claimed = o.resumeFrom ?? 0n;
  let lastProgress = o.clock.now();
  const stall = o.stallTimeoutMs ?? 30_000;
  const start = o.clock.now();
  let sent = 0;
  let closeSent = false;

  while (true) {
    if (o.clock.now() - lastProgress > stall) throw new Error(`${o.sessionId}: no progress for ${stall} ms`);
    let next = 1n;
    let inflight = 0;
    let pauseUntil = 0;
    let wake: (() => void) | undefined;
    const poke = () => wake?.();
    const s = RecordedStream.open(o.client(), {
      stream: o.streamId(),
      session: o.sessionId,
      sink: o.sink,
      clock: o.clock,
      metadata: o.metadata,
      onResponse: (r: ObservationResponse, t: number) => {
        if (r.result?.case === 'status') o.onState?.(r.result.status.state, t);
        if (r.result?.case !== 'ack') return;
        const ack = r.result.ack;
        if (ack.status === AckStatus.INDEXED) {
          if (r.sequenceNumber > result.indexed) result.indexed = r.sequenceNumber;
          return;
        }
        inflight--;
        if (ack.status === AckStatus.ACCEPTED) {
          result.accepted = r.sequenceNumber;
          lastProgress = t;
          o.onAccepted?.(r.sequenceNumber);
        } else if (r.sequenceNumber === result.accepted + 1n) {
          // The first rejection at the expected sequence: go back to it (SEQ-7, FLOW-8).
          const name = rejectReasonName[ack.reason] ?? String(ack.reason);
          result.rejected[name] = (result.rejected[name] ?? 0) + 1;
          next = r.sequenceNumber;
          pauseUntil = t + (ack.reason === RejectReason.OVERLOADED ? Math.max(ack.retryAfterMs, 1) : 0);
        }
        poke();
      },
    });
    result.streams++;
    if (resume) result.resumes++;
    s.init({
      memorySpaceId: o.memorySpaceId,
      sessionId: o.sessionId,
      resume,
      claimedSequence: claimed,
      indexAcks: true,
    });
    let end: StreamEnd | undefined;
    s.ended.then((e) => {
      end = e;
      poke();
    });
    try {
      const ack = await s.initAck(10_000);
      result.accepted = ack.initialSequence;
      next = ack.initialSequence + 1n;
    } catch {
      s.cut();
      result.lastEnd = await s.ended;
      if (result.lastEnd.code === grpc.status.NOT_FOUND && resume) {
        // A close whose OK was lost with the connection: the session is gone because it closed.
        if (closeSent) return result;
        throw new Error(`${o.sessionId}: resume NOT_FOUND`);
      }
      await sleep(50);
      continue;
    }
    // The session now exists: any later stream resumes it.
    resume = true;
    let last = total;
    while (!end && result.accepted < last) {
      if (o.stopSending?.()) {
        if (inflight === 0) last = result.accepted;
        next = total + 1n;
      }
      const now = o.clock.now();
      const allowed = o.rate ? Math.floor(((now - start) / 1000) * o.rate) - sent : Number.POSITIVE_INFINITY;
      if (next <= total && inflight < o.window && now >= pauseUntil && allowed > 0) {
        inflight++;
        sent++;
        const room = s.send(next, episodeBytes(o.sessionId, next, o.dim));
        next++;
        if (!room) await s.drained();
        continue;
      }
      const waitMs = now < pauseUntil ? pauseUntil - now : o.rate && allowed <= 0 ? 1000 / o.rate : 50;
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, waitMs);
      });
      wake = undefined;
    }
    if (!end) {
      s.close(true, result.accepted);
      closeSent = true;
      result.lastEnd = await s.ended;
      if (result.lastEnd.code === grpc.status.OK) return result;
    } else {
      result.lastEnd = end;
    }
    claimed = result.accepted;
    await sleep(20);
  }
}

export const isPressure = (state: number) =>
  state === StreamState.BACKPRESSURE || state === StreamState.OVERLOADED;

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
