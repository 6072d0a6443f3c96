// Reading your own writes through recall (RecallStream, or HTTP recall for a WebSocket
// target: see StreamClient), recorded into the history: one
// recall by exact embedding, and the probe that polls it until the episode is among
// the results or the time is up, then records the outcome as a 'probe' event for
// the checker (which turns it into staleness). Bench's prober and conform's cases
// both probe through here, so a probe means the same in both.
import type * as grpc from '@grpc/grpc-js';
import type { HistorySink, SessionKey } from '../history/history.js';
import type { RunClock } from './run-clock.js';
import type { RecallAnswer, StreamClient } from './stream-client.js';

export type { RecallAnswer };

export interface RecallRecorderOptions {
  /** The target over its transport. */
  streams: StreamClient;
  sink: HistorySink;
  clock: RunClock;
  /** Sent with every recall (--header, --token-file). */
  metadata?: grpc.Metadata;
  /** Deadline of one recall call; none when unset. */
  answerTimeoutMs?: number;
}

/** The observation a probe looks for. */
export interface ProbeTarget {
  session: SessionKey;
  seq: bigint;
  memorySpaceId: string;
  /** The session id the recall is made for, when the caller has one. */
  sessionId?: string;
  episode: { id: string; embedding: Float32Array };
}

export interface ProbeOptions {
  /** Give up once another poll would start after this long (0: a single poll). */
  timeoutMs: number;
  intervalMs: number;
  maxResults: number;
  /**
   * Called with an answer that is not OK. Returning false gives the probe up at once
   * and records nothing: the target cannot answer recalls at all (UNIMPLEMENTED).
   */
  onFailedPoll?: (answer: RecallAnswer) => boolean;
}

export interface ProbeResult {
  found: boolean;
  /** How often the episode was among the results of the last poll (more than once is a duplicate). */
  occurrences: number;
  polls: number;
  /** The last poll's answer. */
  answer: RecallAnswer;
}

export class RecallRecorder {
  constructor(private readonly o: RecallRecorderOptions) {}

  /** One recall by embedding; every response's results are collected. */
  recall(
    memorySpaceId: string,
    embedding: Float32Array,
    maxResults: number,
    sessionId?: string,
  ): Promise<RecallAnswer> {
    const { answerTimeoutMs, metadata } = this.o;
    return this.o.streams.recall({
      memorySpaceId,
      embedding,
      maxResults,
      ...(sessionId ? { sessionId } : {}),
      ...(answerTimeoutMs === undefined ? {} : { timeoutMs: answerTimeoutMs }),
      ...(metadata ? { metadata } : {}),
    });
  }

  /**
   * Polls recall by the episode's exact embedding until it is found or the time is up,
   * and records the outcome as a probe event. Undefined when onFailedPoll gave it up.
   */
  async probe(target: ProbeTarget, o: ProbeOptions): Promise<ProbeResult | undefined> {
    const { clock } = this.o;
    const deadline = clock.now() + o.timeoutMs;
    let polls = 0;
    for (;;) {
      polls++;
      const answer = await this.recall(
        target.memorySpaceId,
        target.episode.embedding,
        o.maxResults,
        target.sessionId,
      );
      if (answer.code !== 0 && o.onFailedPoll?.(answer) === false) return undefined;
      const occurrences = answer.results.filter((m) => m.id === target.episode.id).length;
      const now = clock.now();
      if (occurrences > 0 || now + o.intervalMs > deadline) {
        const found = occurrences > 0;
        this.o.sink({
          t: now,
          type: 'probe',
          session: target.session,
          seq: target.seq,
          episodeId: target.episode.id,
          found,
          ...(found ? { foundAt: now } : {}),
          polls,
          pollIntervalMs: o.intervalMs,
          occurrences,
        });
        return { found, occurrences, polls, answer };
      }
      await new Promise((resolve) => setTimeout(resolve, o.intervalMs));
    }
  }
}
