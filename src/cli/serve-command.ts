// `engram-stream serve`: flags -> ServerConfig -> startServer; prints the ready line
// and stops gracefully on SIGTERM or SIGINT.
import * as grpc from '@grpc/grpc-js';
import type { Command } from 'commander';
import { componentsWithFaults } from '../server/faults/fault-registry.js';
import { MUTANT_NAMES } from '../server/faults/mutant-names.js';
import { type SecurityFlags, serverSecurity } from '../server/security/server-security.js';
import { defaultServerConfig } from '../server/server-config.js';
import { type ServeFlags, serverConfigFromFlags } from '../server/server-flags.js';
import { stopOnSignals } from '../server/shutdown-signals.js';
import { startServer } from '../server/start-server.js';
import { formatDuration } from '../util/duration.js';

export function register(program: Command): void {
  const d = defaultServerConfig();
  program
    .command('serve')
    .description('Run the reference engram.v1 gRPC server (ObserveStream, RecallStream, health, reflection)')
    .option('--host <address>', 'address to listen on', d.host)
    .option('--port <n>', 'port to listen on; 0 picks a free one', String(d.port))
    .option('--dim <n>', 'embedding dimension observations must have', String(d.dim))
    .option(
      '--queue-capacity <n>',
      'observations accepted but not yet indexed, at most',
      String(d.queueCapacity),
    )
    .option(
      '--index-workers <n>',
      'index worker threads (default: cores - 1, at least 1)',
      String(d.indexWorkers),
    )
    .option(
      '--index-nice <n>',
      'how much nicer (lower priority) than the stream-serving thread the index worker threads run, 0 to 19 (Linux)',
      String(d.indexNice),
    )
    .option('--m <n>', 'HNSW M (graph degree)', String(d.m))
    .option('--ef-construction <n>', 'HNSW efConstruction', String(d.efConstruction))
    .option('--max-elements <n>', 'element limit per memory space (then SPACE_FULL)', String(d.maxElements))
    .option(
      '--session-idle-timeout <duration>',
      'how long a detached session stays resumable',
      formatDuration(d.sessionIdleTimeoutMs),
    )
    .option(
      '--heartbeat-interval <duration>',
      'StreamStatus heartbeat on every attached stream',
      formatDuration(d.heartbeatIntervalMs),
    )
    .option('--metrics-port <n>', 'Prometheus /metrics port; 0 = off', String(d.metricsPort))
    .option(
      '--http-port <n>',
      'HTTP listener: WebSocket GET /v1/stream and GET /api/v1/memories/recall; 0 picks a free port (off unless given)',
    )
    .option('--max-text-bytes <n>', 'limit on Episode.what in UTF-8 bytes', String(d.maxTextBytes))
    .option(
      '--max-message-bytes <n>',
      'receive limit per request (gRPC message, WebSocket frame)',
      String(d.maxMessageBytes),
    )
    .option(
      '--keepalive-time <duration>',
      'ping each connection this often to find dead peers',
      formatDuration(d.keepaliveTimeMs),
    )
    .option(
      '--keepalive-timeout <duration>',
      'close a connection whose ping is not answered within this',
      formatDuration(d.keepaliveTimeoutMs),
    )
    .option('--tls-cert <file>', 'serve TLS with this PEM certificate chain (needs --tls-key)')
    .option('--tls-key <file>', 'PEM private key of --tls-cert')
    .option(
      '--auth-tokens <file>',
      'require "authorization: Bearer <token>"; lines "<token> <space>[,<space>...]" or "<token> *" (docs/security.md)',
    )
    .option(
      '--fault <name>',
      `serve a mutant that breaks one promise, to test a tester (repeatable): ${MUTANT_NAMES.join(', ')}`,
      (name: string, previous: string[]) => [...previous, name],
      [] as string[],
    )
    .action(async (flags: ServeFlags & SecurityFlags & { fault: string[] }) => {
      // grpc-js would also log a failed bind itself; the UserError says it once. GRPC_VERBOSITY still wins.
      if (process.env.GRPC_VERBOSITY === undefined) grpc.setLogVerbosity(grpc.logVerbosity.NONE);
      const server = await startServer(
        serverConfigFromFlags(flags),
        componentsWithFaults(flags.fault),
        serverSecurity(flags),
      );
      if (flags.fault.length > 0) {
        process.stderr.write(
          `MUTANT server: breaks the protocol on purpose (--fault ${flags.fault.join(', ')})\n`,
        );
      }
      // Signals first: whoever waits for the ready line may stop the server right after it.
      stopOnSignals(server);
      process.stdout.write(`listening on ${server.address}\n`);
      if (server.httpAddress) process.stdout.write(`http listening on ${server.httpAddress}\n`);
    });
}
