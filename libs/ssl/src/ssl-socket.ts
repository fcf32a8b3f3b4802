/**
 * {@link SSLSocket}: a {@link Socket} speaking TLS, with Python's `SSLSocket` extras.
 * @packageDocumentation
 */
import type tls from 'node:tls';
import { Socket, type IOError, type AddressFamily, type SocketAddress } from '@curio/io';
import { isTlsError, toSSLError } from './errors.js';
import type { SSLContext } from './context.js';

/**
 * The peer's certificate as {@link SSLSocket.getpeercert} gives it (Python's dict, typed).
 *
 * @example
 * ```ts
 * const cert = tlsSock.getpeercert();
 * if (cert !== null) console.log(cert.subject.CN, cert.notAfter, cert.subjectAltName);
 * ```
 */
export interface PeerCertificate {
  /** Subject fields: `{ CN: 'localhost', O: 'Curio' }` (a repeated field gives an array). */
  subject: Record<string, string | string[]>;
  /** Issuer fields, like `subject`. */
  issuer: Record<string, string | string[]>;
  /** Subject alternative names: `[['DNS', 'localhost'], ['IP Address', '127.0.0.1']]`. */
  subjectAltName: Array<[string, string]>;
  /** Start of validity, as OpenSSL prints it (`'Nov 26 00:58:00 2026 GMT'`). */
  notBefore: string;
  /** End of validity, same format. */
  notAfter: string;
  /** The serial number in hex. */
  serialNumber: string;
  /** SHA-256 fingerprint, `AB:CD:...`. */
  fingerprint256: string;
  /** The certificate in DER. */
  raw: Buffer;
}

/**
 * The cipher in use, as {@link SSLSocket.cipher} gives it.
 *
 * @example
 * ```ts
 * console.log(tlsSock.cipher()?.name);   // 'TLS_AES_256_GCM_SHA384'
 * ```
 */
export interface CipherInfo {
  /** OpenSSL's name (`'TLS_AES_256_GCM_SHA384'`, `'ECDHE-RSA-AES128-GCM-SHA256'`). */
  name: string;
  /** The IETF name. */
  standardName: string;
  /** The protocol version it was negotiated in (`'TLSv1.3'`). */
  version: string;
}

/** What the socket knows about how it was made. */
interface SSLSocketInfo {
  context: SSLContext;
  serverSide: boolean;
  serverHostname: string | null;
}

/**
 * A TLS connection: every method of {@link Socket} (`recv`, `recvInto`, `sendall`,
 * `shutdown`, `asStream`, `close`, ...) over TLS, plus Python's `getpeercert()`,
 * `selectedAlpnProtocol()`, `version()` and `cipher()`. Made by `wrapSocket`, by a
 * server with the `ssl` option (the handler gets one) and by `openConnection` with
 * `ssl`. TLS errors from its reads and writes are {@link SSLError}s.
 *
 * @example
 * ```ts
 * const sock = (yield* openConnection('127.0.0.1', port, { ssl: ctx, serverHostname: 'localhost' })) as SSLSocket;
 * console.log(sock.version(), sock.cipher()?.name, sock.getpeercert()?.subject.CN);
 * ```
 */
export class SSLSocket extends Socket {
  #tls: tls.TLSSocket | null = null;
  #info: SSLSocketInfo | null = null;
  #where = '';
  // What the handshake settled, read once: Node forgets it when the connection closes.
  #peerCert: tls.PeerCertificate | null = null;
  #version: string | null = null;
  #cipher: CipherInfo | null = null;
  #alpn: string | null = null;

