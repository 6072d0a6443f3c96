// Network faults of a scenario, for one shard: the fault proxy every session of the
// shard dials through (a port per session, so a fault hits exactly its sessions), the
// timeline played on the run clock, a note to the sessions' histories each time a fault
// goes on or off, and a marker for the report at the time it really happened.
import { type FaultHandle, type FaultProxy, startFaultProxy } from '../../netfault/fault-proxy.js';
import type { Marker } from '../../results/results.js';
import { UserError } from '../../util/user-error.js';
import type { Scenario } from '../scenario/scenario.js';
import { type NetworkAction, networkTimeline } from '../schedule/network-timeline.js';
import type { NetworkFaultNote } from './session-group.js';
import { epochNow } from './start-clock.js';

/** Each proxied session holds a listening port, and each of its connections two sockets. */
const MAX_PROXIED_SESSIONS = 2000;

export const PROXY_NOTE =
  "dialled through bench's fault proxy on 127.0.0.1 (a port per session): the latency it adds is part of every latency figure, and its CPU is part of the generator's";

export class NetworkChaos {
  readonly markers: Marker[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly on = new Map<number, FaultHandle>();
  private readonly route = new Map<number, number>();

  private constructor(
    private readonly proxy: FaultProxy,
    private readonly actions: NetworkAction[],
    sessions: number[],
  ) {
    sessions.forEach((s, i) => {
      this.route.set(s, i);
    });
  }

  /** The chaos for this shard's sessions, or undefined when the scenario has no network fault for them. */
  static async start(
    scenario: Scenario,
    sessions: number[],
    target: string,
  ): Promise<NetworkChaos | undefined> {
    const mine = new Set(sessions);
    const actions = networkTimeline(scenario).filter((a) => a.fault.sessions.some((s) => mine.has(s)));
    if (actions.length === 0) return undefined;
    if (sessions.length > MAX_PROXIED_SESSIONS) {
      throw new UserError(
        `network faults give each session its own proxy port; this shard has ${sessions.length} sessions, at most ${MAX_PROXIED_SESSIONS} are allowed: run more shards (--shard i/N)`,
      );
    }
    const proxy = await startFaultProxy({ target, routes: sessions.length });
    return new NetworkChaos(proxy, actions, sessions);
  }

  /** The address each of these sessions dials. */
  dialVia(sessions: number[]): string[] {
    return sessions.map((s) => this.proxy.address(this.route.get(s) as number));
  }

  /** Plays the timeline from the run's origin; `notify` tells the sessions' histories. */
  play(epochOrigin: number, notify: (note: NetworkFaultNote) => void): void {
    for (const action of this.actions) {
      const delay = Math.max(0, action.t - (epochNow() - epochOrigin));
      this.timers.push(setTimeout(() => this.act(action, epochOrigin, notify), delay));
    }
  }

  private act(a: NetworkAction, epochOrigin: number, notify: (note: NetworkFaultNote) => void): void {
    const f = a.fault;
    const sessions = f.sessions.filter((s) => this.route.has(s));
    const t = epochNow() - epochOrigin;
    const note = (phase: 'start' | 'end', connections: Record<number, number>) =>
      notify({ t, fault: f.kind, id: f.index, phase, sessions, connections });
    if (a.action === 'end') {
      this.on.get(f.index)?.end();
      this.on.delete(f.index);
      note('end', {});
      this.markers.push({ t, kind: 'fault', label: `${f.kind} off` });
      return;
    }
    const handle = this.proxy.start(f.network, {
      routes: sessions.map((s) => this.route.get(s) as number),
      seed: f.seed,
      id: f.index,
    });
    const connections: Record<number, number> = {};
    for (const s of sessions) connections[s] = handle.byRoute.get(this.route.get(s) as number) ?? 0;
    note('start', connections);
    const held = handle.connections > 0 ? `, ${handle.connections} connection(s)` : '';
    this.markers.push({ t, kind: 'fault', label: `${f.kind} on (${sessions.length} session(s)${held})` });
    if (f.kind === 'reset') note('end', {});
    else this.on.set(f.index, handle);
  }

  /** Takes every fault off and closes the proxy. */
  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    for (const h of this.on.values()) h.end();
    this.on.clear();
    await this.proxy.close();
  }
}
