/**
 * Certificates for development and tests: a self-signed certificate, or a small
 * certificate authority issuing server and client certificates.
 *
 * Node can read and use certificates but not make them, so the certificate itself is
 * built with node-forge. The slow parts stay off the kernel's thread: the RSA key pair
 * comes from Node's `crypto.generateKeyPair` (OpenSSL, on libuv's thread pool) and the
 * signature from Node's asynchronous `crypto.sign`; forge only lays out the ASN.1 (about
 * a millisecond on the kernel's thread). The task waits in `FUTURE_WAIT` meanwhile and
 * every other task keeps running. forge itself (42 modules) is imported on the first
 * certificate made, not when `curio` is imported.
 * @packageDocumentation
 */
import { Buffer } from 'node:buffer';
import { X509Certificate, generateKeyPair, randomBytes, sign } from 'node:crypto';
import { isIP } from 'node:net';
import type forge from 'node-forge';
import { awaitPromise, type Operation, describeValue } from '@curio/kernel';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Certificates start a little in the past, so a peer whose clock lags accepts them. */
const BACKDATE_MS = 60 * 60 * 1000;

/**
 * A certificate and its private key, both PEM text.
 *
 * @example
 * ```ts
 * const { cert, key }: CertificateAndKey = yield* createSelfSignedCertificate();
 * ctx.loadCertChain(cert, key);
 * ```
 */
export interface CertificateAndKey {
  /** The certificate, PEM (`-----BEGIN CERTIFICATE-----`). */
  cert: string;
  /** Its private key, PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`), unencrypted. */
  key: string;
}

/**
 * Options of {@link createSelfSignedCertificate} and {@link createCertificateAuthority}.
 *
 * @example
 * ```ts
 * yield* createSelfSignedCertificate({ commonName: 'dev.local', altNames: ['dev.local', '10.0.0.5'], days: 30 });
 * ```
 */
export interface CertificateOptions {
  /** The subject's common name (default `'localhost'`, or `'Curio Test CA'` for a CA). */
  commonName?: string;
  /** The subject's organization (O), if any. */
  organization?: string;
  /**
   * Host names and IP addresses the certificate is for (subject alternative names).
   * Default: the common name, plus `127.0.0.1` and `::1` when it is `'localhost'`.
   */
  altNames?: string[];
  /** Validity in days from now (default 365; 3650 for a CA). Not with `notAfter`. */
  days?: number;
  /** Start of validity (default an hour ago). */
  notBefore?: Date;
  /** End of validity (instead of `days`); a date in the past makes an expired certificate. */
  notAfter?: Date;
  /** RSA key size in bits (default 2048). */
  keyBits?: number;
}

/**
 * What an issued certificate is for.
 *
 * @example
 * ```ts
 * yield* ca.issueCertificate({ commonName: 'alice', purpose: 'client' });
 * ```
 */
export type CertificatePurpose = 'server' | 'client' | 'both';

/**
 * Options of {@link issueCertificate}.
 *
 * @example
 * ```ts
 * yield* ca.issueCertificate({ commonName: 'svc', purpose: 'both', days: 7 });
 * ```
 */
export interface IssueOptions extends CertificateOptions {
  /** `'server'` (the default), `'client'` (for mutual TLS) or `'both'`. */
  purpose?: CertificatePurpose;
}

/**
 * A small certificate authority for tests and development: its own certificate (give it
 * to `loadVerifyLocations` to trust what it issues) and key, and
 * {@link CertificateAuthority.issueCertificate}.
 *
 * @example
 * ```ts
 * const ca = yield* createCertificateAuthority();
 * const server = yield* ca.issueCertificate({ commonName: 'localhost' });
 * const client = yield* ca.issueCertificate({ commonName: 'alice', purpose: 'client' });
 * ```
 */
export class CertificateAuthority implements CertificateAndKey {
  /** The CA's certificate, PEM. */
  readonly cert: string;
  /** The CA's private key, PEM. */
  readonly key: string;

  /** A CA from its certificate and key (as {@link createCertificateAuthority} returns them). */
  constructor(cert: string, key: string) {
    if (typeof cert !== 'string' || !cert.includes('-----BEGIN CERTIFICATE-----')) throw new TypeError(`CertificateAuthority: cert must be PEM text, got ${describeValue(cert)}`);
    if (typeof key !== 'string' || !key.includes('PRIVATE KEY-----')) throw new TypeError(`CertificateAuthority: key must be PEM text, got ${describeValue(key)}`);
    try {
      new X509Certificate(cert);
    } catch (e) {
      throw new TypeError(`CertificateAuthority: cert is not a certificate OpenSSL can read (${(e as Error).message})`, { cause: e });
    }
    this.cert = cert;
    this.key = key;
  }

