// `serve` flag values (strings from the command line) -> ServerConfig, with one-line
// UserErrors that name the flag and say what is allowed.
import { parseDuration } from '../util/duration.js';
import { UserError } from '../util/user-error.js';
import { defaultServerConfig, type ServerConfig } from './server-config.js';

export interface ServeFlags {
  host?: string;
  port?: string;
  dim?: string;
  queueCapacity?: string;
  indexWorkers?: string;
  indexNice?: string;
  m?: string;
  efConstruction?: string;
  maxElements?: string;
  sessionIdleTimeout?: string;
  heartbeatInterval?: string;
  metricsPort?: string;
  httpPort?: string;
  maxTextBytes?: string;
  maxMessageBytes?: string;
  keepaliveTime?: string;
  keepaliveTimeout?: string;
}

/** setTimeout's limit (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

function integer(text: string | undefined, flag: string, min: number, max: number, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new UserError(`${flag}: '${text}' is not a whole number from ${min} to ${max}`);
  }
  return value;
}

function duration(text: string | undefined, flag: string, minMs: number, fallback: number): number {
  if (text === undefined) return fallback;
  const ms = parseDuration(text, flag);
  if (ms < minMs || ms > MAX_TIMER_MS) {
    throw new UserError(`${flag}: '${text}' is out of range; use ${minMs}ms to 24d`);
  }
  return ms;
}

export function serverConfigFromFlags(flags: ServeFlags): ServerConfig {
  const d = defaultServerConfig();
  const host = flags.host ?? d.host;
  if (host.trim() === '') throw new UserError('--host: empty; give an address such as 127.0.0.1');
  return {
    host,
    port: integer(flags.port, '--port', 0, 65535, d.port),
    dim: integer(flags.dim, '--dim', 1, 65536, d.dim),
    queueCapacity: integer(flags.queueCapacity, '--queue-capacity', 10, 10_000_000, d.queueCapacity),
    indexWorkers: integer(flags.indexWorkers, '--index-workers', 1, 256, d.indexWorkers),
    indexNice: integer(flags.indexNice, '--index-nice', 0, 19, d.indexNice),
    m: integer(flags.m, '--m', 2, 200, d.m),
    efConstruction: integer(flags.efConstruction, '--ef-construction', 1, 10_000, d.efConstruction),
    maxElements: integer(flags.maxElements, '--max-elements', 1, 2 ** 31 - 1, d.maxElements),
    sessionIdleTimeoutMs: duration(
      flags.sessionIdleTimeout,
      '--session-idle-timeout',
      1,
      d.sessionIdleTimeoutMs,
    ),
    heartbeatIntervalMs: duration(flags.heartbeatInterval, '--heartbeat-interval', 10, d.heartbeatIntervalMs),
    closeLingerMs: d.closeLingerMs,
    metricsPort: integer(flags.metricsPort, '--metrics-port', 0, 65535, d.metricsPort),
    ...(flags.httpPort === undefined
      ? {}
      : { httpPort: integer(flags.httpPort, '--http-port', 0, 65535, 0) }),
    maxTextBytes: integer(flags.maxTextBytes, '--max-text-bytes', 1, 2 ** 31 - 1, d.maxTextBytes),
    maxMessageBytes: integer(
      flags.maxMessageBytes,
      '--max-message-bytes',
      1024,
      2 ** 31 - 1,
      d.maxMessageBytes,
    ),
    keepaliveTimeMs: duration(flags.keepaliveTime, '--keepalive-time', 10, d.keepaliveTimeMs),
    keepaliveTimeoutMs: duration(flags.keepaliveTimeout, '--keepalive-timeout', 10, d.keepaliveTimeoutMs),
  };
}
