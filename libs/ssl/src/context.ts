/**
 * {@link SSLContext}: TLS settings in the spirit of Python's `ssl.SSLContext`, turned
 * into Node `tls` options; {@link createDefaultContext}; and {@link wrapSocket}.
 * @packageDocumentation
 */
import type tls from 'node:tls';
import { awaitPromise, type Operation, describeValue } from '@curio/kernel';
import type { Socket, SslWrapper } from '@curio/io';
import {
  CERT_NONE, CERT_OPTIONAL, CERT_REQUIRED, PROTOCOL_TLS_CLIENT, PROTOCOL_TLS_SERVER, Purpose, TLSVersion, TLS_VERSION_RANK,
  type SSLProtocol, type VerifyMode,
} from './constants.js';
import { readPem, type PemSource } from './pem.js';
import { checkAlpn } from './check.js';
import { SSLError } from './errors.js';
import type { WrapSocketOptions } from './wrap.js';
import type { SSLSocket } from './ssl-socket.js';

/**
 * Chooses the context for a server name the client asked for (SNI): return another
 * {@link SSLContext} (its certificate chain is used) or nothing to keep this one.
 *
 * @example
 * ```ts
 * ctx.sniCallback = (name) => (name === 'api.example.com' ? apiContext : undefined);
 * ```
 */
export type SniCallback = (serverName: string) => SSLContext | null | undefined;

/**
 * Options of {@link createDefaultContext}: CA certificates to trust instead of the default roots.
 *
 * @example
 * ```ts
 * createDefaultContext(Purpose.SERVER_AUTH, { cafile: '/etc/myapp/ca.pem' });
 * ```
 */
export interface DefaultContextOptions {
  /** A PEM file of CA certificates. */
  cafile?: string;
  /** A directory of PEM CA certificate files (`.pem`, `.crt`, `.cer`). */
  capath?: string;
  /** CA certificates as PEM text or bytes. */
  cadata?: string | Buffer;
}

const VERSIONS = new Set<string>(Object.values(TLSVersion));

/**
 * TLS settings (Python's `ssl.SSLContext`): which side it is for, the certificate chain
 * to present, the CA certificates to trust, whether and how the peer is checked, ALPN,
 * protocol versions and SNI. Give it as the `ssl` option of `tcpServer`, `runServer` and
 * `openConnection`, or to {@link wrapSocket}. Change settings before use: sockets already
 * wrapped keep the settings they were made with.
 *
 * A client context (`PROTOCOL_TLS_CLIENT`, what {@link createDefaultContext} gives by
 * default) has `verifyMode = CERT_REQUIRED` and `checkHostname = true`; a server context
 * (`PROTOCOL_TLS_SERVER`) has `CERT_NONE` (set `CERT_REQUIRED` for mutual TLS).
 *
 * @example
 * ```ts
 * const ctx = new SSLContext(PROTOCOL_TLS_SERVER);
 * ctx.loadCertChain('server.pem', 'server.key');
 * yield* tcpServer('', 25000, echoClient, { ssl: ctx });
 * ```
 */
export class SSLContext implements SslWrapper {
  /** Which side the context is for. */
  readonly protocol: SSLProtocol;

  private mode: VerifyMode;
  private hostnameCheck: boolean;
  private minVersion: TLSVersion = TLSVersion.TLSv1_2;
  private maxVersion: TLSVersion = TLSVersion.TLSv1_3;
  private certChain: { cert: string; key: string; passphrase: string | undefined } | null = null;
  private caCerts: string[] = [];
  private defaultCerts = false;
  private alpn: string[] | null = null;
  private cipherList: string | null = null;
  private sni: SniCallback | null = null;
  /** Shared by this context's handshake servers so session tickets work across them. */
  private cachedSecureContext: tls.SecureContext | null = null;

  /**
   * A context for one side: {@link PROTOCOL_TLS_CLIENT} (the default) or {@link PROTOCOL_TLS_SERVER}.
   * Unlike {@link createDefaultContext}, it trusts no CA until {@link SSLContext.loadVerifyLocations}
   * or {@link SSLContext.loadDefaultCerts}.
   */
  constructor(protocol: SSLProtocol = PROTOCOL_TLS_CLIENT) {
    if (protocol !== PROTOCOL_TLS_CLIENT && protocol !== PROTOCOL_TLS_SERVER) {
      throw new TypeError(`SSLContext(): protocol must be PROTOCOL_TLS_CLIENT or PROTOCOL_TLS_SERVER, got ${describeValue(protocol)}`);
    }
    this.protocol = protocol;
    const client = protocol === PROTOCOL_TLS_CLIENT;
    this.mode = client ? CERT_REQUIRED : CERT_NONE;
    this.hostnameCheck = client;
  }