  /** Issues a certificate signed by this CA (see {@link issueCertificate}). */
  issueCertificate(options: IssueOptions = {}): Operation<CertificateAndKey> {
    return issueCertificate(this, options);
  }
}

/**
 * A self-signed server certificate and its key, for development servers and tests:
 * a client trusts it by loading the certificate itself with `loadVerifyLocations`.
 *
 * @example
 * ```ts
 * const { cert, key } = yield* createSelfSignedCertificate({ commonName: 'localhost' });
 * const server = createDefaultContext(Purpose.CLIENT_AUTH);
 * server.loadCertChain(cert, key);
 * const client = createDefaultContext(Purpose.SERVER_AUTH, { cadata: cert });
 * ```
 */
export function* createSelfSignedCertificate(options: CertificateOptions = {}): Operation<CertificateAndKey> {
  const o = checkOptions('createSelfSignedCertificate', options, 'localhost', 365);
  const keys = yield* newKeyPair(o.keyBits);
  const subject = subjectOf(o);
  const cert = yield* signCertificate(o, keys.publicKey, subject, subject, keys.privateKey, [
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
    { name: 'subjectAltName', altNames: altNamesOf(o) },
    { name: 'subjectKeyIdentifier' },
  ]);
  return { cert, key: keys.privateKey };
}

/**
 * A new certificate authority (a self-signed CA certificate and its key) for tests and
 * development, issuing certificates with {@link CertificateAuthority.issueCertificate}.
 *
 * @example
 * ```ts
 * const ca = yield* createCertificateAuthority({ commonName: 'Test CA' });
 * ctx.loadVerifyLocations(ca.cert);
 * ```
 */
export function* createCertificateAuthority(options: CertificateOptions = {}): Operation<CertificateAuthority> {
  const o = checkOptions('createCertificateAuthority', options, 'Curio Test CA', 3650);
  const keys = yield* newKeyPair(o.keyBits);
  const subject = subjectOf(o);
  const cert = yield* signCertificate(o, keys.publicKey, subject, subject, keys.privateKey, [
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  return new CertificateAuthority(cert, keys.privateKey);
}

/**
 * A certificate signed by `ca`, for a server (default), a client (mutual TLS) or both.
 * Validity is `days` from now or `notBefore`/`notAfter` (a `notAfter` in the past makes
 * an expired certificate, for tests).
 *
 * @example
 * ```ts
 * const DAY = 24 * 60 * 60 * 1000;
 * const expired = yield* issueCertificate(ca, { notBefore: new Date(Date.now() - 2 * DAY), notAfter: new Date(Date.now() - DAY) });
 * ```
 */
export function* issueCertificate(ca: CertificateAuthority, options: IssueOptions = {}): Operation<CertificateAndKey> {
  if (!(ca instanceof CertificateAuthority)) throw new TypeError(`issueCertificate(): ca must be a CertificateAuthority (from createCertificateAuthority), got ${describeValue(ca)}`);
  const purpose = options.purpose ?? 'server';
  if (purpose !== 'server' && purpose !== 'client' && purpose !== 'both') {
    throw new TypeError(`issueCertificate(): purpose must be 'server', 'client' or 'both', got ${describeValue(purpose)}`);
  }
  const o = checkOptions('issueCertificate', options, purpose === 'client' ? 'client' : 'localhost', 365);
  const keys = yield* newKeyPair(o.keyBits);
  const { pki } = yield* loadForge();
  // The CA's subject and key identifier, for the issuer fields.
  const issuer = pki.certificateFromPem(ca.cert);
  const extensions: object[] = [
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: purpose !== 'client', clientAuth: purpose !== 'server' },
  ];
  // A client certificate names a person or service, not a host: alt names only if asked.
  if (purpose !== 'client' || options.altNames !== undefined) extensions.push({ name: 'subjectAltName', altNames: altNamesOf(o) });
  extensions.push(
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: issuer.generateSubjectKeyIdentifier().getBytes() },
  );
  const cert = yield* signCertificate(o, keys.publicKey, subjectOf(o), issuer.subject.attributes, ca.key, extensions);
  return { cert, key: keys.privateKey };
}

// ---------------------------------------------------------------------- internals

interface CheckedOptions {
  commonName: string;
  organization: string | undefined;
  altNames: string[] | undefined;
  notBefore: Date;
  notAfter: Date;
  keyBits: number;
}

