// A fault proxy between a case and the target: the cases that only a bad network can
// decide (a reset in the middle of a frame, a half-open connection) dial through it, and
// every fault it starts goes into the case's history, so the checker knows the stream
// ends it explains and the transcript shows it.
import type { ChannelOptions } from '@grpc/grpc-js';
import { targetHostPort } from '../endpoint/stream-target.js';
import type { SessionKey } from '../history/history.js';
import { type FaultHandle, type FaultProxy, startFaultProxy } from '../netfault/fault-proxy.js';
import type { NetworkFault } from '../netfault/network-fault.js';
import type { RunClock } from '../protocol/run-clock.js';
import type { StreamClient } from '../protocol/stream-client.js';
import type { EventLog } from './event-log.js';

/** What the network needs from the case that uses it (an interface, so the two files do not import each other). */
export interface NetworkHost {
  readonly log: EventLog;
  readonly clock: RunClock;
  readonly env: {
    readonly address: string;
    dial(via: string, channelOptions: ChannelOptions): StreamClient;
  };
  note(text: string): void;
}

export class CaseNetwork {
  private faults = 0;
  /** Bytes forwarded of the chunk a mid-frame reset cut, once it did. */
  cutBytes: number | undefined;

  private constructor(
    private readonly ctx: NetworkHost,
    private readonly proxy: FaultProxy,
    /** Dials the target through the proxy (its own connection, not shared with the direct client). */
    readonly client: StreamClient,
  ) {}

  static async start(ctx: NetworkHost): Promise<CaseNetwork> {
    let network: CaseNetwork | undefined;
    const proxy = await startFaultProxy({
      target: targetHostPort(ctx.env.address),
      onDecision: (d) => {
        if (!d.what.endsWith('cut') || !network) return;
        network.cutBytes = d.value;
        ctx.note(`the proxy forwarded ${d.value} byte(s) of the next chunk, then reset the connection`);
      },
    });
    const direct = targetHostPort(ctx.env.address);
    const client = ctx.env.dial(proxy.address(), {
      'grpc.use_local_subchannel_pool': 1,
      'grpc.ssl_target_name_override': direct.slice(0, direct.lastIndexOf(':')),
      'grpc.default_authority': direct,
    });
    network = new CaseNetwork(ctx, proxy, client);
    return network;
  }

  /** Starts a fault on the proxied connection of `session`, recorded in the history; `end()` lifts it. */
  fault(session: SessionKey, fault: NetworkFault): FaultHandle {
    const id = ++this.faults;
    const handle = this.proxy.start(fault, { seed: id, id });
    const record = (phase: 'start' | 'end') =>
      this.ctx.log.sink({
        t: this.ctx.clock.now(),
        type: 'net-fault',
        session,
        fault: fault.kind,
        id,
        phase,
        connections: phase === 'start' ? handle.connections : 0,
      });
    record('start');
    if (fault.kind === 'reset') {
      record('end');
      return handle;
    }
    let ended = false;
    return {
      connections: handle.connections,
      byRoute: handle.byRoute,
      end: () => {
        if (ended) return;
        ended = true;
        handle.end();
        record('end');
      },
    };
  }

  async close(): Promise<void> {
    this.client.close();
    await this.proxy.close();
  }
}
