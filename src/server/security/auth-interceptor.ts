// A grpc-js server interceptor that lets a call of EngramService reach its handler
// only with a known bearer token, and only for the memory spaces that token grants.
// The handler is started only after the first request was checked, so a denied
// call never creates a session or touches an index.
import * as grpc from '@grpc/grpc-js';
import { SERVICE_NAME } from '../../protocol/service-definition.js';
import type { TokenGrant } from './auth-tokens.js';
import { type Authentication, grantAllows, type TokenAuthorizer } from './token-authorizer.js';

const GUARDED_PREFIX = `/${SERVICE_NAME}/`;

// Details name the problem, never the token.
const UNAUTHENTICATED_DETAILS: Record<Exclude<Authentication, { ok: true }>['reason'], string> = {
  missing: 'missing bearer token: send metadata "authorization: Bearer <token>"',
  malformed: 'the authorization metadata is not of the form "Bearer <token>"',
  unknown: 'unknown bearer token',
};

/**
 * Health and reflection stay open (they expose no memory space); every
 * EngramService call is checked. Every request naming a memory space (the init
 * of ObserveStream, and any later message that names one; the RecallStream
 * request) must name a space the token grants, or the call ends with
 * PERMISSION_DENIED.
 */
export function authInterceptor(authorizer: TokenAuthorizer): grpc.ServerInterceptor {
  return (method, call) => {
    if (!method.path.startsWith(GUARDED_PREFIX)) return new grpc.ServerInterceptingCall(call);
    let grant: TokenGrant | undefined;
    let startHandler: (() => void) | undefined;
    let denied = false;
    const deny = (code: grpc.status, details: string) => {
      denied = true;
      call.sendStatus({ code, details, metadata: new grpc.Metadata() });
    };
    const release = () => {
      const start = startHandler;
      startHandler = undefined;
      start?.();
    };
    const listener = new grpc.ServerListenerBuilder()
      .withOnReceiveMetadata((metadata, next) => {
        const auth = authorizer.authenticate(metadata);
        if (!auth.ok) {
          deny(grpc.status.UNAUTHENTICATED, UNAUTHENTICATED_DETAILS[auth.reason]);
          return;
        }
        grant = auth.grant;
        // Hold the handler back and read the first request ourselves.
        startHandler = () => next(metadata);
        call.startRead();
      })
      .withOnReceiveMessage((message, next) => {
        if (denied || !grant) return;
        const space = memorySpaceOf(message);
        if (space !== '' && !grantAllows(grant, space)) {
          deny(grpc.status.PERMISSION_DENIED, `this token may not use memory space "${space}"`);
          return;
        }
        release();
        next(message);
      })
      .withOnReceiveHalfClose((next) => {
        if (denied) return;
        release();
        next();
      })
      .build();
    return new grpc.ServerInterceptingCall(call, { start: (next) => next(listener) });
  };
}

function memorySpaceOf(message: unknown): string {
  const space = (message as { memorySpaceId?: unknown } | null)?.memorySpaceId;
  return typeof space === 'string' ? space : '';
}
