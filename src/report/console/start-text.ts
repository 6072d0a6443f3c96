// One line on a run started at a common instant (--start-at): when, how much time
// to spare the sessions had, how late the first sends left and, for merged shards,
// how far apart the shards started. Used by the summary, the HTML and `report`.

import { LATE_BUDGET_MS } from '../../load/run/generator-health.js';
import type { StartRecord } from '../../results/results.js';

const ms = (x: number): string => `${Number(x.toFixed(2))} ms`;
const seconds = (x: number): string => `${(x / 1000).toFixed(1)} s`;

export function startText(s: StartRecord): string {
  const parts = [`at ${s.at} (--start-at)`];
  if (s.shards && s.spreadMs !== undefined) {
    const latest = s.shards.reduce((a, b) => ((b.latenessMs ?? 0) > (a.latenessMs ?? 0) ? b : a));
    parts.push(
      `${s.shards.length} shards started within ${ms(s.spreadMs)} of each other (latest: shard ${latest.index}, first send ${ms(latest.latenessMs ?? 0)} late)`,
      `every shard ready at least ${seconds(s.readyBeforeMs)} before`,
    );
  } else {
    parts.push(
      `ready ${seconds(s.readyBeforeMs)} before`,
      s.latenessMs === undefined ? 'nothing sent' : `first send ${ms(s.latenessMs)} late`,
    );
  }
  if ((s.latenessMs ?? 0) > LATE_BUDGET_MS) {
    parts.push(`STARTED LATE: more than the ${LATE_BUDGET_MS} ms lateness budget after the instant`);
  }
  return `started ${parts.join('; ')}`;
}
