// A `startServer` in a child process that can be asked for its memory after a full
// garbage collection (run with --expose-gc), so per-session figures are not blurred
// by the client's own allocations. Config overrides arrive as JSON in argv[2].
import { defaultServerConfig, type ServerConfig } from '../../src/server/server-config.js';
import { startServer } from '../../src/server/start-server.js';

const overrides = JSON.parse(process.argv[2] ?? '{}') as Partial<ServerConfig>;
const server = await startServer({ ...defaultServerConfig(), host: '127.0.0.1', port: 0, ...overrides });
const send = (m: unknown) => process.send?.(m);
send({ type: 'ready', address: server.address, httpAddress: server.httpAddress });

process.on('message', async (m: { type: string }) => {
  if (m.type === 'memory') {
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    gc?.();
    send({ type: 'memory', usage: process.memoryUsage(), backlog: server.backlog() });
  } else if (m.type === 'backlog') {
    send({ type: 'backlog', backlog: server.backlog() });
  } else if (m.type === 'shutdown') {
    await server.shutdown();
    process.exit(0);
  }
});
