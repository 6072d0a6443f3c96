// Server TLS credentials from --tls-cert and --tls-key, checked before the server binds
// so that a wrong file is one clear line rather than a handshake failure later.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { UserError } from '../../util/user-error.js';

export interface TlsFiles {
  certPath?: string;
  keyPath?: string;
}

/** A certificate chain and its key, both PEM, checked to belong together and be valid now. */
export interface TlsPair {
  cert: Buffer;
  key: Buffer;
}

/** Plaintext when neither file is given; TLS when both are; a UserError otherwise. */
export function serverCredentials(files: TlsFiles): grpc.ServerCredentials {
  return grpcCredentials(checkedTlsPair(files));
}

export function grpcCredentials(pair: TlsPair | undefined): grpc.ServerCredentials {
  if (!pair) return grpc.ServerCredentials.createInsecure();
  return grpc.ServerCredentials.createSsl(null, [{ cert_chain: pair.cert, private_key: pair.key }], false);
}

/** The checked pair of --tls-cert and --tls-key; undefined when neither is given. */
export function checkedTlsPair(files: TlsFiles): TlsPair | undefined {
  const { certPath, keyPath } = files;
  if (!certPath && !keyPath) return undefined;
  if (!certPath || !keyPath) {
    throw new UserError(
      `${certPath ? '--tls-cert' : '--tls-key'} was given without ${certPath ? '--tls-key' : '--tls-cert'}; ` +
        'TLS needs both the certificate chain and its private key (PEM files)',
    );
  }
  const certPem = readPem(certPath, '--tls-cert');
  const keyPem = readPem(keyPath, '--tls-key');
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch {
    throw new UserError(`--tls-cert ${certPath}: not a PEM certificate; give the server's certificate chain`);
  }
  try {
    if (!cert.checkPrivateKey(createPrivateKey(keyPem))) {
      throw new UserError(
        `--tls-key ${keyPath}: this key does not belong to the certificate in ${certPath}; give the matching pair`,
      );
    }
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`--tls-key ${keyPath}: not a PEM private key; give the certificate's private key`);
  }
  if (Date.parse(cert.validTo) < Date.now()) {
    throw new UserError(`--tls-cert ${certPath}: the certificate expired on ${cert.validTo}; renew it`);
  }
  return { cert: certPem, key: keyPem };
}

function readPem(path: string, flag: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new UserError(
      `${flag} ${path}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? 'error'}); give a readable PEM file`,
    );
  }
}
