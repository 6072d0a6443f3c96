// The --auth-tokens file: bearer tokens and the memory spaces each may write and read.
// Only SHA-256 digests of the tokens are kept in memory after loading, so a token
// can never reach a log line or an error message by accident.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { UserError } from '../../util/user-error.js';

/** Every memory space: the `*` grant. */
export const ALL_SPACES = '*';

const SPACE_ID = /^[a-z0-9_-]{3,64}$/;
/** Visible ASCII without whitespace, as HTTP/2 header values allow after "Bearer ". */
const TOKEN = /^[\x21-\x7e]+$/;
export const MIN_TOKEN_LENGTH = 16;

export interface TokenGrant {
  /** SHA-256 of the token. */
  digest: Buffer;
  /** Memory space ids this token may write and read, or ALL_SPACES. */
  spaces: ReadonlySet<string> | typeof ALL_SPACES;
  /** Where the token was defined (`file:line`), for messages that must not show the token. */
  origin: string;
}

export function tokenDigest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/**
 * Reads a token file. Format, one grant per line:
 *   <token> <space>[,<space>...]     the token may use these memory spaces
 *   <token> *                        the token may use every memory space
 * Blank lines and lines starting with `#` are ignored.
 */
export function loadAuthTokens(path: string): TokenGrant[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UserError(
      `--auth-tokens ${path}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? 'error'}); ` +
        'give a readable file with lines "<token> <space>[,<space>...]"',
    );
  }
  return parseAuthTokens(text, path);
}

export function parseAuthTokens(text: string, path: string): TokenGrant[] {
  const grants: TokenGrant[] = [];
  const seen = new Map<string, string>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const origin = `${path}:${i + 1}`;
    const fields = line.split(/\s+/);
    if (fields.length !== 2) {
      throw new UserError(
        `--auth-tokens ${origin}: expected "<token> <space>[,<space>...]" or "<token> *", ` +
          `found ${fields.length} field(s); separate the token and the spaces by one space`,
      );
    }
    const [token, spaceList] = fields as [string, string];
    if (!TOKEN.test(token) || token.length < MIN_TOKEN_LENGTH) {
      throw new UserError(
        `--auth-tokens ${origin}: the token must be at least ${MIN_TOKEN_LENGTH} visible ASCII characters ` +
          'without spaces; generate one with `openssl rand -hex 32`',
      );
    }
    const digest = tokenDigest(token);
    const key = digest.toString('hex');
    const earlier = seen.get(key);
    if (earlier) {
      throw new UserError(
        `--auth-tokens ${origin}: the same token is already defined at line ${earlier}; ` +
          'list all its spaces on one line',
      );
    }
    seen.set(key, String(i + 1));
    grants.push({ digest, spaces: parseSpaces(spaceList, origin), origin });
  });
  if (grants.length === 0) {
    throw new UserError(
      `--auth-tokens ${path}: the file defines no token; add lines "<token> <space>[,<space>...]"`,
    );
  }
  return grants;
}

function parseSpaces(list: string, origin: string): TokenGrant['spaces'] {
  if (list === ALL_SPACES) return ALL_SPACES;
  const spaces = new Set<string>();
  for (const space of list.split(',')) {
    if (!SPACE_ID.test(space)) {
      throw new UserError(
        `--auth-tokens ${origin}: '${space}' is not a memory space id; ` +
          'use 3 to 64 characters of [a-z0-9_-], comma-separated, or * for every space',
      );
    }
    spaces.add(space);
  }
  return spaces;
}
