// Dialling a --target as a StreamClient: host:port is gRPC; ws://HOST:PORT/v1/stream
// or wss://... is the WebSocket endpoint in the dialects --ws-dialect allows, with
// recalls over --recall-target (gRPC) when given, else HTTP recall on the same host.
import * as grpc from '@grpc/grpc-js';
import type { Command } from 'commander';
import { makeEngramClient } from '../protocol/service-definition.js';
import { grpcStreamClient, type StreamClient, type TransportInfo } from '../protocol/stream-client.js';
import type { WsDialect } from '../protocol/ws/subprotocols.js';
import { wsStreamClient } from '../protocol/ws/ws-stream-client.js';
import { UserError } from '../util/user-error.js';
import type { Connection } from './connection-options.js';

export type Transport = 'grpc' | 'ws';

export interface TargetOptions {
  /** host:port, ws://... or wss://... */
  target: string;
  connection?: Connection;
  /** --ws-dialect: json, proto, or both (proto preferred) when absent. */
  wsDialect?: string;
  /** --recall-target host:port: recalls over gRPC even when streams use WebSocket. */
  recallTarget?: string;
  /** gRPC channel options (bench dials one channel per session). */
  channelOptions?: grpc.ChannelOptions;
  /** host:port to connect to instead of the target's (a route through bench's fault proxy). */
  dialVia?: string;
}

export function isWsTarget(target: string): boolean {
  return /^wss?:\/\//i.test(target);
}

export function parseTransport(text: string | undefined, flag: string): Transport | undefined {
  if (text === undefined) return undefined;
  if (text === 'grpc' || text === 'ws') return text;
  throw new UserError(`${flag} '${text}' is not a transport; use grpc or ws`);
}

/** The dialects to offer, in order of preference. */
export function wsDialects(flag: string | undefined): WsDialect[] {
  if (flag === undefined) return ['proto', 'json'];
  if (flag === 'json' || flag === 'proto') return [flag];
  throw new UserError(
    `--ws-dialect '${flag}' is not a dialect; use json or proto (default: offer both, prefer proto)`,
  );
}

/** The WebSocket URL of a target (its path defaults to /v1/stream), dialled at `dialVia` when given. */
function wsUrl(target: string, dialVia?: string): string {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new UserError(`--target '${target}' is not a URL; write ws://HOST:PORT/v1/stream`);
  }
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/v1/stream';
  if (dialVia) url.host = dialVia;
  return url.toString();
}

/** The host:port a target connects to (what a TCP proxy in front of it forwards to). */
export function targetHostPort(target: string): string {
  return isWsTarget(target) ? new URL(target).host : target;
}

/** How a target is reached, for the results record. */
export function transportInfo(target: string, wsDialect: string | undefined): TransportInfo {
  if (!isWsTarget(target)) return { transport: 'grpc' };
  return { transport: 'ws', dialect: wsDialects(wsDialect)[0] as WsDialect };
}

export function connectTarget(o: TargetOptions): StreamClient {
  const credentials = o.connection?.credentials ?? grpc.credentials.createInsecure();
  if (!isWsTarget(o.target)) {
    if (o.wsDialect !== undefined) throw new UserError('--ws-dialect needs a ws:// or wss:// --target');
    return grpcStreamClient(makeEngramClient(o.dialVia ?? o.target, credentials, o.channelOptions));
  }
  const recallClient = o.recallTarget ? makeEngramClient(o.recallTarget, credentials) : undefined;
  return wsStreamClient(
    {
      url: wsUrl(o.target, o.dialVia),
      dialects: wsDialects(o.wsDialect),
      ...(o.connection?.ca ? { ca: o.connection.ca } : {}),
    },
    recallClient,
  );
}

export interface TransportFlags {
  transport?: string;
  wsDialect?: string;
  recallTarget?: string;
}

/** The transport flags, checked against --target (absent: the embedded server). */
export interface TransportChoice {
  transport?: Transport;
  wsDialect?: string;
  recallTarget?: string;
}

/** `scenarioTransport`: the scenario's target.transport, which --transport overrides. */
export function transportChoice(
  flags: TransportFlags,
  target: string | undefined,
  scenarioTransport?: Transport,
): TransportChoice {
  const transport = parseTransport(flags.transport, '--transport');
  if (transport !== undefined && target !== undefined) {
    throw new UserError(
      "--transport picks the embedded server's transport; a --target names its own (host:port is gRPC, ws://HOST:PORT/v1/stream is WebSocket)",
    );
  }
  const ws = target === undefined ? (transport ?? scenarioTransport) === 'ws' : isWsTarget(target);
  if (!ws && flags.wsDialect !== undefined) {
    throw new UserError(
      '--ws-dialect needs a WebSocket target (ws:// or wss:// --target, or --transport ws)',
    );
  }
  if (!ws && flags.recallTarget !== undefined) {
    throw new UserError('--recall-target is for WebSocket targets; a gRPC target answers recalls itself');
  }
  if (flags.wsDialect !== undefined) wsDialects(flags.wsDialect);
  return {
    ...(transport === undefined ? {} : { transport }),
    ...(flags.wsDialect === undefined ? {} : { wsDialect: flags.wsDialect }),
    ...(flags.recallTarget === undefined ? {} : { recallTarget: flags.recallTarget }),
  };
}

/** Adds the transport flags to a command that dials a --target or starts the embedded server. */
export function addTransportOptions(command: Command): Command {
  return command
    .option('--transport <grpc|ws>', 'embedded server only: test it over gRPC (default) or WebSocket')
    .option('--ws-dialect <json|proto>', 'WebSocket: speak this dialect (default: offer both, prefer proto)')
    .option(
      '--recall-target <host:port>',
      'WebSocket: recall over gRPC at this address instead of HTTP recall on the target',
    );
}
