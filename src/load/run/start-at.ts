// `bench --start-at TIME`: several generators (the shards of one run, often on
// different machines) take one wall-clock instant as their time zero. Each one
// prepares everything first (worker threads, channels, sessions opened and
// initialised, episodes encoded), then waits; its sends follow the global
// schedule from that instant. The rule (docs/distributed.md): a shard that is not
// ready by the instant runs nothing and fails (exit 2), because starting it late
// would squeeze the sends it missed into a burst and the union of the shards
// would no longer be the scenario's schedule.

import { formatDuration, parseDuration } from '../../util/duration.js';
import { UserError } from '../../util/user-error.js';
import { epochNow } from './start-clock.js';

/**
 * How long before the instant the worker threads are handed the origin: enough
 * for the message to reach a thread of a busy process, so that each thread's own
 * timers (not the message) decide when its first send leaves.
 */
export const START_LEAD_MS = 250;
/** A start further ahead than this is taken for a typo rather than a plan. */
const MAX_AHEAD_MS = 24 * 3_600_000;

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/** Reads `+30s` (from now) or an RFC 3339 instant into epoch ms; refuses one in the past. */
export function parseStartAt(text: string, nowMs = Date.now()): number {
  const t = text.trim();
  let at: number;
  if (t.startsWith('+')) {
    at = nowMs + parseDuration(t.slice(1), `--start-at '${text}'`);
  } else if (RFC3339.test(t)) {
    at = Date.parse(t.toUpperCase());
  } else {
    at = Number.NaN;
  }
  if (!Number.isFinite(at)) {
    throw new UserError(
      `--start-at '${text}' is not a time; write an RFC 3339 instant (2026-12-02T18:30:00Z) or a delay from now (+30s)`,
    );
  }
  if (at <= nowMs) {
    throw new UserError(
      `--start-at '${text}' is ${formatDuration(Math.round(nowMs - at))} in the past; give a later instant, or a delay such as +30s`,
    );
  }
  if (at - nowMs > MAX_AHEAD_MS) {
    throw new UserError(
      `--start-at '${text}' is more than 24h ahead; give an instant within a day, or a delay such as +30s`,
    );
  }
  return at;
}

/**
 * Called once every session is ready: refuses a start that has already passed,
 * then waits until START_LEAD_MS before it (or until `signal` aborts).
 * Returns how long before the instant the shard was ready (ms).
 */
export async function waitForStart(startAt: number, signal?: AbortSignal): Promise<number> {
  const readyBeforeMs = startAt - epochNow();
  if (readyBeforeMs <= 0) {
    throw new UserError(
      `not ready in time: the sessions were ready ${formatDuration(Math.ceil(-readyBeforeMs))} after --start-at ${new Date(startAt).toISOString()}, so nothing was sent; give a later --start-at (more start delay)`,
    );
  }
  const waitMs = readyBeforeMs - START_LEAD_MS;
  if (waitMs > 0 && !signal?.aborted) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, waitMs);
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    });
  }
  return readyBeforeMs;
}
