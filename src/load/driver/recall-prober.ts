// Recall probes for bench: each probed observation, once ACCEPTED, is looked for by
// its exact embedding through the shared RecallRecorder until it shows up or the
// probe times out. Works against any server with RecallStream, also one without
// INDEXED acks; the resolution is the poll interval.
import * as grpc from '@grpc/grpc-js';
import type { HistorySink } from '../../history/history.js';
import { type ProbeTarget, RecallRecorder } from '../../protocol/recall-recorder.js';
import type { RunClock } from '../../protocol/run-clock.js';
import type { StreamClient } from '../../protocol/stream-client.js';
import type { ProbeSettings } from '../scenario/scenario.js';
import type { DriverEvents } from './driver-events.js';

/** Results asked per poll: the exact match ranks first, a few more reveal duplicates. */
const MAX_RESULTS = 5;

export class RecallProber {
  private active = 0;
  private idleWaiters: Array<() => void> = [];
  private unavailable = false;
  private readonly recorder: RecallRecorder;

  constructor(
    streams: StreamClient,
    sink: HistorySink,
    clock: RunClock,
    private readonly settings: ProbeSettings,
    private readonly events: DriverEvents,
    /** Sent with every recall (--header, --token-file). */
    metadata = new grpc.Metadata(),
  ) {
    this.recorder = new RecallRecorder({ streams, sink, clock, metadata });
  }

  /** Starts polling for an observation that was just ACCEPTED. */
  watch(target: ProbeTarget): void {
    if (this.unavailable) return;
    this.active++;
    this.events.count('probes');
    void this.recorder
      .probe(target, {
        timeoutMs: this.settings.timeoutMs,
        intervalMs: this.settings.pollIntervalMs,
        maxResults: MAX_RESULTS,
        onFailedPoll: (answer) => this.failedPoll(answer.code),
      })
      .finally(() => {
        this.active--;
        if (this.active === 0) for (const w of this.idleWaiters.splice(0)) w();
      });
  }

  /** Resolves when no probe is polling any more. */
  idle(): Promise<void> {
    if (this.active === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** A server without RecallStream ends every probe; any other failed poll is counted and polled again. */
  private failedPoll(code: number): boolean {
    if (code !== grpc.status.UNIMPLEMENTED) {
      this.events.count('probe_poll_errors');
      return true;
    }
    if (!this.unavailable) {
      this.unavailable = true;
      this.events.unavailable(
        'staleness_probe',
        'the server does not implement RecallStream (UNIMPLEMENTED)',
      );
    }
    return false;
  }
}
