// Offered load above what the server can index: several sessions sending at a fixed
// total rate through sendReliably, one silent observer stream recording every
// StreamStatus, and the server's RSS sampled each second. Then the load stops and
// the observer times the way back to STATE_ACTIVE. With untilOverloadedMs the load
// goes on past durationMs until the server has both said OVERLOADED and refused with
// it, so a starved client that offers less than planned still overloads the server.

import type { CheckReport } from '../../src/check/check-types.js';
import { createChecker } from '../../src/check/checker.js';
import type { HistoryEvent } from '../../src/history/history.js';
import { StreamState, streamStateName } from '../../src/protocol/messages.js';
import { RecordedStream } from '../../src/protocol/recorded-stream.js';
import { runClock } from '../../src/protocol/run-clock.js';
import { type EngramClient, makeEngramClient } from '../../src/protocol/service-definition.js';
import { residentBytes } from './process-memory.js';
import { type SenderResult, sendReliably } from './reliable-sender.js';

export interface OverloadOptions {
  address: string;
  serverPid?: number;
  dim: number;
  sessions: number;
  /** Total sends per second over all sessions. */
  rate: number;
  durationMs: number;
  /** Keeps offering past durationMs, up to this long in all, until OVERLOADED was said and refused with. */
  untilOverloadedMs?: number;
  memorySpaceId: string;
}

export interface OverloadReport {
  sent: number;
  accepted: number;
  rejected: Record<string, number>;
  /** StreamStatus states the observer saw, with counts. */
  states: Record<string, number>;
  maxQueueDepth: number;
  queueCapacity: number;
  rssSamples: number[];
  /** ms from the end of sending to the first STATE_ACTIVE after it (undefined: never). */
  activeAfterStopMs: number | undefined;
  check: CheckReport;
  senders: SenderResult[];
  elapsedMs: number;
}

export async function runOverload(o: OverloadOptions): Promise<OverloadReport> {
  const clock = runClock();
  const checker = createChecker();
  let refusedOverloaded = false;
  const sink = (e: HistoryEvent) => {
    if (e.type === 'ack' && e.status === 'REJECTED' && e.reason === 'OVERLOADED') refusedOverloaded = true;
    checker.observe(e);
  };
  let streamIds = 0;
  const clients: EngramClient[] = Array.from({ length: Math.min(o.sessions, 8) }, () =>
    makeEngramClient(o.address),
  );
  const states: Record<string, number> = {};
  let maxQueueDepth = 0;
  let queueCapacity = 0;
  let stoppedAt: number | undefined;
  let activeAfterStopMs: number | undefined;
  const observer = RecordedStream.open(clients[0] as EngramClient, {
    stream: streamIds++,
    session: 'observer',
    sink: () => {},
    clock,
    onResponse: (r, t) => {
      if (r.result?.case !== 'status') return;
      const st = r.result.status;
      const name = streamStateName[st.state] ?? String(st.state);
      states[name] = (states[name] ?? 0) + 1;
      maxQueueDepth = Math.max(maxQueueDepth, st.queueDepth);
      queueCapacity = st.queueCapacity;
      if (stoppedAt !== undefined && activeAfterStopMs === undefined && st.state === StreamState.ACTIVE) {
        activeAfterStopMs = t - stoppedAt;
      }
    },
  });
  observer.init({ memorySpaceId: o.memorySpaceId, sessionId: `observer-${Date.now()}` });
  await observer.initAck(10_000);

  const rssSamples: number[] = [];
  const sampler = setInterval(() => {
    const rss = residentBytes(o.serverPid);
    if (rss !== undefined) rssSamples.push(rss);
  }, 1000);
  const start = clock.now();
  const overloaded = () => refusedOverloaded && (states.OVERLOADED ?? 0) > 0;
  const stop = () => {
    const elapsed = clock.now() - start;
    if (elapsed < o.durationMs) return false;
    if (o.untilOverloadedMs !== undefined && !overloaded() && elapsed < o.untilOverloadedMs) return false;
    stoppedAt ??= clock.now();
    return true;
  };
  const senders = await Promise.all(
    Array.from({ length: o.sessions }, (_, i) =>
      sendReliably({
        client: () => clients[i % clients.length] as EngramClient,
        memorySpaceId: o.memorySpaceId,
        sessionId: `overload-${i}-${Date.now()}`,
        dim: o.dim,
        total: Number.MAX_SAFE_INTEGER,
        window: 256,
        rate: o.rate / o.sessions,
        sink,
        clock,
        streamId: () => streamIds++,
        stopSending: stop,
        stallTimeoutMs: 120_000,
      }),
    ),
  );
  stoppedAt ??= clock.now();
  // Wait (bounded) for the way back to ACTIVE.
  const deadline = clock.now() + 60_000;
  while (activeAfterStopMs === undefined && clock.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
  clearInterval(sampler);
  observer.halfClose();
  await observer.ended;
  for (const c of clients) c.close();
  const check = checker.finish();
  return {
    sent: check.counts.sent,
    accepted: check.counts.accepted,
    rejected: check.counts.rejectedByReason,
    states,
    maxQueueDepth,
    queueCapacity,
    rssSamples,
    activeAfterStopMs,
    check,
    senders,
    elapsedMs: clock.now() - start,
  };
}
