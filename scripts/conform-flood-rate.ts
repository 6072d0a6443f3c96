// What one tester process can offer: the conform flood (src/conform/cases/flood.ts)
// against the embedded server with a queue far larger than the flood, so nothing
// is refused and the figure is the tester's (and the server's reading) limit, not
// admission. Runs 1, 2, 4 and 8 streams, each three times on a fresh server;
// prints the medians in observations/s offered (sends, from the first to the last).
// Run: npm run build && npx tsx scripts/conform-flood-rate.ts
import { loadavg } from 'node:os';
import * as grpc from '@grpc/grpc-js';
import { CaseContext } from '../src/conform/case-context.js';
import { Flood } from '../src/conform/cases/flood.js';
import { discoverCapabilities } from '../src/conform/target-capabilities.js';
import { startEmbeddedServer } from '../src/endpoint/embedded-server.js';
import { makeEngramClient } from '../src/protocol/service-definition.js';
import { grpcStreamClient } from '../src/protocol/stream-client.js';

const STREAMS = [1, 2, 4, 8];
const RUNS = 3;
const LARGE = '1000000';

async function offeredPerSecond(streams: number): Promise<number> {
  const server = await startEmbeddedServer({
    args: ['--dim', '384', '--queue-capacity', LARGE, '--max-elements', LARGE],
  });
  const target = grpcStreamClient(makeEngramClient(server.address));
  try {
    const metadata = new grpc.Metadata();
    const capabilities = await discoverCapabilities(target, server.address, metadata, 5000);
    const ctx = new CaseContext('flood-rate', {
      streams: target,
      address: server.address,
      dial: (via, channelOptions) =>
        grpcStreamClient(makeEngramClient(via, grpc.credentials.createInsecure(), channelOptions)),
      metadata,
      capabilities,
      timeoutScale: 1,
      known: {},
    });
    const { stream } = await ctx.start();
    const f = await Flood.start(ctx, { streams, main: stream });
    // Resolves once every lane has offered its share (or the time limit passed) and read every outcome.
    if (await f.firstOverload) throw new Error('the flood was refused: the queue is not large enough');
    return f.offer().perSecond;
  } finally {
    target.close();
    await server.stop(2000);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

for (const streams of STREAMS) {
  const rates: number[] = [];
  for (let i = 0; i < RUNS; i++) rates.push(await offeredPerSecond(streams));
  console.log(
    `${streams} stream(s): median ${median(rates)} obs/s offered (runs: ${rates.join(', ')}); load average ${loadavg()[0]?.toFixed(1)}`,
  );
}
