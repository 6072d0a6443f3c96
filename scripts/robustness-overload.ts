// `npm run robustness:overload`: measures the rate the server sustains (10 s of
// saturating load, indexed/s from its metrics), then offers twice that for 60 s and
// reports what docs/reliability.md states: silent drops, RSS, in-band states, and
// the time back to ACTIVE after the load stops. Exits 1 if a promise was broken.
import net from 'node:net';
import { availableParallelism, cpus } from 'node:os';
import { startEmbeddedServer } from '../src/target/embedded-server.js';
import { runOverload } from '../test/robustness/overload-run.js';
import { mib } from '../test/robustness/process-memory.js';

const DIM = Number(process.env.OVERLOAD_DIM ?? 384);
const SECONDS = Number(process.env.OVERLOAD_SECONDS ?? 60);
const QUEUE = 5000;

const metricsPort = await freePort();
const server = await startEmbeddedServer({
  args: [
    '--dim',
    String(DIM),
    '--queue-capacity',
    String(QUEUE),
    '--index-workers',
    '1',
    '--ef-construction',
    '200',
    '--metrics-port',
    String(metricsPort),
  ],
});
const indexedTotal = async (): Promise<number> => {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  const m = /^engram_streaming_observations_indexed_total(?:\{[^}]*\})? (\S+)$/m.exec(text);
  if (!m) throw new Error('engram_streaming_observations_indexed_total not found in /metrics');
  return Number(m[1]);
};

// 1. Sustainable rate: saturate, then count what got indexed in the last 8 s.
const calibration = runOverload({
  address: server.address,
  dim: DIM,
  sessions: 8,
  rate: 50_000,
  durationMs: 10_000,
  memorySpaceId: 'calibration',
});
await new Promise((r) => setTimeout(r, 2000));
const [i0, t0] = [await indexedTotal(), performance.now()];
await new Promise((r) => setTimeout(r, 8000));
const [i1, t1] = [await indexedTotal(), performance.now()];
await calibration;
const sustainable = (i1 - i0) / ((t1 - t0) / 1000);
await new Promise((r) => setTimeout(r, 3000));

// 2. Twice that for SECONDS.
const r = await runOverload({
  address: server.address,
  serverPid: server.process.pid,
  dim: DIM,
  sessions: 8,
  rate: 2 * sustainable,
  durationMs: SECONDS * 1000,
  memorySpaceId: 'overload',
});
const alive = server.process.exitCode === null;
await server.stop();

const seconds = r.elapsedMs / 1000;
const rss = r.rssSamples;
const findings = r.check.findings.filter((f) => f.severity === 'fail' && f.kind !== 'stream-error');
console.log(`machine: ${cpus()[0]?.model ?? 'unknown'} x${availableParallelism()}, node ${process.version}`);
console.log(`server: dim ${DIM}, efConstruction 200, M 16, 1 index worker, queue capacity ${QUEUE}`);
console.log(`sustainable rate (indexed/s under saturation): ${sustainable.toFixed(0)}`);
console.log(
  `offered: ${(2 * sustainable).toFixed(0)}/s for ${SECONDS} s over 8 sessions (go-back-N, retry_after_ms honoured)`,
);
console.log(
  `sent ${r.sent} (${(r.sent / seconds).toFixed(0)}/s), accepted ${r.accepted} (${(r.accepted / seconds).toFixed(0)}/s), rejected ${JSON.stringify(r.rejected)}`,
);
console.log(`silent drops: ${r.check.counts.silentDrops}; failing findings: ${findings.length}`);
console.log(
  `states seen by an idle observer stream: ${JSON.stringify(r.states)}; max queue depth ${r.maxQueueDepth}/${r.queueCapacity}`,
);
console.log(
  `server RSS over the run: min ${mib(Math.min(...rss))}, max ${mib(Math.max(...rss))}, last ${mib(rss.at(-1))} (${rss.length} samples)`,
);
console.log(
  `STATE_ACTIVE again ${r.activeAfterStopMs === undefined ? 'never (within 60 s)' : `${(r.activeAfterStopMs / 1000).toFixed(2)} s`} after the load stopped`,
);
console.log(`server alive at the end: ${alive}`);
const ok =
  r.check.counts.silentDrops === 0 &&
  findings.length === 0 &&
  (r.activeAfterStopMs ?? Infinity) <= 10_000 &&
  alive;
process.exitCode = ok ? 0 : 1;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}
