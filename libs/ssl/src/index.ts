/**
 * `@curio/ssl`: TLS for Curio over Node's `node:tls` (never a TLS stack of its own):
 * {@link SSLContext} and {@link createDefaultContext} in the spirit of Python's `ssl`,
 * {@link wrapSocket} (STARTTLS included), the `ssl` option of `@curio/io`'s servers and
 * connections, and certificates for development and tests made with node-forge.
 * @packageDocumentation
 */
import { markLibraryCode } from '@curio/kernel';

// Tasks blocked in a TLS read or handshake should show the user's line in where().
markLibraryCode();

export {
  CERT_NONE, CERT_OPTIONAL, CERT_REQUIRED, Purpose, PROTOCOL_TLS_CLIENT, PROTOCOL_TLS_SERVER, TLSVersion,
  type VerifyMode, type SSLProtocol,
} from './constants.js';
export type { PemSource } from './pem.js';
export { SSLError, SSLCertVerificationError, type SSLErrorInfo } from './errors.js';
export { SSLContext, createDefaultContext, wrapSocket, type SniCallback, type DefaultContextOptions } from './context.js';
export type { WrapSocketOptions } from './wrap.js';
export { SSLSocket, type PeerCertificate, type CipherInfo } from './ssl-socket.js';
export { getServerCertificate, type GetServerCertificateOptions } from './server-certificate.js';
export {
  createSelfSignedCertificate, createCertificateAuthority, issueCertificate, CertificateAuthority,
  type CertificateAndKey, type CertificateOptions, type IssueOptions, type CertificatePurpose,
} from './certs.js';
