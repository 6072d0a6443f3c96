// What serve's security flags turn into: the credentials to bind with and the
// interceptors to construct the grpc.Server with.
import * as grpc from '@grpc/grpc-js';
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
}

/** No TLS, no tokens: the default of `serve`, for loopback and trusted networks. */
export function plaintext(): ServerSecurity {
  return { credentials: grpc.ServerCredentials.createInsecure(), interceptors: [] };
}

export function serverSecurity(flags: SecurityFlags): ServerSecurity {
  const credentials = serverCredentials({ certPath: flags.tlsCert, keyPath: flags.tlsKey });
  if (!flags.authTokens) return { credentials, interceptors: [] };
  return {
    credentials,
    interceptors: [authInterceptor(new TokenAuthorizer(loadAuthTokens(flags.authTokens)))],
  };
}
