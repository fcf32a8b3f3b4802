/**
 * {@link getServerCertificate}: fetch a server's certificate (Python's
 * `ssl.get_server_certificate`).
 * @packageDocumentation
 */
import { X509Certificate } from 'node:crypto';
import { openConnection } from '@curio/io';
import type { Operation } from '@curio/kernel';
import { CERT_NONE, CERT_REQUIRED, PROTOCOL_TLS_CLIENT } from './constants.js';
import { SSLContext } from './context.js';
import type { PemSource } from './pem.js';
import type { SSLSocket } from './ssl-socket.js';

/**
 * Options of {@link getServerCertificate}.
 *
 * @example
 * ```ts
 * yield* getServerCertificate('127.0.0.1', port, { caCerts: ca.cert, serverHostname: 'localhost' });
 * ```
 */
export interface GetServerCertificateOptions {
  /** Verify the certificate against these CA certificates (default: do not verify). */
  caCerts?: PemSource;
  /** The name sent as SNI (default: `host` when it is a name). */
  serverHostname?: string;
}

/**
 * Connects to a TLS server, does the handshake and returns the server's certificate as
 * PEM text. The certificate is not verified unless `caCerts` is given (and its host name
 * never is), as in Python.
 *
 * @example
 * ```ts
 * import { X509Certificate } from 'node:crypto';
 * const pem = yield* getServerCertificate('127.0.0.1', port);
 * console.log(new X509Certificate(pem).subject);
 * ```
 */
export function* getServerCertificate(host: string, port: number, options: GetServerCertificateOptions = {}): Operation<string> {
  const ctx = new SSLContext(PROTOCOL_TLS_CLIENT);
  ctx.checkHostname = false;
  if (options.caCerts !== undefined) {
    ctx.loadVerifyLocations(options.caCerts);
    ctx.verifyMode = CERT_REQUIRED;
  } else {
    ctx.verifyMode = CERT_NONE;
  }
  const sock = (yield* openConnection(host, port, { ssl: ctx, serverHostname: options.serverHostname })) as SSLSocket;
  try {
    const der = sock.getpeercert(true);
    if (der === null) throw new TypeError(`getServerCertificate(): the server at ${host}:${port} sent no certificate`);
    return new X509Certificate(der).toString();
  } finally {
    sock.close();
  }
}