  /**
   * How the peer's certificate is checked: {@link CERT_NONE}, {@link CERT_OPTIONAL} or
   * {@link CERT_REQUIRED}. On a client, `CERT_OPTIONAL` is `CERT_REQUIRED` (as in
   * Python). `CERT_NONE` needs `checkHostname` off first.
   */
  get verifyMode(): VerifyMode {
    return this.mode;
  }

  set verifyMode(mode: VerifyMode) {
    if (mode !== CERT_NONE && mode !== CERT_OPTIONAL && mode !== CERT_REQUIRED) {
      throw new TypeError(`SSLContext.verifyMode must be CERT_NONE, CERT_OPTIONAL or CERT_REQUIRED, got ${describeValue(mode)}`);
    }
    if (mode === CERT_NONE && this.hostnameCheck) {
      throw new TypeError('SSLContext.verifyMode: cannot set CERT_NONE while checkHostname is true (set checkHostname = false first)');
    }
    this.mode = mode;
    this.changed();
  }

  /**
   * Whether a client checks that the server's certificate is for the host it meant to
   * reach (`serverHostname`, or the address connected to). Turning it on turns
   * `verifyMode` from `CERT_NONE` to `CERT_REQUIRED`.
   */
  get checkHostname(): boolean {
    return this.hostnameCheck;
  }

  set checkHostname(on: boolean) {
    if (typeof on !== 'boolean') throw new TypeError(`SSLContext.checkHostname must be a boolean, got ${describeValue(on)}`);
    if (on && this.mode === CERT_NONE) this.mode = CERT_REQUIRED;
    this.hostnameCheck = on;
    this.changed();
  }

  /** The lowest TLS version accepted (default `'TLSv1.2'`). */
  get minimumVersion(): TLSVersion {
    return this.minVersion;
  }

  set minimumVersion(version: TLSVersion) {
    this.minVersion = checkVersion('minimumVersion', version);
    this.changed();
  }

  /** The highest TLS version offered (default `'TLSv1.3'`). */
  get maximumVersion(): TLSVersion {
    return this.maxVersion;
  }

  set maximumVersion(version: TLSVersion) {
    this.maxVersion = checkVersion('maximumVersion', version);
    this.changed();
  }

  /**
   * Server side: picks another context by the server name the client asked for (SNI).
   * Only the chosen context's certificate chain is used; verification and ALPN stay this
   * context's. `null` (the default) serves every name with this context.
   */
  get sniCallback(): SniCallback | null {
    return this.sni;
  }

  set sniCallback(callback: SniCallback | null) {
    if (callback !== null && typeof callback !== 'function') {
      throw new TypeError(`SSLContext.sniCallback must be a function (serverName) => SSLContext | undefined, or null; got ${describeValue(callback)}`);
    }
    this.sni = callback;
    this.changed();
  }

  /**
   * The certificate chain this side presents and its private key: PEM text, PEM bytes or
   * file paths. Without `keyfile`, the key is read from `certfile`. `password` decrypts
   * an encrypted key.
   * @throws SSLError if the key does not match the certificate or cannot be read.
   */
  loadCertChain(certfile: PemSource, keyfile?: PemSource, password?: string): void {
    const where = 'SSLContext.loadCertChain()';
    const cert = readPem(certfile, 'the certificate', where);
    const key = keyfile === undefined ? cert : readPem(keyfile, 'the private key', where);
    if (!key.includes('PRIVATE KEY-----')) throw new TypeError(`${where}: no private key given: pass keyfile, or a certfile holding the key too`);
    if (password !== undefined && typeof password !== 'string') throw new TypeError(`${where}: password must be a string, got ${describeValue(password)}`);
    try {
      process.getBuiltinModule('node:tls').createSecureContext({ cert, key, passphrase: password });
    } catch (error) {
      throw opensslError(where, error);
    }
    this.certChain = { cert, key, passphrase: password };
    this.changed();
  }

