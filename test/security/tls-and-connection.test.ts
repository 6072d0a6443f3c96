// TLS on a real grpc-js server built from serve's flags, dialled with the
// connection options bench and conform use.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionFromFlags } from '../../src/endpoint/connection-options.js';
import { makeEngramClient } from '../../src/protocol/service-definition.js';
import { serverCredentials } from '../../src/server/security/tls-credentials.js';
import { UserError } from '../../src/util/user-error.js';
import { type CertFiles, hasOpenssl, makeSelfSignedCert } from './self-signed.js';

const openssl = hasOpenssl();

describe.skipIf(!openssl)('TLS with a self-signed certificate', () => {
  let cert: CertFiles;
  let server: grpc.Server;
  let address = '';

  beforeAll(async () => {
    cert = makeSelfSignedCert();
    server = new grpc.Server();
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(
        '127.0.0.1:0',
        serverCredentials({ certPath: cert.certPath, keyPath: cert.keyPath }),
        (err, p) => (err ? reject(err) : resolve(p)),
      ),
    );
    address = `127.0.0.1:${port}`;
  });

  afterAll(() => {
    server.forceShutdown();
    rmSync(cert.dir, { recursive: true, force: true });
  });

  async function connects(flags: Parameters<typeof connectionFromFlags>[0]): Promise<boolean> {
    const client = makeEngramClient(address, connectionFromFlags(flags).credentials);
    const ready = await new Promise<boolean>((resolve) =>
      client.waitForReady(Date.now() + 2000, (err) => resolve(!err)),
    );
    client.close();
    return ready;
  }

  it('lets a client that trusts the certificate (--tls-ca) in', async () => {
    expect(await connects({ tlsCa: cert.certPath })).toBe(true);
  });

  it('keeps out a plaintext client (--insecure) and one trusting only the system roots (--tls)', async () => {
    expect(await connects({ insecure: true })).toBe(false);
    expect(await connects({ tls: true })).toBe(false);
  });

  it('refuses a key that does not match the certificate', () => {
    const other = makeSelfSignedCert();
    try {
      expect(() => serverCredentials({ certPath: cert.certPath, keyPath: other.keyPath })).toThrow(
        /does not belong to the certificate/,
      );
    } finally {
      rmSync(other.dir, { recursive: true, force: true });
    }
  });

  it('refuses a certificate file that is not PEM, and a key file that is not a key', () => {
    expect(() => serverCredentials({ certPath: cert.keyPath, keyPath: cert.keyPath })).toThrow(
      /not a PEM certificate/,
    );
    expect(() => serverCredentials({ certPath: cert.certPath, keyPath: cert.certPath })).toThrow(
      /not a PEM private key/,
    );
  });
});

describe('serve TLS flags without openssl', () => {
  it('needs both files, and says which is missing or unreadable', () => {
    expect(() => serverCredentials({ certPath: 'c.pem' })).toThrow(/--tls-cert was given without --tls-key/);
    expect(() => serverCredentials({ keyPath: 'k.pem' })).toThrow(/--tls-key was given without --tls-cert/);
    expect(() =>
      serverCredentials({ certPath: '/nonexistent/c.pem', keyPath: '/nonexistent/k.pem' }),
    ).toThrow(/--tls-cert \/nonexistent\/c\.pem: cannot read the file \(ENOENT\)/);
  });
});

describe('client connection options', () => {
  it('builds metadata from --header and --token-file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'engram-conn-'));
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, 'secret-token-0123456789\n');
    const c = connectionFromFlags({ header: ['X-Tenant=blue', 'x-trace=a=b'], tokenFile });
    expect(c.metadata.get('x-tenant')).toEqual(['blue']);
    expect(c.metadata.get('x-trace')).toEqual(['a=b']);
    expect(c.metadata.get('authorization')).toEqual(['Bearer secret-token-0123456789']);
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    [{ header: ['novalue'] }, "--header 'novalue': write KEY=VALUE"],
    [{ header: ['bad key=1'] }, "--header 'bad key'"],
    [{ header: ['grpc-timeout=1'] }, 'reserved'],
    [{ header: ['x-bin=1'] }, 'reserved'],
    [{ header: ['x=é'] }, 'printable ASCII'],
    [{ header: ['authorization=Bearer x'], tokenFile: '/dev/null' }, 'keep one of them'],
    [{ tokenFile: '/nonexistent/token' }, '--token-file /nonexistent/token: cannot read the file (ENOENT)'],
    [{ tokenFile: '/dev/null' }, 'expected one token'],
    [{ insecure: true, tlsCa: 'ca.pem' }, 'cannot be combined'],
    [{ tlsCa: '/nonexistent/ca.pem' }, '--tls-ca /nonexistent/ca.pem: cannot read the file'],
  ])('rejects %j with one clear line', (flags, message) => {
    let error: unknown;
    try {
      connectionFromFlags(flags);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toContain(message);
    expect((error as Error).message).not.toContain('\n');
  });
});
