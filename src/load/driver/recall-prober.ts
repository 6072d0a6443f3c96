// Recall probes: read your own write by its exact embedding, polling RecallStream
// until the episode shows up or the probe times out. Works against any server with
// RecallStream, also one without INDEXED acks; the resolution is the poll interval.
import * as grpc from '@grpc/grpc-js';
import type { HistorySink, SessionKey } from '../../check/history.js';
import type { RecallRequest, RecallResponse } from '../../protocol/messages.js';
import type { RunClock } from '../../protocol/run-clock.js';
import type { EngramClient } from '../../protocol/service-definition.js';
import type { ProbeSettings } from '../scenario/scenario.js';
import type { DriverEvents } from './driver-events.js';
import type { ProbeEpisode } from './episode-pool.js';

/** Results asked per poll: the exact match ranks first, a few more reveal duplicates. */
const MAX_RESULTS = 5;

export interface ProbeTarget {
  session: SessionKey;
  seq: bigint;
  memorySpaceId: string;
  sessionId: string;
  episode: ProbeEpisode;
}

export class RecallProber {
  private active = 0;
  private idleWaiters: Array<() => void> = [];
  private unavailable = false;

  constructor(
    private readonly client: EngramClient,
    private readonly sink: HistorySink,
    private readonly clock: RunClock,
    private readonly settings: ProbeSettings,
    private readonly events: DriverEvents,
    /** Sent with every recall (--header, --token-file). */
    private readonly metadata = new grpc.Metadata(),
  ) {}

  /** Starts polling for an observation that was just ACCEPTED. */
  watch(target: ProbeTarget): void {
    if (this.unavailable) return;
    this.active++;
    this.events.count('probes');
    void this.poll(target).finally(() => {
      this.active--;
      if (this.active === 0) for (const w of this.idleWaiters.splice(0)) w();
    });
  }

  /** Resolves when no probe is polling any more. */
  idle(): Promise<void> {
    if (this.active === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async poll(target: ProbeTarget): Promise<void> {
    const { pollIntervalMs, timeoutMs } = this.settings;
    const started = this.clock.now();
    const request: RecallRequest = {
      memorySpaceId: target.memorySpaceId,
      sessionId: target.sessionId,
      cue: { id: target.episode.id, embedding: { vector: Array.from(target.episode.embedding) } },
      maxResults: MAX_RESULTS,
    };
    let polls = 0;
    for (;;) {
      polls++;
      let results: RecallResponse['results'];
      try {
        results = await recall(this.client, request, this.metadata);
      } catch (err) {
        const code = (err as grpc.ServiceError).code;
        if (code === grpc.status.UNIMPLEMENTED) {
          this.unavailable = true;
          this.events.unavailable(
            'staleness_probe',
            'the server does not implement RecallStream (UNIMPLEMENTED)',
          );
          return;
        }
        this.events.count('probe_poll_errors');
        results = [];
      }
      const t = this.clock.now();
      const occurrences = results.filter((m) => m.id === target.episode.id).length;
      const timedOut = t - started >= timeoutMs;
      if (occurrences > 0 || timedOut) {
        this.sink({
          t,
          type: 'probe',
          session: target.session,
          seq: target.seq,
          episodeId: target.episode.id,
          found: occurrences > 0,
          ...(occurrences > 0 ? { foundAt: t } : {}),
          polls,
          pollIntervalMs,
          occurrences,
        });
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
    }
  }
}

function recall(
  client: EngramClient,
  request: RecallRequest,
  metadata: grpc.Metadata,
): Promise<RecallResponse['results']> {
  return new Promise((resolve, reject) => {
    const results: RecallResponse['results'] = [];
    const call = client.RecallStream(request, metadata.clone());
    call.on('data', (r: RecallResponse) => results.push(...(r.results ?? [])));
    call.on('error', reject);
    call.on('end', () => resolve(results));
  });
}
