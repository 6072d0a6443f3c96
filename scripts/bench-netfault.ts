// `npm run bench:netfault`: how exactly the fault proxy adds the latency it is given.
// Two connections through one proxy to an echo target: route 0 carries the latency
// (one way, client to target), route 1 none. Each sample pings route 1, then route 0,
// back to back; the added delay is the difference of the two round trips, so the
// loopback, the echo and the event loops cancel out. Prints P50/P99/max of the added
// delay and of its error against the configured value, for several delays.
import { fork } from 'node:child_process';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { startFaultProxy } from '../src/netfault/fault-proxy.js';
import { dial, startTarget } from '../test/support/tcp-peers.js';

const samples = Number(process.env.SAMPLES ?? 1000);
const delays = (process.env.DELAYS ?? '1,5,20,50').split(',').map(Number);

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

async function ping(socket: import('node:net').Socket, have: () => number): Promise<number> {
  const before = performance.now();
  const n = have();
  socket.write('p');
  while (have() <= n) await new Promise<void>((r) => setImmediate(r));
  return performance.now() - before;
}

// The proxy runs in a child process, as in bench it runs on a thread of its own: the
// pings' own event loop does not delay its timers.
async function proxyProcess(
  target: string,
  delayMs: number,
): Promise<{ address: (r: number) => string; stop: () => void }> {
  const child = fork(fileURLToPath(import.meta.url), ['--proxy', target, String(delayMs)], {
    execArgv: ['--import', 'tsx'],
  });
  const ports = await new Promise<string[]>((resolve) =>
    child.once('message', (m) => resolve(m as string[])),
  );
  return { address: (r) => ports[r] as string, stop: () => child.kill() };
}

if (process.argv[2] === '--proxy') {
  const proxy = await startFaultProxy({ target: process.argv[3] as string, routes: 2 });
  const delayMs = Number(process.argv[4]);
  proxy.start(
    { kind: 'latency', delayMs, jitterMs: 0, distribution: 'uniform', direction: 'up' },
    { seed: 1, routes: [0] },
  );
  process.send?.([proxy.address(0), proxy.address(1)]);
  await new Promise(() => {});
}

const target = await startTarget(true);
console.log(
  `fault proxy latency accuracy: ${samples} samples per delay, load average ${loadavg()[0]?.toFixed(2)}`,
);
console.log('configured  added P50  added P99  |error| P50  |error| P99  |error| max');
for (const delayMs of delays) {
  const proxy = await proxyProcess(target.address, delayMs);
  const shaped = await dial(proxy.address(0));
  const plain = await dial(proxy.address(1));
  const added: number[] = [];
  for (let i = 0; i < samples + 20; i++) {
    const base = await ping(plain.socket, plain.bytes);
    const slow = await ping(shaped.socket, shaped.bytes);
    if (i >= 20) added.push(slow - base); // the first rounds warm up the JIT
  }
  added.sort((a, b) => a - b);
  const errors = added.map((a) => Math.abs(a - delayMs)).sort((a, b) => a - b);
  const f = (x: number) => x.toFixed(3).padStart(9);
  console.log(
    `${String(delayMs).padStart(7)} ms  ${f(quantile(added, 0.5))}  ${f(quantile(added, 0.99))}  ${f(quantile(errors, 0.5))}    ${f(quantile(errors, 0.99))}    ${f(errors.at(-1) as number)}`,
  );
  shaped.socket.destroy();
  plain.socket.destroy();
  proxy.stop();
}
await target.close();
