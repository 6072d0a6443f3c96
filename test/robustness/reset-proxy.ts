// A TCP proxy on 127.0.0.1 for fault tests: forwards to a target and, on demand or
// at random seeded intervals, resets connections (TCP RST on both sides) or turns
// into a black hole that keeps sockets open but forwards nothing (a dead peer).
import net from 'node:net';
import { seededRandom } from '../../src/util/seeded-random.js';

export interface ResetProxyOptions {
  /** host:port to forward to. */
  target: string;
  /** Reset one random live connection at random intervals in [minMs, maxMs]. */
  randomResets?: { minMs: number; maxMs: number; seed: number };
}

export interface ResetProxy {
  /** host:port to dial instead of the target. */
  address: string;
  /** Connections reset so far. */
  readonly resets: number;
  readonly accepted: number;
  /** Resets every live connection now; returns how many. */
  resetAll(): number;
  /** While on, bytes are swallowed in both directions and nothing is closed. */
  setBlackHole(on: boolean): void;
  stopRandomResets(): void;
  close(): Promise<void>;
}

interface Pair {
  client: net.Socket;
  upstream: net.Socket;
}

export async function startResetProxy(options: ResetProxyOptions): Promise<ResetProxy> {
  const [host, portText] = splitAddress(options.target);
  const pairs = new Set<Pair>();
  let blackHole = false;
  let resets = 0;
  let accepted = 0;

  const reset = (pair: Pair) => {
    pairs.delete(pair);
    pair.client.resetAndDestroy();
    pair.upstream.resetAndDestroy();
    resets++;
  };

  const server = net.createServer((client) => {
    accepted++;
    const upstream = net.connect({ host, port: Number(portText) });
    const pair = { client, upstream };
    pairs.add(pair);
    const forward = (from: net.Socket, to: net.Socket) =>
      from.on('data', (chunk) => {
        if (!blackHole && !to.destroyed) to.write(chunk);
      });
    forward(client, upstream);
    forward(upstream, client);
    const end = () => {
      if (!pairs.delete(pair)) return;
      client.destroy();
      upstream.destroy();
    };
    for (const s of [client, upstream]) {
      s.on('error', end);
      s.on('close', end);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;

  let timer: NodeJS.Timeout | undefined;
  if (options.randomResets) {
    const { minMs, maxMs, seed } = options.randomResets;
    const random = seededRandom(seed);
    const schedule = () => {
      timer = setTimeout(
        () => {
          const live = [...pairs];
          const victim = live[Math.floor(random() * live.length)];
          if (victim) reset(victim);
          schedule();
        },
        minMs + random() * (maxMs - minMs),
      );
    };
    schedule();
  }

  return {
    address: `127.0.0.1:${port}`,
    get resets() {
      return resets;
    },
    get accepted() {
      return accepted;
    },
    resetAll() {
      const live = [...pairs];
      for (const pair of live) reset(pair);
      return live.length;
    },
    setBlackHole(on) {
      blackHole = on;
    },
    stopRandomResets() {
      clearTimeout(timer);
    },
    close() {
      clearTimeout(timer);
      for (const pair of [...pairs]) reset(pair);
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function splitAddress(address: string): [string, string] {
  const i = address.lastIndexOf(':');
  return [address.slice(0, i), address.slice(i + 1)];
}
