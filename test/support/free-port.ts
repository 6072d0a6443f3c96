// A TCP port on 127.0.0.1 that was free a moment ago, for servers that must be told their port
// (the metrics endpoint) in tests and scripts.
import { type AddressInfo, createServer } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
