// CPU seconds per thread of a process, from /proc (Linux): on a shared machine the
// busiest thread's CPU time says how much of a core the index work actually got.
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const TICKS = 100;

export type ThreadCpu = Map<string, number>;

export function threadCpu(pid: number | 'self'): ThreadCpu {
  const out: ThreadCpu = new Map();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const fields = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      out.set(tid, (Number(fields[11]) + Number(fields[12])) / TICKS);
    } catch {
      // The thread ended between listing and reading.
    }
  }
  return out;
}

/** CPU seconds of the whole process and of its busiest thread between two readings. */
export function cpuDelta(before: ThreadCpu, after: ThreadCpu): { total: number; busiest: number } {
  let total = 0;
  let busiest = 0;
  for (const [tid, seconds] of after) {
    const used = seconds - (before.get(tid) ?? 0);
    total += used;
    busiest = Math.max(busiest, used);
  }
  return { total, busiest };
}
