import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { ALL_SPACES, loadAuthTokens, parseAuthTokens } from '../../src/server/security/auth-tokens.js';
import { grantAllows, TokenAuthorizer } from '../../src/server/security/token-authorizer.js';
import { UserError } from '../../src/util/user-error.js';

const A = 'token-for-space-a-0123456789';
const B = 'token-for-space-b-0123456789';
const ADMIN = 'token-for-every-space-0123456789';

function bearer(token: string): grpc.Metadata {
  const m = new grpc.Metadata();
  m.set('authorization', `Bearer ${token}`);
  return m;
}

describe('auth token file', () => {
  const grants = parseAuthTokens(
    `# comment\n\n${A} space-a\n${B} space-b,shared\n${ADMIN} *\n`,
    'tokens.txt',
  );

  it('maps each token to its spaces, keeping only digests', () => {
    expect(grants).toHaveLength(3);
    expect(grants.map((g) => g.origin)).toEqual(['tokens.txt:3', 'tokens.txt:4', 'tokens.txt:5']);
    expect(grants[2]?.spaces).toBe(ALL_SPACES);
    expect(JSON.stringify(grants)).not.toContain(A);
  });

  it('authenticates known tokens and tells missing, malformed and unknown apart', () => {
    const auth = new TokenAuthorizer(grants);
    const a = auth.authenticate(bearer(A));
    expect(a.ok && a.grant.origin).toBe('tokens.txt:3');
    const lower = new grpc.Metadata();
    lower.set('authorization', `bearer ${B}`);
    expect(auth.authenticate(lower).ok).toBe(true);
    expect(auth.authenticate(new grpc.Metadata())).toEqual({ ok: false, reason: 'missing' });
    const basic = new grpc.Metadata();
    basic.set('authorization', `Basic ${A}`);
    expect(auth.authenticate(basic)).toEqual({ ok: false, reason: 'malformed' });
    expect(auth.authenticate(bearer(`${A}x`))).toEqual({ ok: false, reason: 'unknown' });
  });

  it('grants exactly the listed spaces', () => {
    const [a, b, admin] = grants as [(typeof grants)[0], (typeof grants)[0], (typeof grants)[0]];
    expect(grantAllows(a, 'space-a')).toBe(true);
    expect(grantAllows(a, 'space-b')).toBe(false);
    expect(grantAllows(b, 'shared')).toBe(true);
    expect(grantAllows(admin, 'anything')).toBe(true);
  });

  it.each([
    ['one field', `${A}\n`, 'tokens.txt:1: expected'],
    ['three fields', `${A} space-a extra\n`, 'found 3 field(s)'],
    ['a short token', 'short space-a\n', 'at least 16'],
    ['a bad space id', `${A} Space_A\n`, "'Space_A' is not a memory space id"],
    ['an empty space in a list', `${A} space-a,\n`, "'' is not a memory space id"],
    ['a duplicate token', `${A} space-a\n${A} space-b\n`, 'already defined at line 1'],
    ['no tokens', '# nothing\n', 'defines no token'],
  ])('rejects %s with one clear line that never shows the token', (_what, text, message) => {
    let error: unknown;
    try {
      parseAuthTokens(text, 'tokens.txt');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(UserError);
    const msg = (error as Error).message;
    expect(msg).toContain(message);
    expect(msg).not.toContain('\n');
    expect(msg).not.toContain(A);
  });

  it('says which file cannot be read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'engram-tokens-'));
    expect(() => loadAuthTokens(join(dir, 'missing.txt'))).toThrow(
      /missing\.txt: cannot read the file \(ENOENT\)/,
    );
    const path = join(dir, 'ok.txt');
    writeFileSync(path, `${A} space-a\n`);
    expect(loadAuthTokens(path)).toHaveLength(1);
  });
});
