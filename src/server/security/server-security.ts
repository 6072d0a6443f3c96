// What serve's security flags turn into: the credentials to bind with and the
// interceptors to construct the grpc.Server with.
import * as grpc from '@grpc/grpc-js';
import { authInterceptor } from './auth-interceptor.js';
import { loadAuthTokens } from './auth-tokens.js';
import { checkedTlsPair, grpcCredentials, type TlsPair } from './tls-credentials.js';
import { TokenAuthorizer } from './token-authorizer.js';

export interface SecurityFlags {
  tlsCert?: string;
  tlsKey?: string;
  authTokens?: string;
}

export interface ServerSecurity {
  credentials: grpc.ServerCredentials;
  interceptors: grpc.ServerInterceptor[];
  /** The same certificate for the HTTP listener (https, wss). */
  tls?: TlsPair;
  /** The same tokens for the HTTP listener; undefined: every client may use every space. */
  authorizer?: TokenAuthorizer;
}

/** No TLS, no tokens: the default of `serve`, for loopback and trusted networks. */
export function plaintext(): ServerSecurity {
  return { credentials: grpc.ServerCredentials.createInsecure(), interceptors: [] };
}

export function serverSecurity(flags: SecurityFlags): ServerSecurity {
  const tls = checkedTlsPair({ certPath: flags.tlsCert, keyPath: flags.tlsKey });
  const credentials = grpcCredentials(tls);
  const withTls = tls ? { tls } : {};
  if (!flags.authTokens) return { credentials, interceptors: [], ...withTls };
  const authorizer = new TokenAuthorizer(loadAuthTokens(flags.authTokens));
  return { credentials, interceptors: [authInterceptor(authorizer)], authorizer, ...withTls };
}
