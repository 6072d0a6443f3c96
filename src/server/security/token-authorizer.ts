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

  /** Finds the grant of the `authorization: Bearer <token>` header. */
  authenticate(metadata: grpc.Metadata): Authentication {
    const values = metadata.get('authorization');
    if (values.length === 0) return { ok: false, reason: 'missing' };
    const header = values.length === 1 ? String(values[0]) : '';
    const m = BEARER.exec(header);
    if (!m) return { ok: false, reason: 'malformed' };
    const grant = this.find(tokenDigest(m[1] as string));
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
