// --shard i/N: this process runs the sessions whose index % N == i, and with them exactly
// their arrivals of the global schedule (see arrivals.ts), so N shards together run the scenario.
import { UserError } from '../../util/user-error.js';

export interface Shard {
  index: number;
  count: number;
}

export const WHOLE_RUN: Shard = { index: 0, count: 1 };

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index >= count) {
    throw new UserError(`--shard '${text}' is not a shard; write i/N with 0 <= i < N, e.g. --shard 0/4`);
  }
  return { index, count };
}

/** Global indices of the sessions this shard runs, ascending. */
export function shardSessions(sessionCount: number, shard: Shard): number[] {
  const sessions: number[] = [];
  for (let s = shard.index; s < sessionCount; s += shard.count) sessions.push(s);
  return sessions;
}
