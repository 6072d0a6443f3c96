// Parent side of server-child.ts: start it, ask for its memory, stop it.
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ServerConfig } from '../../src/server/server-config.js';
import type { Backlog } from '../../src/server/shutdown-signals.js';

const CHILD = fileURLToPath(new URL('./server-child.ts', import.meta.url));

export interface ServerMemory {
  usage: NodeJS.MemoryUsage;
  backlog: Backlog;
}

export interface ForkedServer {
  address: string;
  /** host:port of the HTTP listener (WebSocket, HTTP recall), with `httpPort` set. */
  httpAddress: string | undefined;
  child: ChildProcess;
  /** Memory after two full collections, and what the server still holds. */
  memory(): Promise<ServerMemory>;
  /** What the server still holds, without a collection. */
  backlog(): Promise<Backlog>;
  stop(): Promise<void>;
}

export async function forkServer(overrides: Partial<ServerConfig>): Promise<ForkedServer> {
  const child = fork(CHILD, [JSON.stringify(overrides)], {
    execArgv: ['--expose-gc', '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<{ address: string; httpAddress?: string }>((resolve, reject) => {
    child.once('message', (m: { type: string; address: string; httpAddress?: string }) => resolve(m));
    child.once('exit', (code) => reject(new Error(`server child exited with ${code} before it was ready`)));
  });
  const request = <T>(type: string): Promise<T> =>
    new Promise((resolve) => {
      child.once('message', (m: T) => resolve(m));
      child.send({ type });
    });
  return {
    address: ready.address,
    httpAddress: ready.httpAddress,
    child,
    memory: () => request<ServerMemory>('memory'),
    backlog: async () => (await request<{ backlog: Backlog }>('backlog')).backlog,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.send({ type: 'shutdown' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
