// A TCP proxy on 127.0.0.1 that puts network faults between clients and one target:
// latency with jitter, bandwidth caps, resets (also in the middle of a frame), black
// holes, slow closes and stalled reads. It listens on one port per route (bench gives
// each session its own), so a fault hits exactly the routes it names. Every random
// choice comes from a generator seeded per fault, route and connection, so the same
// seed and the same traffic give the same decisions.
import net from 'node:net';
import type { ActiveFault, FaultDecision } from './active-fault.js';
import { affectsOpenConnectionsOnly, type NetworkFault } from './network-fault.js';
import { ProxiedConnection } from './proxied-connection.js';

export interface FaultProxyOptions {
  /** host:port to forward to. */
  target: string;
  /** Listening ports, one per route (default 1). */
  routes?: number;
  /** Every random choice, as it is made (tests and reproducibility checks). */
  onDecision?: (d: FaultDecision) => void;
}

/** A fault that is on; `end()` takes it off (a reset is over once it happened). */
export interface FaultHandle {
  /** Connections it took hold of or reset when it started (0 for faults that shape new ones too). */
  readonly connections: number;
  /** The same, per route. */
  readonly byRoute: ReadonlyMap<number, number>;
  end(): void;
}

export interface FaultProxy {
  /** host:port a client of `route` dials instead of the target. */
  address(route?: number): string;
  /** Turns a fault on for some routes now. `id` names it in decisions; `seed` drives its randomness. */
  start(fault: NetworkFault, options: { routes?: number[]; seed: number; id?: number }): FaultHandle;
  /** Connections open now. */
  readonly open: number;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Bytes read from one side and not yet written to the other, over all connections. */
  buffered(): number;
  /** Resets every connection and stops listening. */
  close(): Promise<void>;
}

interface Route {
  server: net.Server;
  port: number;
  connections: Set<ProxiedConnection>;
  accepted: number;
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const { host, port } = splitAddress(options.target);
  const active = new Set<ActiveFault>();
  let nextId = 0;
  let accepted = 0;

  const shapingOf = (route: number) =>
    function* () {
      for (const f of active) if (f.routes.has(route)) yield f;
    };

  const routes: Route[] = [];
  const count = options.routes ?? 1;
  for (let index = 0; index < count; index++) {
    const connections = new Set<ProxiedConnection>();
    // Half-open sockets, so an end in one direction reaches the other side only when the
    // link has forwarded everything before it (and a slow close or a black hole allows).
    const route: Route = {
      server: net.createServer({ allowHalfOpen: true }),
      port: 0,
      connections,
      accepted: 0,
    };
    const shaping = shapingOf(index);
    route.server.on('connection', (client) => {
      accepted++;
      client.setNoDelay(true);
      const upstream = net.connect({ host, port, noDelay: true, allowHalfOpen: true });
      const c = new ProxiedConnection(
        index,
        route.accepted++,
        client,
        upstream,
        shaping,
        options.onDecision,
        (x) => connections.delete(x),
      );
      connections.add(c);
    });
    await new Promise<void>((resolve, reject) => {
      route.server.once('error', reject);
      route.server.listen(0, '127.0.0.1', () => resolve());
    });
    route.port = (route.server.address() as net.AddressInfo).port;
    routes.push(route);
  }

  const routeOf = (i: number): Route => {
    const r = routes[i];
    if (!r) throw new RangeError(`route ${i}: the proxy has ${routes.length} route(s)`);
    return r;
  };

  return {
    address: (route = 0) => `127.0.0.1:${routeOf(route).port}`,
    start(fault, o) {
      const names = o.routes ?? routes.map((_, i) => i);
      const f: ActiveFault = { id: o.id ?? nextId++, fault, routes: new Set(names), seed: o.seed };
      const held = names.flatMap((i) => [...routeOf(i).connections]);
      const byRoute = new Map<number, number>();
      if (affectsOpenConnectionsOnly(fault.kind))
        for (const c of held) byRoute.set(c.route, (byRoute.get(c.route) ?? 0) + 1);
      if (fault.kind === 'reset') {
        for (const c of held) c.reset(f, fault.midFrame, fault.direction);
        return { connections: held.length, byRoute, end: () => {} };
      }
      if (affectsOpenConnectionsOnly(fault.kind)) {
        for (const c of held) c.hold(f);
        let ended = false;
        return {
          connections: held.length,
          byRoute,
          end: () => {
            if (ended) return;
            ended = true;
            for (const c of held) c.release(f);
          },
        };
      }
      active.add(f);
      return { connections: 0, byRoute, end: () => active.delete(f) };
    },
    get open() {
      return routes.reduce((n, r) => n + r.connections.size, 0);
    },
    get accepted() {
      return accepted;
    },
    buffered: () => routes.reduce((n, r) => n + [...r.connections].reduce((m, c) => m + c.buffered, 0), 0),
    async close() {
      active.clear();
      await Promise.all(
        routes.map(
          (r) =>
            new Promise<void>((resolve) => {
              for (const c of r.connections) c.destroy(true);
              r.server.close(() => resolve());
            }),
        ),
      );
    },
  };
}

function splitAddress(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(':');
  return { host: address.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(address.slice(i + 1)) };
}
