// CPU seconds and nice value per thread of a process, from /proc (Linux): on a shared
// machine the busiest thread's CPU time says how much of a core the index work actually
// got, and the nice values show which threads run at a lower priority.
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const TICKS = 100;

export type ThreadCpu = Map<string, number>;

/** Per thread, the fields of its stat after the command name (field 3 is index 0). */
function threadStats(pid: number | 'self'): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      out.set(tid, readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []);
    } catch {
      // The thread ended between listing and reading.
    }
  }
  return out;
}

export function threadCpu(pid: number | 'self'): ThreadCpu {
  const out: ThreadCpu = new Map();
  for (const [tid, f] of threadStats(pid)) out.set(tid, (Number(f[11]) + Number(f[12])) / TICKS);
  return out;
}

/** The nice value of each thread (field 19 of its stat). */
export function threadNice(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const [tid, f] of threadStats(pid)) out.set(tid, Number(f[16]));
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
