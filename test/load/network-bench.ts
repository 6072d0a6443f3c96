// Runs a scenario against the real reference server (startServer, port 0, optionally a
// mutant) in this process, with the sessions on the main thread: the setup the network
// fault tests share.
import { runBench } from '../../src/load/run/run-bench.js';
import { parseScenario } from '../../src/load/scenario/load-scenario.js';
import type { BenchResults } from '../../src/results/results.js';
import { componentsWithFaults } from '../../src/server/faults/fault-registry.js';
import { defaultServerConfig } from '../../src/server/server-config.js';
import { type RunningServer, startServer } from '../../src/server/start-server.js';

let server: RunningServer | undefined;

export async function stopReferenceServer(): Promise<void> {
  await server?.shutdown();
  server = undefined;
}

/** `text` is a whole scenario; `serverFaults` are `serve --fault` names. */
export async function benchAgainstReference(
  text: string,
  file: string,
  serverFaults: string[] = [],
): Promise<BenchResults> {
  const scenario = parseScenario(text, file);
  server = await startServer(
    {
      ...defaultServerConfig(),
      port: 0,
      dim: scenario.dim,
      indexWorkers: 1,
      sessionIdleTimeoutMs: 30_000,
      heartbeatIntervalMs: 60_000,
    },
    componentsWithFaults(serverFaults),
  );
  return runBench({ scenario, target: server.address, workers: 0 });
}
