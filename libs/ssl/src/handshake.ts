/**
 * The TLS handshake as an operation, on each side: the task parks in `TLS_HANDSHAKE`
 * until Node reports the handshake done or failed, or the peer closes or resets the
 * connection; cancelling the wait (or a timeout) destroys the connection.
 * @packageDocumentation
 */
import type net from 'node:net';
// Imported as usual: this module is itself loaded on the first wrap (context.ts), so node:tls is too.
import tls from 'node:tls';
import { park, type Operation, type Waker } from '@curio/kernel';
import { SSLError, toSSLError, verifyFailure } from './errors.js';

/** What the client side of a handshake needs. */
export interface ClientHandshake {
  secureContext: tls.SecureContext;
  /** The SNI name (never an IP address). */
  servername: string | undefined;
  alpnProtocols: string[] | null;
  /** Verify the server's certificate (and fail the handshake if it does not verify). */
  verify: boolean;
  /** The name or address the certificate must be for, or null for no host name check. */
  expectedHost: string | null;
}

/** Runs the client side of a handshake over `raw`; returns the TLS socket. */
export function clientHandshake(raw: net.Socket, hs: ClientHandshake, where: string): Operation<tls.TLSSocket> {
  return park<tls.TLSSocket>('TLS_HANDSHAKE', (waker) => {
    const expected = hs.expectedHost;
    // allowHalfOpen is passed on to the TLSSocket (its typings leave it out).
    const options: tls.ConnectionOptions & { allowHalfOpen: boolean } = {
      socket: raw,
      secureContext: hs.secureContext,
      servername: hs.servername,
      ALPNProtocols: hs.alpnProtocols ?? undefined,
      rejectUnauthorized: hs.verify,
      checkServerIdentity: (_host, cert) => (expected === null ? undefined : tls.checkServerIdentity(expected, cert)),
      // The peer's end of stream must not end our side: a task may still be sending.
      allowHalfOpen: true,
    };
    const sock = tls.connect(options);
    return settleOnHandshake(sock, 'secureConnect', waker, where, () => null);
  });
}

/** What the server side of a handshake needs. */
export interface ServerHandshake {
  secureContext: tls.SecureContext;
  alpnProtocols: string[] | null;
  sniCallback: ((serverName: string, done: (error: Error | null, context?: tls.SecureContext) => void) => void) | undefined;
  /** Ask for a client certificate (CERT_OPTIONAL and CERT_REQUIRED). */
  requestCert: boolean;
  /** CERT_REQUIRED: OpenSSL refuses a client that sends no certificate. */
  requireCert: boolean;
}

/**
 * Runs the server side of a handshake over `raw`: a `TLSSocket` made directly over it
 * (not through a `tls.Server`, whose handshakes cannot see a peer's early end of stream).
 * A client certificate that is sent must verify: OpenSSL lets the handshake finish and
 * records its verdict, which is checked once it is done, as Node's `tls.Server` does.
 */
export function serverHandshake(raw: net.Socket, hs: ServerHandshake, where: string): Operation<tls.TLSSocket> {
  return park<tls.TLSSocket>('TLS_HANDSHAKE', (waker) => {
    const sock = new tls.TLSSocket(raw, {
      isServer: true,
      secureContext: hs.secureContext,
      ALPNProtocols: hs.alpnProtocols ?? undefined,
      SNICallback: hs.sniCallback,
      requestCert: hs.requestCert,
      rejectUnauthorized: hs.requireCert,
    });
    const refusal = (): SSLError | null => {
      // No certificate is fine here: CERT_REQUIRED's OpenSSL already refused that client.
      if (!hs.requestCert || !hasPeerCertificate(sock)) return null;
      const verdict = verifyErrorOf(sock);
      return verdict === null ? null : verifyFailure(`${where}: the client's certificate was refused`, verdict);
    };
    return settleOnHandshake(sock, 'secure', waker, where, refusal);
  });
}

/**
 * Wakes `waker` with `sock` when it emits `readyEvent` (the handshake is done) and
 * `refusal()` finds nothing wrong, or fails it on the socket's 'error', its end of stream
 * or its 'close'. Returns the park's cancel: it stops listening and destroys the socket.
 */
function settleOnHandshake(
  sock: tls.TLSSocket,
  readyEvent: 'secureConnect' | 'secure',
  waker: Waker<tls.TLSSocket>,
  where: string,
  refusal: () => SSLError | null,
): () => void {
  // An error after the handshake must not crash the process before the Socket adopts this.
  sock.on('error', ignore);
  const done = (): void => {
    sock.off(readyEvent, onSecure);
    sock.off('error', onError);
    sock.off('end', onEnd);
    sock.off('close', onEnd);
    sock.off('readable', onReadable);
  };
  const fail = (error: unknown): void => {
    done();
    sock.destroy();
    waker.fail(error);
  };
  const onSecure = (): void => {
    const refused = refusal();
    if (refused !== null) return fail(refused);
    done();
    waker.wake(sock);
  };
  const onError = (error: Error): void => fail(isTlsLike(error) ? toSSLError(error, where) : eofError(where, error));
  const onEnd = (): void => fail(eofError(where));
  // Node's stream reports the peer's end of stream ('end') only to a reader, and nothing
  // reads before the handshake is done: on 'readable' with nothing buffered (the end
  // came), a read of 0 bytes makes it emit 'end'. Without this a peer that closes
  // before finishing the handshake (a port scanner) leaves it waiting for ever.
  const onReadable = (): void => {
    if (sock.readableLength === 0) sock.read(0);
  };
  sock.once(readyEvent, onSecure);
  sock.once('error', onError);
  sock.once('end', onEnd);
  sock.once('close', onEnd);
  sock.on('readable', onReadable);
  return () => {
    done();
    sock.destroy();
  };
}

/**
 * The verdict OpenSSL recorded on a client's certificate, as an `X509_V_ERR_*` name
 * (`'UNABLE_TO_VERIFY_LEAF_SIGNATURE'`), or null if it verified or none was sent. Node
 * reads it the same way for its `tls.Server` (`authorizationError`), from the socket's
 * TLS handle, which it offers as `tlsSocket.ssl`.
 */
function verifyErrorOf(sock: tls.TLSSocket): string | null {
  const handle = (sock as unknown as { ssl?: { verifyError?: () => (Error & { code?: string }) | null } }).ssl;
  if (typeof handle?.verifyError !== 'function') throw new TypeError('TLS: this Node has no TLSSocket.ssl.verifyError(); client certificates cannot be checked');
  const verdict = handle.verifyError();
  if (verdict === null || verdict === undefined) return null;
  return typeof verdict.code === 'string' ? verdict.code : 'CERT_REJECTED';
}

function hasPeerCertificate(sock: tls.TLSSocket): boolean {
  const cert = sock.getPeerCertificate();
  return cert !== null && cert !== undefined && Object.keys(cert).length > 0;
}

function isTlsLike(error: unknown): boolean {
  return toSSLError(error, '') !== error;
}

/** The connection ended (or was reset) before the handshake finished. */
function eofError(where: string, cause?: unknown): SSLError {
  const detail = cause instanceof Error ? ` (${cause.message})` : '';
  return new SSLError(`${where}: UNEXPECTED_EOF_WHILE_READING: the connection closed during the handshake${detail}`, {
    reason: 'UNEXPECTED_EOF_WHILE_READING', code: 'ERR_SSL_UNEXPECTED_EOF_WHILE_READING', cause,
  });
}

function ignore(): void {}