  /** @internal Takes over a TLS socket whose handshake is done. */
  static adoptTls(sock: tls.TLSSocket, family: AddressFamily, peer: SocketAddress, info: SSLSocketInfo): SSLSocket {
    const ssl = SSLSocket.fromNode(sock, family);
    ssl.#tls = sock;
    ssl.#info = info;
    const cert = sock.getPeerCertificate();
    ssl.#peerCert = cert !== null && cert !== undefined && cert.raw !== undefined ? cert : null;
    ssl.#version = sock.getProtocol() ?? null;
    const c = sock.getCipher() as tls.CipherNameAndProtocol | undefined;
    ssl.#cipher = c === undefined || c === null ? null : { name: c.name, standardName: c.standardName, version: c.version };
    ssl.#alpn = typeof sock.alpnProtocol === 'string' ? sock.alpnProtocol : null;
    ssl.#where = typeof peer === 'string' ? (peer === '' ? 'unix' : peer) : `peer ${peer[0].includes(':') ? `[${peer[0]}]` : peer[0]}:${peer[1]}`;
    return ssl;
  }

  /** The {@link SSLContext} the socket was made with. */
  get context(): SSLContext {
    return this.info().context;
  }

  /** True on the server side of the connection. */
  get serverSide(): boolean {
    return this.info().serverSide;
  }

  /** The server name the client asked for (SNI) or checked the certificate against; null if none. */
  get serverHostname(): string | null {
    const info = this.info();
    return info.serverSide ? (this.tls().servername || null) : info.serverHostname;
  }

  /**
   * The peer's certificate: a {@link PeerCertificate}, or with `binaryForm` its DER
   * bytes; null if the peer sent none (a server always sends one; a client only when
   * asked, see `SSLContext.verifyMode`).
   */
  getpeercert(binaryForm?: false): PeerCertificate | null;
  getpeercert(binaryForm: true): Buffer | null;
  getpeercert(binaryForm = false): PeerCertificate | Buffer | null {
    this.tls();
    const cert = this.#peerCert;
    if (cert === null) return null;
    if (binaryForm) return cert.raw;
    return {
      subject: fields(cert.subject),
      issuer: fields(cert.issuer),
      subjectAltName: parseAltNames(cert.subjectaltname),
      notBefore: cert.valid_from,
      notAfter: cert.valid_to,
      serialNumber: cert.serialNumber,
      fingerprint256: cert.fingerprint256,
      raw: cert.raw,
    };
  }

  /** The protocol agreed through ALPN (`'h2'`), or null if none was. */
  selectedAlpnProtocol(): string | null {
    this.tls();
    return this.#alpn;
  }

  /** The TLS version in use: `'TLSv1.3'`, `'TLSv1.2'`, .... */
  version(): string | null {
    this.tls();
    return this.#version;
  }

  /** The cipher in use. */
  cipher(): CipherInfo | null {
    this.tls();
    return this.#cipher === null ? null : { ...this.#cipher };
  }

  /** TLS failures in reads and writes (asStream's included) become SSLErrors. */
  protected override mapStreamError(error: IOError, operation: string): Error {
    return isTlsError(error.cause) ? (toSSLError(error.cause, `${operation}() ${this.#where}`) as Error) : error;
  }

  /** `SSLSocket(AF_INET, SOCK_STREAM, peer 127.0.0.1:443)`, for logs. */
  override toString(): string {
    return `SSL${super.toString()}`;
  }

  private tls(): tls.TLSSocket {
    if (this.#tls === null) throw new TypeError('SSLSocket: this socket was not made by wrapSocket (use wrapSocket or the ssl option)');
    return this.#tls;
  }

  private info(): SSLSocketInfo {
    this.tls();
    return this.#info!;
  }
}

/** The fields of a certificate's subject or issuer that are present. */
function fields(names: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(names)) if (v !== undefined) out[k] = v;
  return out;
}

/** `'DNS:localhost, IP Address:127.0.0.1'` -> `[['DNS', 'localhost'], ['IP Address', '127.0.0.1']]`. */
function parseAltNames(text: string | undefined): Array<[string, string]> {
  if (text === undefined || text === '') return [];
  return text.split(', ').map((entry) => {
    const i = entry.indexOf(':');
    return i < 0 ? [entry, ''] : [entry.slice(0, i), entry.slice(i + 1)];
  });
}
