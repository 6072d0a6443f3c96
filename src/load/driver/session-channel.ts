// One gRPC channel per session, so that cutting "the whole channel" (a disconnect
// fault) takes down exactly that session's connection, as a client crash would.
import * as grpc from '@grpc/grpc-js';
import type { Connection } from '../../endpoint/connection-options.js';
import { type EngramClient, makeEngramClient } from '../../protocol/service-definition.js';

const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  // Without this, grpc-js shares one connection among clients of the same target.
  'grpc.use_local_subchannel_pool': 1,
};

export class SessionChannel {
  private current: EngramClient;

  constructor(
    private readonly target: string,
    private readonly connection?: Connection,
    /** Added to the channel's options (keepalive, the name a proxied TLS target is checked against). */
    private readonly options: grpc.ChannelOptions = {},
  ) {
    this.current = this.dial();
  }

  private dial(): EngramClient {
    const credentials = this.connection?.credentials ?? grpc.credentials.createInsecure();
    return makeEngramClient(this.target, credentials, { ...CHANNEL_OPTIONS, ...this.options });
  }

  /** Metadata for a call (--header, --token-file): a fresh copy each time. */
  metadata(): grpc.Metadata {
    return this.connection?.metadata.clone() ?? new grpc.Metadata();
  }

  get client(): EngramClient {
    return this.current;
  }

  /** Closes the connection (every call on it fails) and dials a fresh one for later use. */
  cut(): void {
    this.current.close();
    this.current = this.dial();
  }

  close(): void {
    this.current.close();
  }
}
