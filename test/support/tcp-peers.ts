// Real TCP peers for proxy tests: an echo target, a target that records what it got,
// and a client that collects what comes back.
import { randomBytes } from 'node:crypto';
import net from 'node:net';

export interface Target {
  address: string;
  /** Bytes received per connection, in accept order. */
  received: Buffer[][];
  sockets: net.Socket[];
  close(): Promise<void>;
}

/** A target on 127.0.0.1:0; `echo` writes back everything it reads. */
export async function startTarget(echo: boolean): Promise<Target> {
  const received: Buffer[][] = [];
  const sockets: net.Socket[] = [];
  const server = net.createServer((s) => {
    const got: Buffer[] = [];
    received.push(got);
    sockets.push(s);
    s.on('error', () => {});
    s.on('data', (d: Buffer) => {
      got.push(d);
      if (echo) s.write(d);
    });
    s.on('end', () => s.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    received,
    sockets,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export interface Client {
  socket: net.Socket;
  chunks: Buffer[];
  /** Resolves on close, with the error code if it was an error (e.g. 'ECONNRESET'). */
  closed: Promise<string | undefined>;
  bytes(): number;
}

export async function dial(address: string): Promise<Client> {
  const i = address.lastIndexOf(':');
  const socket = net.connect({ host: address.slice(0, i), port: Number(address.slice(i + 1)) });
  const chunks: Buffer[] = [];
  let error: string | undefined;
  socket.on('data', (d: Buffer) => chunks.push(d));
  socket.on('error', (e: NodeJS.ErrnoException) => {
    error = e.code;
  });
  const closed = new Promise<string | undefined>((resolve) => socket.on('close', () => resolve(error)));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return { socket, chunks, closed, bytes: () => chunks.reduce((n, c) => n + c.length, 0) };
}

/** Writes `total` random bytes in writes of varying size, respecting backpressure. */
export async function sendRandom(socket: net.Socket, total: number, seed: number): Promise<Buffer> {
  const data = randomBytes(total);
  let x = seed;
  for (let at = 0; at < total; ) {
    x = (x * 1103515245 + 12345) >>> 0;
    const size = Math.min(total - at, 1 + (x % 20_000));
    if (!socket.write(data.subarray(at, at + size))) await new Promise((r) => socket.once('drain', r));
    at += size;
  }
  return data;
}

export async function until(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
