// Decides who may use which memory space, from the bearer token in the call's metadata.
import { timingSafeEqual } from 'node:crypto';
import type * as grpc from '@grpc/grpc-js';
import { ALL_SPACES, type TokenGrant, tokenDigest } from './auth-tokens.js';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

export type Authentication =
  | { ok: true; grant: TokenGrant }
  | { ok: false; reason: 'missing' | 'malformed' | 'unknown' };

export class TokenAuthorizer {
  constructor(private readonly grants: readonly TokenGrant[]) {}

  /** Finds the grant of the `authorization: Bearer <token>` metadata of a gRPC call. */
  authenticate(metadata: grpc.Metadata): Authentication {
    return this.authenticateHeader(metadata.get('authorization').map(String));
  }

  /** Finds the grant of the values of an `authorization` header (HTTP or gRPC metadata). */
  authenticateHeader(values: readonly string[]): Authentication {
    if (values.length === 0) return { ok: false, reason: 'missing' };
    const m = BEARER.exec(values.length === 1 ? (values[0] as string) : '');
    if (!m) return { ok: false, reason: 'malformed' };
    return this.authenticateToken(m[1] as string);
  }

  /** Finds the grant of a bare token (one a browser carried in a WebSocket subprotocol). */
  authenticateToken(token: string): Authentication {
    const grant = this.find(tokenDigest(token));
    return grant ? { ok: true, grant } : { ok: false, reason: 'unknown' };
  }

  /**
   * Compares digests (fixed length) in constant time and always visits every
   * grant, so the time taken says nothing about which token came close.
   */
  private find(digest: Buffer): TokenGrant | undefined {
    let found: TokenGrant | undefined;
    for (const grant of this.grants) {
      if (timingSafeEqual(grant.digest, digest) && !found) found = grant;
    }
    return found;
  }
}

export function grantAllows(grant: TokenGrant, memorySpaceId: string): boolean {
  return grant.spaces === ALL_SPACES || grant.spaces.has(memorySpaceId);
}