function checkOptions(where: string, options: CertificateOptions, defaultName: string, defaultDays: number): CheckedOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${where}(): options must be an object, got ${describeValue(options)}`);
  const { commonName = defaultName, organization, altNames, days, notBefore, notAfter, keyBits = 2048 } = options;
  if (typeof commonName !== 'string' || commonName === '') throw new TypeError(`${where}(): commonName must be a non-empty string, got ${describeValue(commonName)}`);
  if (organization !== undefined && typeof organization !== 'string') throw new TypeError(`${where}(): organization must be a string, got ${describeValue(organization)}`);
  if (altNames !== undefined && (!Array.isArray(altNames) || altNames.some((n) => typeof n !== 'string' || n === ''))) {
    throw new TypeError(`${where}(): altNames must be an array of host names and IP addresses, got ${describeValue(altNames)}`);
  }
  if (days !== undefined && (typeof days !== 'number' || !(days > 0) || !Number.isFinite(days))) {
    throw new TypeError(`${where}(): days must be a positive number, got ${describeValue(days)}`);
  }
  if (days !== undefined && notAfter !== undefined) throw new TypeError(`${where}(): give days or notAfter, not both`);
  for (const [name, d] of [['notBefore', notBefore], ['notAfter', notAfter]] as const) {
    if (d !== undefined && (!(d instanceof Date) || Number.isNaN(d.getTime()))) throw new TypeError(`${where}(): ${name} must be a valid Date, got ${describeValue(d)}`);
  }
  if (!Number.isInteger(keyBits) || keyBits < 1024 || keyBits > 16384 || keyBits % 8 !== 0) {
    throw new TypeError(`${where}(): keyBits must be a multiple of 8 from 1024 to 16384 (2048 or more for OpenSSL's default security level), got ${describeValue(keyBits)}`);
  }
  const now = Date.now();
  const start = notBefore ?? new Date(now - BACKDATE_MS);
  const end = notAfter ?? new Date((notBefore?.getTime() ?? now) + (days ?? defaultDays) * DAY_MS);
  if (end.getTime() <= start.getTime()) throw new TypeError(`${where}(): notAfter (${end.toISOString()}) must be after notBefore (${start.toISOString()})`);
  return { commonName, organization, altNames, notBefore: start, notAfter: end, keyBits };
}

function subjectOf(o: CheckedOptions): forge.pki.CertificateField[] {
  const fields: forge.pki.CertificateField[] = [{ name: 'commonName', value: o.commonName }];
  if (o.organization !== undefined) fields.push({ name: 'organizationName', value: o.organization });
  return fields;
}

/** DNS names as dNSName (type 2), addresses as iPAddress (type 7). */
function altNamesOf(o: CheckedOptions): object[] {
  const names = o.altNames ?? (o.commonName === 'localhost' ? ['localhost', '127.0.0.1', '::1'] : [o.commonName]);
  return names.map((n) => (isIP(n) !== 0 ? { type: 7, ip: n } : { type: 2, value: n }));
}

interface KeyPairPem {
  publicKey: string;
  privateKey: string;
}

/** An RSA key pair made by OpenSSL on the thread pool: the kernel keeps running meanwhile. */
function newKeyPair(bits: number): Operation<KeyPairPem> {
  return awaitPromise(
    process.getBuiltinModule('node:util').promisify(generateKeyPair)('rsa', {
      modulusLength: bits,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    }),
  );
}

/** node-forge, imported on first use; later calls find it in the module cache. */
function* loadForge(): Operation<typeof forge> {
  const module = yield* awaitPromise(import('node-forge'));
  return module.default;
}

/** forge's `pki.getTBSCertificate`, which its type definitions leave out. */
function getTBSCertificate(pki: typeof forge.pki, cert: forge.pki.Certificate): forge.asn1.Asn1 {
  return (pki as unknown as { getTBSCertificate(cert: forge.pki.Certificate): forge.asn1.Asn1 }).getTBSCertificate(cert);
}

/** Lays out the certificate with forge and signs it (SHA-256 with RSA) with Node's crypto. */
function* signCertificate(
  o: CheckedOptions,
  publicKeyPem: string,
  subject: forge.pki.CertificateField[],
  issuer: forge.pki.CertificateField[],
  signerKeyPem: string,
  extensions: object[],
): Operation<string> {
  const { pki, asn1 } = yield* loadForge();
  const cert = pki.createCertificate();
  cert.publicKey = pki.publicKeyFromPem(publicKeyPem);
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = o.notBefore;
  cert.validity.notAfter = o.notAfter;
  cert.setSubject(subject);
  cert.setIssuer(issuer);
  cert.setExtensions(extensions);
  cert.signatureOid = cert.siginfo.algorithmOid = pki.oids.sha256WithRSAEncryption;
  cert.tbsCertificate = getTBSCertificate(pki, cert);
  const tbs = Buffer.from(asn1.toDer(cert.tbsCertificate).getBytes(), 'binary');
  const signature = yield* awaitPromise(process.getBuiltinModule('node:util').promisify(sign)('sha256', tbs, signerKeyPem));
  cert.signature = signature.toString('binary');
  return pki.certificateToPem(cert);
}

/** 16 random bytes as a positive hex serial (the top bit clear: DER integers are signed). */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] &= 0x7f;
  if (bytes[0] === 0) bytes[0] = 1;
  return bytes.toString('hex');
}
