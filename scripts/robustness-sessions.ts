// `npm run robustness:sessions`: memory per idle session (heap after full GC, and
// RSS, of a server in its own process), 1,000 active sessions over 50 channels, and
// memory after the idle sessions expired. Figures for docs/reliability.md.
import { availableParallelism, cpus, loadavg } from 'node:os';
import { runClock } from '../src/protocol/run-clock.js';
import { makeEngramClient } from '../src/protocol/service-definition.js';
import { forkServer } from '../test/support/forked-server.js';
import { mib, residentBytes } from '../test/support/process-memory.js';
import { openSessions, streamAndClose } from '../test/support/session-fleet.js';

const IDLE = Number(process.env.IDLE_SESSIONS ?? 10_000);
const DIM = 8;
const server = await forkServer({
  dim: DIM,
  indexWorkers: 1,
  sessionIdleTimeoutMs: 2000,
  queueCapacity: 20_000,
});
const clients = Array.from({ length: 50 }, () => makeEngramClient(server.address));
const clock = runClock();
const fleet = (space: string) => ({ clients, memorySpaceId: space, sink: () => {}, clock });
const rss = () => residentBytes(server.child.pid) ?? Number.NaN;

// Warm-up so the baseline is not a cold process.
for (const s of await openSessions(fleet('warm'), 'warm', 500)) s.halfClose();
await new Promise((r) => setTimeout(r, 3000));
const base = await server.memory();
const baseRss = rss();

let t = clock.now();
const idle = await openSessions(fleet('idle'), 'idle', IDLE);
const openMs = clock.now() - t;
const held = await server.memory();
const heldRss = rss();

t = clock.now();
const active = await openSessions(fleet('active'), 'active', 1000);
const ends = await Promise.all(active.map((s) => streamAndClose(s, 5, DIM)));
const activeMs = clock.now() - t;

// Expiry on time: each session detaches when its stream ends (between t0 and the last end)
// and must be gone 2 s after that, not before.
const t0 = clock.now();
for (const s of idle) s.halfClose();
let lastEnd = 0;
const ended = Promise.all(idle.map((s) => s.ended.then(() => (lastEnd = clock.now() - t0))));
let firstGone: number | undefined;
let allGone: number | undefined;
while (allGone === undefined && clock.now() - t0 < 20_000) {
  const { sessions } = await server.backlog();
  if (firstGone === undefined && sessions < IDLE) firstGone = clock.now() - t0;
  if (sessions === 0) allGone = clock.now() - t0;
  await new Promise((r) => setTimeout(r, 20));
}
await ended;
const after = await server.memory();
const afterRss = rss();
for (const c of clients) c.close();
await server.stop();

const perSession = (a: number, b: number) => `${((b - a) / IDLE / 1024).toFixed(2)} KiB`;
console.log(
  `machine: ${cpus()[0]?.model ?? 'unknown'} x${availableParallelism()}, node ${process.version}, ` +
    `load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
);
console.log(
  `${IDLE} idle sessions (attached streams) over 50 channels opened in ${(openMs / 1000).toFixed(1)} s`,
);
console.log(
  `heap used: ${mib(base.usage.heapUsed)} -> ${mib(held.usage.heapUsed)}: ${perSession(base.usage.heapUsed, held.usage.heapUsed)} per idle session (after full GC)`,
);
console.log(`RSS: ${mib(baseRss)} -> ${mib(heldRss)}: ${perSession(baseRss, heldRss)} per idle session`);
console.log(
  `1,000 sessions x 5 observations + drain close over 50 channels: ${(activeMs / 1000).toFixed(1)} s, ${ends.filter((e) => e.code === 0).length} ended OK`,
);
const secs = (t: number | undefined) => (t === undefined ? 'never' : `${(t / 1000).toFixed(2)} s`);
console.log(
  `idle timeout 2 s: streams half-closed at 0 s ended (sessions detached) by ${secs(lastEnd)}; ` +
    `the first session expired at ${secs(firstGone)}, the last at ${secs(allGone)}`,
);
console.log(
  `after the idle sessions expired: sessions left ${after.backlog.sessions}, heap ${mib(after.usage.heapUsed)}, RSS ${mib(afterRss)}`,
);
process.exitCode = after.backlog.sessions === 0 && ends.every((e) => e.code === 0) ? 0 : 1;
