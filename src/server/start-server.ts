// Starts the reference server: EngramService (ObserveStream, RecallStream), gRPC
// health and reflection, and the metrics endpoint. Shared by `serve` and the tests.
import * as grpc from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation } from 'grpc-health-check';
import {
  engramServiceDefinition,
  loadPackageDefinition,
  SERVICE_NAME,
} from '../protocol/service-definition.js';
import { WS_STREAM_PATH } from '../protocol/ws/subprotocols.js';
import { UserError } from '../util/user-error.js';
import { callEndGuard } from './call-end-guard.js';
import { defaultComponents, type ServerComponents } from './components.js';
import { EVENTS_PATH, type EventsRoute, eventsRoute } from './http/events-route.js';
import { type HttpListener, HttpRoutes, startHttpListener } from './http/http-listener.js';
import { RECALL_PATH, recallPreflight, recallRoute } from './http/recall-route.js';
import { type MetricsEndpoint, startMetricsEndpoint } from './metrics-endpoint.js';
import { handleObserveStream } from './observe-stream.js';
import { handleRecallStream } from './recall-stream.js';
import { plaintext, type ServerSecurity } from './security/server-security.js';
import type { ServerConfig } from './server-config.js';
import { ServerCore } from './server-core.js';
import type { Backlog } from './shutdown-signals.js';
import { type WsEndpoint, wsEndpoint } from './ws/ws-endpoint.js';

export interface RunningServer {
  port: number;
  /** host:port to dial. */
  address: string;
  /** The metrics endpoint's port, when --metrics-port is not 0. */
  metricsPort: number | undefined;
  /** The HTTP listener's port and host:port (WebSocket, HTTP recall), when it was asked for. */
  httpPort: number | undefined;
  httpAddress: string | undefined;
  /**
   * Graceful stop (SHUT-1, SHUT-2): refuse new observations, drain the queue into
   * the index (final INDEXED acks go out as batches commit), end open streams with
   * UNAVAILABLE, stop. Calling it again returns the same promise.
   */
  shutdown(): Promise<void>;
  /** What a shutdown would still have to finish (or abandon). */
  backlog(): Backlog;
}

/** How long open calls get to finish after they were told to end, before the server forces them. */
const CALL_END_GRACE_MS = 2000;

export async function startServer(
  config: ServerConfig,
  components: ServerComponents = defaultComponents(),
  security: ServerSecurity = plaintext(),
): Promise<RunningServer> {
  const core = new ServerCore(config, components);
  const server = new grpc.Server({
    'grpc.max_receive_message_length': config.maxMessageBytes,
    'grpc.keepalive_time_ms': config.keepaliveTimeMs,
    'grpc.keepalive_timeout_ms': config.keepaliveTimeoutMs,
    interceptors: [callEndGuard, ...security.interceptors],
  });
  server.addService(engramServiceDefinition(), {
    ObserveStream: (call: Parameters<typeof handleObserveStream>[1]) => handleObserveStream(core, call),
    RecallStream: (call: Parameters<typeof handleRecallStream>[1]) => void handleRecallStream(core, call),
  });
  const health = new HealthImplementation({ '': 'SERVING', [SERVICE_NAME]: 'SERVING' });
  health.addToServer(server);
  new ReflectionService(loadPackageDefinition()).addToServer(server);

  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  let port: number;
  let metrics: MetricsEndpoint | undefined;
  let http: HttpListener | undefined;
  let ws: WsEndpoint | undefined;
  let events: EventsRoute | undefined;
  try {
    port = await bind(server, host, config.port, security.credentials);
    if (config.metricsPort !== 0) {
      metrics = await startMetricsEndpoint(core.metrics.registry, config.host, config.metricsPort);
    }
    if (config.httpPort !== undefined) {
      ws = wsEndpoint(core, security.authorizer);
      events = eventsRoute(core, security.authorizer);
      const routes = new HttpRoutes()
        .get(EVENTS_PATH, events.handler)
        .upgrade(WS_STREAM_PATH, ws.upgrade)
        .get(RECALL_PATH, recallRoute(core, security.authorizer))
        .on('OPTIONS', RECALL_PATH, recallPreflight);
      http = await startHttpListener(routes, config.host, config.httpPort, security.tls);
    }
  } catch (err) {
    // Nothing may keep the process alive after a failed start.
    events?.close();
    await metrics?.close();
    server.forceShutdown();
    core.stop();
    await core.workers.terminate();
    throw err;
  }

  let stopping: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    core.shuttingDown = true;
    health.setStatus('', 'NOT_SERVING');
    health.setStatus(SERVICE_NAME, 'NOT_SERVING');
    core.pushStatus();
    await core.pipeline.idle();
    for (const stream of [...core.openStreams]) stream.endForShutdown();
    await Promise.all([
      new Promise<void>((resolve) => {
        const force = setTimeout(() => server.forceShutdown(), CALL_END_GRACE_MS);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      }),
      ws && waitForSockets(ws),
    ]);
    ws?.terminate();
    events?.close();
    await http?.close();
    core.stop();
    await core.workers.terminate();
    await metrics?.close();
  };

  return {
    port,
    address: `${host}:${port}`,
    metricsPort: metrics?.port,
    httpPort: http?.port,
    httpAddress: http ? `${host}:${http.port}` : undefined,
    shutdown: () => {
      stopping ??= stop();
      return stopping;
    },
    backlog: () => ({
      queued: core.queue.depth,
      openStreams: core.openStreams.size,
      sessions: core.registry.size,
    }),
  };
}

/** Sockets told to end (closing handshake) get the same grace as gRPC calls, then are cut. */
async function waitForSockets(ws: WsEndpoint): Promise<void> {
  const deadline = Date.now() + CALL_END_GRACE_MS;
  while (ws.openSockets > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

function bind(
  server: grpc.Server,
  host: string,
  port: number,
  credentials: grpc.ServerCredentials,
): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(`${host}:${port}`, credentials, (err, bound) =>
      err
        ? reject(new UserError(`cannot listen on ${host}:${port}: ${err.message}; pick another --port`))
        : resolve(bound),
    );
  });
}
