// Everything a case's procedure works with: its own memory space (cases never
// interfere), its history log, its streams, episodes, recall, and timeouts scaled
// by --timeout-scale. A procedure ends with a verdict, or early through fail().
import { randomBytes } from 'node:crypto';
import type * as grpc from '@grpc/grpc-js';
import type { ChannelOptions } from '@grpc/grpc-js';
import type { SessionKey } from '../history/history.js';
import type { Episode, StreamCapabilities, StreamInitAck } from '../protocol/messages.js';
import { type RecallAnswer, RecallRecorder } from '../protocol/recall-recorder.js';
import type { InitOptions } from '../protocol/recorded-stream.js';
import { type RunClock, runClock } from '../protocol/run-clock.js';
import type { StreamClient } from '../protocol/stream-client.js';
import { CaseEpisodes } from './case-episodes.js';
import { CaseNetwork } from './case-network.js';
import { CaseStop } from './case-stop.js';
import { CaseStream, describeInit } from './case-stream.js';
import { statusCodeName } from './describe-event.js';
import { EventLog } from './event-log.js';
import type { StreamHost } from './stream-host.js';
import { violated } from './verdict.js';

/** The public server's embedding size, assumed when a target does not say its own. */
export const DEFAULT_DIM = 768;
/** How long a server gets to answer one message, before --timeout-scale. */
export const ANSWER_TIMEOUT_MS = 2000;

export interface CaseEnvironment {
  /** The target over its transport (gRPC, or WebSocket in one dialect). */
  streams: StreamClient;
  /** host:port or ws:// URL of the target: cases that put a fault proxy in between dial it themselves. */
  address: string;
  /** The same target dialled at another host:port (a route through a fault proxy) with extra gRPC options. */
  dial(via: string, channelOptions: ChannelOptions): StreamClient;
  metadata: grpc.Metadata;
  /** What the target said in its init ack when the run started. */
  capabilities: StreamCapabilities;
  timeoutScale: number;
  /** Limits the tester knows without the target saying them (the embedded server's flags). */
  known: { maxElements?: number };
}

export interface StartOptions extends Partial<InitOptions> {
  session?: SessionKey;
}

export interface CaseProbeOptions {
  /** Give up after this long (already scaled by the caller, or 0 for a single poll). */
  timeoutMs: number;
  intervalMs: number;
  maxResults?: number;
}

export class CaseContext implements StreamHost {
  readonly log = new EventLog();
  /** Transcript lines that are not messages (kept out of the history the checker reads). */
  readonly notes: { t: number; text: string }[] = [];
  readonly clock: RunClock = runClock();
  readonly episodes: CaseEpisodes;
  /** This case's own memory space: conform-<case>-<random>. */
  readonly space: string;
  readonly caps: StreamCapabilities;
  readonly dim: number;
  private readonly streams: CaseStream[] = [];
  private readonly recorder: RecallRecorder;
  private readonly networks: CaseNetwork[] = [];
  private spaces = 0;

  constructor(
    readonly caseId: string,
    readonly env: CaseEnvironment,
  ) {
    this.caps = env.capabilities;
    this.dim = env.capabilities.embeddingDim || DEFAULT_DIM;
    this.space = this.newSpace();
    this.episodes = new CaseEpisodes(this.space, this.dim, randomBytes(4).readUInt32LE(0));
    this.recorder = new RecallRecorder({
      streams: env.streams,
      sink: this.log.sink,
      clock: this.clock,
      metadata: env.metadata,
      answerTimeoutMs: this.answerMs,
    });
  }

  /** A fresh memory space name for this case; valid per SES-4 ([a-z0-9_-]{3,64}). */
  newSpace(): string {
    this.spaces++;
    const slug = this.caseId
      .toLowerCase()
      .replace(/[^a-z0-9_-]+/g, '-')
      .slice(0, 40);
    return `conform-${slug}-${randomBytes(3).toString('hex')}${this.spaces > 1 ? `-${this.spaces}` : ''}`;
  }

  /** Milliseconds scaled by --timeout-scale. */
  scaled(ms: number): number {
    return ms * this.env.timeoutScale;
  }

  /** How long to wait for the answer to one message. */
  get answerMs(): number {
    return this.scaled(ANSWER_TIMEOUT_MS);
  }

  /** A new ObserveStream call for the logical session `session` (resumes reuse the key); `target` defaults to the direct one. */
  open(session: SessionKey = 'a', target: StreamClient = this.env.streams): CaseStream {
    const s = new CaseStream(this, this.streams.length + 1, session, target);
    this.streams.push(s);
    return s;
  }

  /** A fault proxy between this case and the target, and a client that dials through it. */
  async network(): Promise<CaseNetwork> {
    const n = await CaseNetwork.start(this);
    this.networks.push(n);
    return n;
  }

  /** Opens a stream and inits it; the case fails unless the server answers with an init ack. */
  async start(o: StartOptions = {}): Promise<{ stream: CaseStream; ack: StreamInitAck }> {
    const { session, ...init } = o;
    const stream = this.open(session);
    stream.init({ memorySpaceId: this.space, ...init });
    const r = await stream.awaitInit();
    if (r.kind !== 'ack') {
      const what = init.resume ? `resume of session ${init.sessionId}` : 'new session';
      return this.fail(`init_ack for a valid init (${what})`, describeInit(r));
    }
    return { stream, ack: r.ack };
  }

  /** Ends the case now as a violation. */
  fail(expected: string, actual: string): never {
    throw new CaseStop(violated(expected, actual));
  }

  /** A line in the transcript that is not a message: what the case is about to do, or concluded. */
  note(text: string): void {
    this.notes.push({ t: this.clock.now(), text });
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  /** One RecallStream call by embedding, noted in the transcript with what came back. */
  async recall(space: string, embedding: Float32Array, maxResults = 10): Promise<RecallAnswer> {
    const answer = await this.recorder.recall(space, embedding, maxResults);
    const shown = answer.results
      .slice(0, 5)
      .map((m) => `${m.id}@${m.activation.toFixed(3)}`)
      .join(', ');
    this.note(
      `RecallStream space=${space} max_results=${maxResults}: ${statusCodeName(answer.code)}, ` +
        `${answer.results.length} result(s)${shown ? ` ${shown}` : ''}`,
    );
    return answer;
  }

  /**
   * Reads your own write: polls recall by the episode's exact embedding until it is
   * found or the time is up, and records the result as a probe event.
   */
  async probe(
    session: SessionKey,
    seq: bigint,
    episode: Episode,
    space: string,
    o: CaseProbeOptions,
  ): Promise<{ found: boolean; occurrences: number; first: boolean; answer: RecallAnswer }> {
    const target = { session, seq, memorySpaceId: space, episode };
    const p = await this.recorder.probe(target, { ...o, maxResults: o.maxResults ?? 10 });
    // Without onFailedPoll a probe always ends with a result.
    const { found, occurrences, answer } = p as NonNullable<typeof p>;
    return { found, occurrences, first: answer.results[0]?.id === episode.id, answer };
  }

  /** Cuts every stream the procedure left open and waits briefly for their ends to be recorded. */
  async dispose(): Promise<void> {
    const open = this.streams.filter((s) => !s.isEnded);
    for (const s of open) s.cut();
    await Promise.all(open.map((s) => s.awaitEnd(this.answerMs)));
    await Promise.all(this.networks.map((n) => n.close()));
  }
}
