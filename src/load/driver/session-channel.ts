// One connection per session, so that cutting "the whole channel" (a disconnect
// fault) takes down exactly that session's connection, as a client crash would.
// Over gRPC that is a channel of its own; over WebSocket every stream is its own socket.
import * as grpc from '@grpc/grpc-js';
import { connectTarget, type TargetOptions } from '../../endpoint/stream-target.js';
import type { StreamClient } from '../../protocol/stream-client.js';

const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  // Without this, grpc-js shares one connection among clients of the same target.
  'grpc.use_local_subchannel_pool': 1,
};

export class SessionChannel {
  private current: StreamClient;

  constructor(
    private readonly target: TargetOptions,
    /** Added to the channel's options (keepalive, the name a proxied TLS target is checked against). */
    private readonly options: grpc.ChannelOptions = {},
  ) {
    this.current = this.dial();
  }

  private dial(): StreamClient {
    return connectTarget({ ...this.target, channelOptions: { ...CHANNEL_OPTIONS, ...this.options } });
  }

  /** Metadata for a call (--header, --token-file): a fresh copy each time. */
  metadata(): grpc.Metadata {
    return this.target.connection?.metadata.clone() ?? new grpc.Metadata();
  }

  get streams(): StreamClient {
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
