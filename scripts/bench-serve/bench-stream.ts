// One ObserveStream for the benchmark: pre-encoded episodes, sent as fast as the
// write buffer allows or paced on an absolute timeline, with the time of every
// send, ACCEPTED ack and covering INDEXED ack on this process's monotonic clock.
import { performance } from 'node:perf_hooks';
import type * as grpc from '@grpc/grpc-js';
import { initRequest } from '../../src/protocol/init-request.js';
import { AckStatus, type ObservationResponse } from '../../src/protocol/messages.js';
import { encodeObservationFrame } from '../../src/protocol/observation-codec.js';
import type { EngramClient, ObservationWrite } from '../../src/protocol/service-definition.js';
import { type HistogramSummary, newHistogram, recordMs, summarize } from '../../src/stats/histogram.js';

export interface StreamFigures {
  sent: number;
  accepted: number;
  rejected: number;
  /** Send to ACCEPTED/REJECTED ack, from the actual send time. */
  ackLatency: HistogramSummary;
  /** Intended send time to ack (corrected for coordinated omission). */
  ackLatencyFromIntended: HistogramSummary;
  /** ACCEPTED ack to the first INDEXED ack covering it (IDX-5). */
  staleness: HistogramSummary;
  /** First send to the INDEXED ack covering the last observation, in ms. */
  elapsedMs: number;
  /** First to last send, in ms: close to elapsedMs means the client, not the index, set the pace. */
  sendMs: number;
}

export class BenchStream {
  private readonly call: grpc.ClientDuplexStream<ObservationWrite, ObservationResponse>;
  private readonly sendAt: number[] = [];
  private readonly intendedAt: number[] = [];
  private readonly acceptedAt: number[] = [];
  private readonly ackLatency = newHistogram();
  private readonly ackLatencyIntended = newHistogram();
  private readonly staleness = newHistogram();
  private indexedThrough = 0;
  private accepted = 0;
  private rejected = 0;
  private waiters: Array<() => void> = [];

  constructor(
    client: EngramClient,
    private readonly space: string,
    private readonly sessionId: string,
    private readonly episodes: readonly Uint8Array[],
  ) {
    this.call = client.ObserveStream();
    this.call.on('data', (r: ObservationResponse) => this.onResponse(r));
    this.call.on('error', () => {});
  }

  async init(): Promise<void> {
    const acked = this.until(() => this.initDone);
    this.call.write(initRequest({ memorySpaceId: this.space, sessionId: this.sessionId, indexAcks: true }));
    await acked;
  }

  private initDone = false;

  private onResponse(r: ObservationResponse): void {
    const now = performance.now();
    const res = r.result;
    if (res?.case === 'initAck') this.initDone = true;
    if (res?.case === 'ack') {
      const seq = Number(r.sequenceNumber);
      if (res.ack.status === AckStatus.INDEXED) {
        for (let s = this.indexedThrough + 1; s <= seq; s++)
          recordMs(this.staleness, now - (this.acceptedAt[s] ?? now));
        this.indexedThrough = Math.max(this.indexedThrough, seq);
      } else {
        recordMs(this.ackLatency, now - (this.sendAt[seq] ?? now));
        recordMs(this.ackLatencyIntended, now - (this.intendedAt[seq] ?? now));
        if (res.ack.status === AckStatus.ACCEPTED) {
          this.acceptedAt[seq] = now;
          this.accepted++;
        } else {
          this.rejected++;
        }
      }
    }
    for (const w of this.waiters.splice(0)) w();
  }

  private until(ready: () => boolean): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => (ready() ? resolve() : this.waiters.push(check));
      this.waiters.push(check);
    });
  }

  private send(seq: number, intended: number): boolean {
    const episode = this.episodes[(seq - 1) % this.episodes.length] as Uint8Array;
    const frame = encodeObservationFrame(this.space, this.sessionId, BigInt(seq), episode);
    this.intendedAt[seq] = intended;
    this.sendAt[seq] = performance.now();
    return this.call.write(frame);
  }

  /** Sends 1..count as fast as the write buffer allows. */
  async flood(count: number): Promise<StreamFigures> {
    const started = performance.now();
    for (let seq = 1; seq <= count; seq++) {
      if (!this.send(seq, performance.now()))
        await new Promise((resolve) => this.call.once('drain', resolve));
    }
    return this.finish(count, started);
  }

  /** Sends `rate` observations per second for `seconds`, on an absolute schedule. */
  async paced(rate: number, seconds: number): Promise<StreamFigures> {
    const count = Math.round(rate * seconds);
    const started = performance.now();
    let seq = 1;
    while (seq <= count) {
      const now = performance.now();
      while (seq <= count && started + ((seq - 1) * 1000) / rate <= now) {
        this.send(seq, started + ((seq - 1) * 1000) / rate);
        seq++;
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    return this.finish(count, started);
  }

  private async finish(count: number, started: number): Promise<StreamFigures> {
    const sendMs = performance.now() - started;
    await this.until(() => this.accepted + this.rejected >= count);
    await this.until(() => this.indexedThrough >= this.accepted);
    const elapsedMs = performance.now() - started;
    this.call.end();
    return {
      sent: count,
      accepted: this.accepted,
      rejected: this.rejected,
      ackLatency: summarize(this.ackLatency),
      ackLatencyFromIntended: summarize(this.ackLatencyIntended),
      staleness: summarize(this.staleness),
      elapsedMs,
      sendMs,
    };
  }
}
