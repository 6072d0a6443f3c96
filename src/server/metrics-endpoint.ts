// Serves the Prometheus text format on GET /metrics.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { UserError } from '../util/user-error.js';

export interface MetricsEndpoint {
  port: number;
  close(): Promise<void>;
}

export async function startMetricsEndpoint(
  registry: Registry,
  host: string,
  port: number,
): Promise<MetricsEndpoint> {
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404).end('not found; metrics are at /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (err: Error) => res.writeHead(500).end(`${err.message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) =>
      reject(
        new UserError(`cannot serve metrics on ${host}:${port}: ${err.message}; pick another --metrics-port`),
      ),
    );
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