  /**
   * Adds CA certificates to trust when verifying the peer: PEM text, PEM bytes, a PEM
   * file, or a directory of PEM files (several may be given as an array).
   */
  loadVerifyLocations(ca: PemSource | PemSource[]): void {
    const sources = Array.isArray(ca) ? ca : [ca];
    if (sources.length === 0) throw new TypeError('SSLContext.loadVerifyLocations(): give at least one CA certificate');
    const pems = sources.map((s) => readPem(s, 'the CA certificates', 'SSLContext.loadVerifyLocations()'));
    this.caCerts.push(...pems);
    this.changed();
  }

  /** Trusts the default root CAs (Node's: its bundled Mozilla roots and `NODE_EXTRA_CA_CERTS`). */
  loadDefaultCerts(): void {
    this.defaultCerts = true;
    this.changed();
  }

  /**
   * The protocols offered (client) or accepted (server) through ALPN, most preferred
   * first: `['h2', 'http/1.1']`. Read the outcome with `SSLSocket.selectedAlpnProtocol()`.
   */
  setAlpnProtocols(protocols: string[]): void {
    this.alpn = checkAlpn('SSLContext.setAlpnProtocols()', protocols);
    this.changed();
  }

  /**
   * The TLS 1.2 cipher suites allowed, in OpenSSL's cipher list format.
   * @throws SSLError if OpenSSL can select no cipher from the list.
   */
  setCiphers(ciphers: string): void {
    if (typeof ciphers !== 'string' || ciphers === '') throw new TypeError(`SSLContext.setCiphers(): expected an OpenSSL cipher list, got ${describeValue(ciphers)}`);
    try {
      process.getBuiltinModule('node:tls').createSecureContext({ ciphers });
    } catch (error) {
      throw opensslError('SSLContext.setCiphers()', error);
    }
    this.cipherList = ciphers;
    this.changed();
  }

  /**
   * Performs the TLS handshake over a connected socket and returns the TLS socket (the
   * `SslWrapper` interface of `@curio/io`; see {@link wrapSocket}).
   */
  wrapSocket(sock: Socket, options: WrapSocketOptions = {}): Operation<SSLSocket> {
    return wrapLazily(sock, this, options);
  }

  // ---------------------------------------------------------------- for wrap.ts

  /**
   * A copy of the ALPN protocols given to {@link SSLContext.setAlpnProtocols}, most
   * preferred first; null if none were.
   *
   * @example
   * ```ts
   * const ctx = createDefaultContext(Purpose.CLIENT_AUTH);
   * if (ctx.alpnProtocols === null) ctx.setAlpnProtocols(['http/1.1']);
   * ```
   */
  get alpnProtocols(): string[] | null {
    return this.alpn === null ? null : [...this.alpn];
  }

  /** @internal Node's secure context for these settings (made once, until a setting changes). */
  secureContext(): tls.SecureContext {
    return (this.cachedSecureContext ??= process.getBuiltinModule('node:tls').createSecureContext(this.secureContextOptions()));
  }

  /** @internal The settings as `tls.createSecureContext` options. */
  secureContextOptions(): tls.SecureContextOptions {
    if (TLS_VERSION_RANK[this.minVersion] > TLS_VERSION_RANK[this.maxVersion]) {
      throw new TypeError(`SSLContext: minimumVersion ${this.minVersion} is above maximumVersion ${this.maxVersion}`);
    }
    const options: tls.SecureContextOptions = { minVersion: this.minVersion, maxVersion: this.maxVersion };
    if (this.certChain !== null) Object.assign(options, this.certChain);
    // Node's `ca` replaces its default roots: add them back if they are wanted too.
    if (this.caCerts.length > 0) options.ca = this.defaultCerts ? [...process.getBuiltinModule('node:tls').rootCertificates, ...this.caCerts] : this.caCerts;
    else if (!this.defaultCerts) options.ca = [];
    if (this.cipherList !== null) options.ciphers = this.cipherList;
    return options;
  }

  /** @internal Node's SNICallback for {@link SSLContext.sniCallback}, or undefined. */
  nodeSniCallback(): ((serverName: string, done: (error: Error | null, context?: tls.SecureContext) => void) => void) | undefined {
    const sni = this.sni;
    if (sni === null) return undefined;
    return (serverName, done) => {
      try {
        const chosen = sni(serverName);
        if (chosen !== null && chosen !== undefined && !(chosen instanceof SSLContext)) {
          throw new TypeError(`SSLContext.sniCallback must return an SSLContext or nothing, got ${describeValue(chosen)}`);
        }
        done(null, chosen?.secureContext());
      } catch (error) {
        done(error as Error);
      }
    };
  }

