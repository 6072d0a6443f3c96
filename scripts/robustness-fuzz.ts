// `npm run robustness:fuzz`: at least 100,000 random and mutated ObserveStream messages
// and raw frames, then 10,000 hostile RecallStream requests, against a `serve` child
// process; prints the figures for
// docs/reliability.md and exits 1 on any violation.
import { availableParallelism, cpus, loadavg } from 'node:os';
import { startEmbeddedServer } from '../src/endpoint/embedded-server.js';
import { makeEngramClient } from '../src/protocol/service-definition.js';
import { cleanClientRoundTrip } from '../test/support/clean-client.js';
import { fuzzServerArgs, runFuzz } from '../test/support/fuzz-run.js';
import { mib, residentBytes } from '../test/support/process-memory.js';
import { fuzzRecall } from '../test/support/recall-fuzz.js';

const streams = Number(process.env.FUZZ_STREAMS ?? 1000);
const stepsPerStream = Number(process.env.FUZZ_STEPS ?? 100);
const seed = Number(process.env.FUZZ_SEED ?? 20261127);
const limits = { dim: 8, maxTextBytes: 256, maxMessageBytes: 16 * 1024 };

const server = await startEmbeddedServer({
  args: fuzzServerArgs(limits, ['--session-idle-timeout', '5s']),
});
const pid = server.process.pid;
const rssBefore = residentBytes(pid);
const clients = Array.from({ length: 8 }, () => makeEngramClient(server.address));
const report = await runFuzz({
  clients,
  limits,
  streams,
  stepsPerStream,
  parallel: 16,
  seed,
  endTimeoutMs: 15_000,
});
const recall = await fuzzRecall(clients[0] as (typeof clients)[0], {
  dim: limits.dim,
  spaces: ['fuzz-0', 'fuzz-1', 'no-such-space'],
  calls: Number(process.env.FUZZ_RECALLS ?? 10_000),
  parallel: 16,
  seed,
  timeoutMs: 15_000,
});
for (const c of clients) c.close();
const rssAfter = residentBytes(pid);
const alive = server.process.exitCode === null && server.process.signalCode === null;
const clean = alive ? await cleanClientRoundTrip(server.address, limits.dim, 50) : undefined;
await server.stop();

const top = Object.entries(report.labels).sort((a, b) => b[1] - a[1]);
console.log(
  `machine: ${cpus()[0]?.model ?? 'unknown'} x${availableParallelism()}, node ${process.version}, ` +
    `load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
);
console.log(
  `seed ${seed}: ${report.streams} streams, ${report.messages} messages (${report.rawFrames} raw frames), ${(report.elapsedMs / 1000).toFixed(1)} s`,
);
console.log(`observation steps ${report.observationSteps}, acks ${report.acks}, accepted ${report.accepted}`);
console.log(
  `stream ends: ${JSON.stringify(report.endCodes)}; resumed after a fatal frame: ${report.resumed}`,
);
console.log(`RecallStream: ${recall.calls} hostile requests, ends ${JSON.stringify(recall.endCodes)}`);
console.log(`server alive after the run: ${alive}; RSS ${mib(rssBefore)} -> ${mib(rssAfter)}`);
console.log(`clean client afterwards: ${JSON.stringify(clean)}`);
console.log(
  `step kinds (${top.length}, most frequent first): ${top
    .slice(0, 30)
    .map(([k, n]) => `${k}=${n}`)
    .join(', ')}`,
);
const violations = [...report.violations, ...recall.violations];
console.log(`violations: ${violations.length}`);
for (const v of violations.slice(0, 20)) console.log(`  ${v}`);
process.exitCode = violations.length === 0 && alive && clean?.recalled === 50 ? 0 : 1;
