// What serve's security flags turn into: the credentials to bind with and the
// interceptors to construct the grpc.Server with.
import type * as grpc from '@grpc/grpc-js';
import type { Command } from 'commander';
import { authInterceptor } from './auth-interceptor.js';
import { loadAuthTokens } from './auth-tokens.js';
import { serverCredentials } from './tls-credentials.js';
import { TokenAuthorizer } from './token-authorizer.js';

export interface SecurityFlags {
  tlsCert?: string;
  tlsKey?: string;
  authTokens?: string;
}

export interface ServerSecurity {
  credentials: grpc.ServerCredentials;
  interceptors: grpc.ServerInterceptor[];
  /** One line for the startup log, e.g. "TLS, bearer tokens (3)"; never a token. */
  summary: string;
}

export function serverSecurity(flags: SecurityFlags): ServerSecurity {
  const credentials = serverCredentials({ certPath: flags.tlsCert, keyPath: flags.tlsKey });
  const tls = flags.tlsCert ? 'TLS' : 'plaintext';
  if (!flags.authTokens) return { credentials, interceptors: [], summary: `${tls}, no authentication` };
  const grants = loadAuthTokens(flags.authTokens);
  return {
    credentials,
    interceptors: [authInterceptor(new TokenAuthorizer(grants))],
    summary: `${tls}, bearer tokens (${grants.length})`,
  };
}

/** Adds --tls-cert, --tls-key and --auth-tokens to the serve command. */
export function addSecurityOptions(command: Command): Command {
  return command
    .option('--tls-cert <file>', 'serve TLS with this PEM certificate chain (needs --tls-key)')
    .option('--tls-key <file>', 'PEM private key of --tls-cert')
    .option(
      '--auth-tokens <file>',
      'require "authorization: Bearer <token>"; file lines "<token> <space>[,<space>...]" or "<token> *" (docs/security.md)',
    );
}
