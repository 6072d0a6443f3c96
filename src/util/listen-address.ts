// `[HOST:]PORT` for a listener of our own (the dashboard): the host defaults to the
// loopback address, so nothing is reachable from other machines unless asked for.
import { UserError } from './user-error.js';

export interface ListenAddress {
  host: string;
  port: number;
}

export function parseListenAddress(text: string, where: string): ListenAddress {
  const m = /^(?:(.+):)?(\d+)$/.exec(text.trim());
  const port = m ? Number(m[2]) : Number.NaN;
  if (!m || port > 65535) {
    throw new UserError(
      `${where}: '${text}' is not [HOST:]PORT; write e.g. 8080, 127.0.0.1:8080, 0.0.0.0:8080 (0 picks a free port)`,
    );
  }
  const host = (m[1] ?? '127.0.0.1').replace(/^\[(.*)\]$/, '$1');
  return { host, port };
}
