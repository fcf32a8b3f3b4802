/**
 * The TLS handshake as an operation, on each side: the task parks in `TLS_HANDSHAKE`
 * until Node reports the handshake done or failed; cancelling the wait (or a timeout)
 * destroys the connection.
 * @packageDocumentation
 */
import type net from 'node:net';
import tls from 'node:tls';
import { park, type Operation, type Waker } from '@curio/kernel';
import { SSLError, toSSLError, verifyFailure } from './errors.js';
import type { HandshakeServers } from './handshake-servers.js';

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
    return settleOnHandshake(sock, 'secureConnect', waker, (error) => toSSLError(error, where), where);
  });
}

/**
 * Wakes `waker` with `sock` when it emits `readyEvent` (the handshake is done), or fails
 * it on the socket's 'error' (as `asError` makes it) or 'close'. Returns the park's
 * cancel: it stops listening and destroys the socket.
 */
function settleOnHandshake(
  sock: tls.TLSSocket,
  readyEvent: 'secureConnect' | 'secure',
  waker: Waker<tls.TLSSocket>,
  asError: (error: Error) => unknown,
  where: string,
): () => void {
  // An error after the handshake must not crash the process before the Socket adopts this.
  sock.on('error', ignore);
  const done = (): void => {
    sock.off(readyEvent, onSecure);
    sock.off('error', onError);
    sock.off('close', onClose);
  };
  const onSecure = (): void => {
    done();
    waker.wake(sock);
  };
  const onError = (error: Error): void => {
    done();
    sock.destroy();
    waker.fail(asError(error));
  };
  const onClose = (): void => {
    done();
    waker.fail(eofError(where));
  };
  sock.once(readyEvent, onSecure);
  sock.once('error', onError);
  sock.once('close', onClose);
  return () => {
    done();
    sock.destroy();
  };
}

/** What a server-side handshake without client certificates needs. */
export interface DirectServerHandshake {
  secureContext: tls.SecureContext;
  alpnProtocols: string[] | null;
  sniCallback: ((serverName: string, done: (error: Error | null, context?: tls.SecureContext) => void) => void) | undefined;
}

/**
 * Runs the server side of a handshake over `raw` when no client certificate is asked for:
 * a `TLSSocket` made directly over it (a server that verifies clients goes through
 * {@link serverHandshake} instead, where Node does the verifying).
 */
export function directServerHandshake(raw: net.Socket, hs: DirectServerHandshake, where: string): Operation<tls.TLSSocket> {
  return park<tls.TLSSocket>('TLS_HANDSHAKE', (waker) => {
    const sock = new tls.TLSSocket(raw, {
      isServer: true,
      secureContext: hs.secureContext,
      ALPNProtocols: hs.alpnProtocols ?? undefined,
      SNICallback: hs.sniCallback,
    });
    return settleOnHandshake(sock, 'secure', waker, (error) => (isTlsLike(error) ? toSSLError(error, where) : eofError(where, error)), where);
  });
}

/** What the server side of a handshake checks beyond what Node does. */
export interface ServerHandshake {
  servers: HandshakeServers;
  /** CERT_OPTIONAL: a client certificate that is sent must verify. */
  verifyIfSent: boolean;
}

/**
 * Runs the server side of a handshake over `raw` for a server that asks for client
 * certificates, through a borrowed `tls.Server` (see handshake-servers.ts); returns the
 * TLS socket.
 */
export function serverHandshake(raw: net.Socket, hs: ServerHandshake, where: string): Operation<tls.TLSSocket> {
  return park<tls.TLSSocket>('TLS_HANDSHAKE', (waker) => {
    const server = hs.servers.take();
    const done = (): void => {
      server.off('secureConnection', onSecure);
      server.off('tlsClientError', onFail);
    };
    const onSecure = (sock: tls.TLSSocket): void => {
      done();
      hs.servers.give(server);
      sock.on('error', ignore);
      if (hs.verifyIfSent && !sock.authorized && hasPeerCertificate(sock)) {
        sock.destroy();
        waker.fail(verifyFailure(`${where}: the client's certificate was refused`, sock.authorizationError?.toString() ?? 'CERT_REJECTED'));
        return;
      }
      waker.wake(sock);
    };
    const onFail = (error: Error, sock: tls.TLSSocket): void => {
      done();
      hs.servers.give(server);
      sock.destroy();
      // Node refuses a client certificate that does not verify by closing the connection;
      // what it found is on the socket.
      const refused = sock.authorizationError;
      if (refused !== undefined && refused !== null) {
        waker.fail(verifyFailure(`${where}: the client's certificate was refused`, refused.toString()));
      } else {
        waker.fail(isTlsLike(error) ? toSSLError(error, where) : eofError(where, error));
      }
    };
    server.on('secureConnection', onSecure);
    server.on('tlsClientError', onFail);
    server.emit('connection', raw);
    return () => {
      // The server is not given back: it may still report on this connection.
      done();
      raw.destroy();
    };
  });
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