  private changed(): void {
    this.cachedSecureContext = null;
  }
}

/**
 * A context with Python's secure defaults: for `Purpose.SERVER_AUTH` (the default) a
 * client context that verifies the server's certificate against the default roots (or
 * the CA certificates given) and checks its host name; for `Purpose.CLIENT_AUTH` a
 * server context (load its certificate chain with {@link SSLContext.loadCertChain}).
 * TLS 1.2 is the minimum version.
 *
 * @example
 * ```ts
 * const ctx = createDefaultContext();                        // a client that trusts the usual roots
 * const sock = yield* openConnection('example.com', 443, { ssl: ctx });
 *
 * const test = createDefaultContext(Purpose.SERVER_AUTH, { cadata: ca.cert });   // trusts a test CA
 * ```
 */
export function createDefaultContext(purpose: Purpose = Purpose.SERVER_AUTH, options: DefaultContextOptions = {}): SSLContext {
  if (purpose !== Purpose.SERVER_AUTH && purpose !== Purpose.CLIENT_AUTH) {
    throw new TypeError(`createDefaultContext(): purpose must be Purpose.SERVER_AUTH or Purpose.CLIENT_AUTH, got ${describeValue(purpose)}`);
  }
  const ctx = new SSLContext(purpose === Purpose.SERVER_AUTH ? PROTOCOL_TLS_CLIENT : PROTOCOL_TLS_SERVER);
  const { cafile, capath, cadata } = options;
  const given = [cafile, capath, cadata].filter((x): x is string | Buffer => x !== undefined);
  if (given.length > 0) ctx.loadVerifyLocations(given);
  else if (ctx.verifyMode !== CERT_NONE) ctx.loadDefaultCerts();
  return ctx;
}

/**
 * Upgrades a connected socket to TLS: performs the handshake (as the server with
 * `serverSide: true`) and returns an `SSLSocket` with the same methods plus
 * `getpeercert()`, `selectedAlpnProtocol()`, `version()` and `cipher()`. The socket given
 * is taken over (it counts as closed afterwards); bytes it had received but not yet read
 * are the first bytes of the TLS stream, so a STARTTLS switch loses nothing. The
 * handshake is an operation: cancelling it or a timeout closes the connection. A failed
 * handshake raises an {@link SSLError} and closes the connection.
 *
 * @example
 * ```ts
 * yield* sock.sendall('STARTTLS\r\n');
 * const line = yield* sock.asStream().readline();           // '+OK\r\n'
 * const tlsSock = yield* wrapSocket(sock, ctx, { serverHostname: 'mail.example.com' });
 * yield* tlsSock.sendall('secret\r\n');
 * ```
 */
export function wrapSocket(sock: Socket, context: SSLContext, options: WrapSocketOptions = {}): Operation<SSLSocket> {
  if (!(context instanceof SSLContext)) throw new TypeError(`wrapSocket(): context must be an SSLContext, got ${describeValue(context)}`);
  return wrapLazily(sock, context, options);
}

/** wrap.ts and the handshake, imported on the first wrap rather than with curio. */
let wrapModule: typeof import('./wrap.js') | null = null;

function* wrapLazily(sock: Socket, context: SSLContext, options: WrapSocketOptions): Operation<SSLSocket> {
  wrapModule ??= yield* awaitPromise(import('./wrap.js'));
  return yield* wrapModule.wrapWithContext(sock, context, options);
}

function checkVersion(name: string, version: unknown): TLSVersion {
  if (typeof version !== 'string' || !VERSIONS.has(version)) {
    throw new TypeError(`SSLContext.${name} must be one of ${[...VERSIONS].map((v) => `'${v}'`).join(', ')} (TLSVersion), got ${describeValue(version)}`);
  }
  return version as TLSVersion;
}

/** An SSLError for OpenSSL refusing a setting: `ERR_OSSL_X509_KEY_VALUES_MISMATCH` gives reason `KEY_VALUES_MISMATCH`. */
function opensslError(where: string, error: unknown): SSLError {
  const code = typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : 'ERR_SSL';
  const reason = code.replace(/^ERR_(OSSL_|SSL_)?/, '').replace(/^(X509|PEM|EVP|PROV)_/, '');
  return new SSLError(`${where}: ${reason}: ${error instanceof Error ? error.message : String(error)}`, { reason, code, cause: error });
}
