// How bench and conform dial a target: transport security and call metadata from
// --tls, --tls-ca, --insecure, --header and --token-file. The result feeds
// makeEngramClient (credentials) and RecordedStream.open / RecallStream (metadata).
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import type { Command } from 'commander';
import { UserError } from '../util/user-error.js';

export interface ConnectionFlags {
  tls?: boolean;
  tlsCa?: string;
  insecure?: boolean;
  header?: string[];
  tokenFile?: string;
}

export interface Connection {
  credentials: grpc.ChannelCredentials;
  /** Sent with every call; pass `metadata.clone()` when a callee may modify it. */
  metadata: grpc.Metadata;
  /** The --tls-ca certificate, for transports that take it as PEM (wss://). */
  ca?: Buffer;
}

const HEADER_KEY = /^[0-9a-z_.-]+$/;
const HEADER_VALUE = /^[\x20-\x7e]*$/;

export function connectionFromFlags(flags: ConnectionFlags): Connection {
  const metadata = new grpc.Metadata();
  for (const pair of flags.header ?? []) {
    const [key, value] = parseHeader(pair);
    metadata.add(key, value);
  }
  if (flags.tokenFile) {
    if (metadata.get('authorization').length > 0) {
      throw new UserError(
        '--token-file and --header authorization=... both set the authorization header; keep one of them',
      );
    }
    metadata.set('authorization', `Bearer ${readToken(flags.tokenFile)}`);
  }
  return { ...channelCredentials(flags), metadata };
}

/** The connection flags alone, as plain data that can be handed to a worker thread. */
export function connectionFlagsOf(flags: ConnectionFlags): ConnectionFlags {
  const { tls, tlsCa, insecure, header, tokenFile } = flags;
  return { tls, tlsCa, insecure, header, tokenFile };
}

export function usesTls(flags: ConnectionFlags): boolean {
  return flags.tls === true || flags.tlsCa !== undefined;
}

/** The gRPC credentials, and the --tls-ca certificate for transports that take PEM (wss://). */
function channelCredentials(flags: ConnectionFlags): Pick<Connection, 'credentials' | 'ca'> {
  const wantsTls = usesTls(flags);
  if (flags.insecure && wantsTls) {
    throw new UserError('--insecure (plaintext) cannot be combined with --tls or --tls-ca; choose one');
  }
  if (!wantsTls) return { credentials: grpc.credentials.createInsecure() };
  if (!flags.tlsCa) return { credentials: grpc.credentials.createSsl() };
  const ca = readFile(flags.tlsCa, '--tls-ca', 'a PEM CA certificate');
  return { credentials: grpc.credentials.createSsl(ca), ca };
}

function parseHeader(pair: string): [string, string] {
  const eq = pair.indexOf('=');
  const key = eq > 0 ? pair.slice(0, eq).trim().toLowerCase() : '';
  const value = eq > 0 ? pair.slice(eq + 1) : '';
  if (!HEADER_KEY.test(key)) {
    throw new UserError(
      `--header '${eq > 0 ? key : pair}': write KEY=VALUE with a key of [0-9a-z_.-], e.g. --header x-tenant=blue`,
    );
  }
  if (key.startsWith('grpc-') || key.endsWith('-bin')) {
    throw new UserError(
      `--header ${key}: keys starting with grpc- are reserved and -bin (binary) keys are not supported; rename it`,
    );
  }
  if (!HEADER_VALUE.test(value)) {
    throw new UserError(`--header ${key}: the value must be printable ASCII; encode other bytes first`);
  }
  return [key, value];
}

function readToken(path: string): string {
  const token = readFile(path, '--token-file', 'a file holding the bearer token').toString('utf8').trim();
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw new UserError(
      `--token-file ${path}: expected one token of visible ASCII characters without spaces or line breaks`,
    );
  }
  return token;
}

function readFile(path: string, flag: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new UserError(
      `${flag} ${path}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? 'error'}); give ${what}`,
    );
  }
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Adds the connection flags to a command that dials a --target. */
export function addConnectionOptions(command: Command): Command {
  return command
    .option('--tls', 'dial the target with TLS, trusting the system roots')
    .option('--tls-ca <file>', 'dial with TLS, trusting this PEM CA certificate (implies --tls)')
    .option(
      '--insecure',
      'dial in plaintext (the default); grpc-js offers no TLS without verification, so this is not that',
    )
    .option('--header <key=value>', 'send this metadata with every call (repeatable)', collect)
    .option('--token-file <file>', 'send "authorization: Bearer <token>" with the token in this file');
}
