/**
 * Putting TLS over a connected {@link Socket}: checks, then the handshake on the side
 * asked for, then the {@link SSLSocket}.
 * @packageDocumentation
 */
import { isIP } from 'node:net';
import { TaskTimeout, timeoutAfter, type Operation, describeValue } from '@curio/kernel';
import { Socket, SOCK_STREAM, type SocketAddress } from '@curio/io';
import { CERT_NONE, CERT_REQUIRED, PROTOCOL_TLS_CLIENT, PROTOCOL_TLS_SERVER } from './constants.js';
import type { SSLContext } from './context.js';
import { clientHandshake, serverHandshake } from './handshake.js';
import { SSLError } from './errors.js';
import { SSLSocket } from './ssl-socket.js';
import { checkAlpn } from './check.js';

/**
 * Options of `wrapSocket` (and of `SSLContext.wrapSocket`).
 *
 * @example
 * ```ts
 * yield* wrapSocket(sock, ctx, { serverHostname: 'mail.example.com', alpnProtocols: ['smtp'] });
 * yield* wrapSocket(client, serverCtx, { serverSide: true });
 * ```
 */
export interface WrapSocketOptions {
  /** Perform the server side of the handshake (default false: the client side). */
  serverSide?: boolean;
  /**
   * Client side: the server's host name, sent as SNI and checked against its certificate
   * (with `checkHostname`). Without it the certificate is checked against the address
   * connected to.
   */
  serverHostname?: string;
  /** Client side: ALPN protocols to offer instead of the context's. */
  alpnProtocols?: string[];
  /**
   * The longest the handshake may take, in ms (default: no limit of its own; servers
   * pass their `handshakeTimeout`, 10 s by default). When it runs out the connection is
   * closed and the handshake fails with an {@link SSLError} whose reason is
   * `'TLS_HANDSHAKE_TIMEOUT'` (code `'ERR_TLS_HANDSHAKE_TIMEOUT'`, as Node names it).
   */
  handshakeTimeout?: number;
}

/** @internal The work of `wrapSocket`, once the context is known to be an SSLContext. */
export function* wrapWithContext(sock: Socket, context: SSLContext, options: WrapSocketOptions): Operation<SSLSocket> {
  if (!(sock instanceof Socket)) throw new TypeError(`wrapSocket(): expected a connected Socket, got ${describeValue(sock)}`);
  if (sock.type !== SOCK_STREAM) throw new TypeError('wrapSocket(): TLS needs a stream socket (SOCK_STREAM), not a datagram socket');
  if (typeof options !== 'object' || options === null) throw new TypeError(`wrapSocket(): options must be an object, got ${describeValue(options)}`);
  const serverSide = options.serverSide ?? false;
  if (typeof serverSide !== 'boolean') throw new TypeError(`wrapSocket(): serverSide must be a boolean, got ${describeValue(serverSide)}`);
  const { serverHostname } = options;
  if (serverHostname !== undefined && (typeof serverHostname !== 'string' || serverHostname === '')) {
    throw new TypeError(`wrapSocket(): serverHostname must be a non-empty string, got ${describeValue(serverHostname)}`);
  }
  if (serverSide && context.protocol === PROTOCOL_TLS_CLIENT) {
    throw new TypeError('wrapSocket(): a PROTOCOL_TLS_CLIENT context cannot do the server side; use createDefaultContext(Purpose.CLIENT_AUTH) or new SSLContext(PROTOCOL_TLS_SERVER)');
  }
  if (!serverSide && context.protocol === PROTOCOL_TLS_SERVER) {
    throw new TypeError('wrapSocket(): a PROTOCOL_TLS_SERVER context cannot do the client side; use createDefaultContext() or new SSLContext(PROTOCOL_TLS_CLIENT)');
  }
  // Throws ENOTCONN (or EBADF) for a socket that is not a live connection.
  const peer = sock.getpeername();
  const family = sock.family;
  const where = `TLS handshake with ${formatPeer(peer)}`;

  // Everything that can be refused is checked before the socket is taken over.
  let handshake;
  const { handshakeTimeout } = options;
  if (handshakeTimeout !== undefined && (typeof handshakeTimeout !== 'number' || !(handshakeTimeout > 0))) {
    throw new TypeError(`wrapSocket(): handshakeTimeout must be a positive number of ms (or Infinity), got ${describeValue(handshakeTimeout)}`);
  }
  if (serverSide) {
    if (serverHostname !== undefined) throw new TypeError('wrapSocket(): serverHostname is for the client side');
    const hs = {
      secureContext: context.secureContext(),
      alpnProtocols: context.alpnProtocols,
      sniCallback: context.nodeSniCallback(),
      requestCert: context.verifyMode !== CERT_NONE,
      requireCert: context.verifyMode === CERT_REQUIRED,
    };
    handshake = (raw: import('node:net').Socket) => serverHandshake(raw, hs, where);
  } else {
    const peerHost = typeof peer === 'string' ? null : peer[0];
    const expectedHost = context.checkHostname ? (serverHostname ?? peerHost) : null;
    if (context.checkHostname && expectedHost === null) {
      throw new TypeError('wrapSocket(): checkHostname is on but there is no host name to check: pass serverHostname');
    }
    const alpn = options.alpnProtocols === undefined ? context.alpnProtocols : checkAlpn('wrapSocket()', options.alpnProtocols);
    const hs = {
      secureContext: context.secureContext(),
      servername: serverHostname !== undefined && isIP(serverHostname) === 0 ? serverHostname : undefined,
      alpnProtocols: alpn,
      verify: context.verifyMode !== CERT_NONE,
      expectedHost,
    };
    handshake = (raw: import('node:net').Socket) => clientHandshake(raw, hs, where);
  }

  const raw = sock.detach();
  const limit = handshakeTimeout ?? Infinity;
  let secured;
  try {
    secured = limit === Infinity ? yield* handshake(raw) : yield* timeoutAfter(limit, handshake(raw));
  } catch (error) {
    raw.destroy();
    // With a limit of its own, a TaskTimeout is always the handshake's (an enclosing timeoutAfter's arrives as TimeoutCancellationError).
    if (limit !== Infinity && error instanceof TaskTimeout) throw handshakeTimedOut(where, limit, error);
    throw error;
  }
  return SSLSocket.adoptTls(secured, family, peer, { context, serverSide, serverHostname: serverHostname ?? null });
}

/** The handshake's own timeout ran out (a TaskTimeout here is always ours: see timeoutAfter). */
function handshakeTimedOut(where: string, ms: number, cause: TaskTimeout): SSLError {
  return new SSLError(`${where}: TLS_HANDSHAKE_TIMEOUT: the handshake did not finish within ${ms} ms`, {
    reason: 'TLS_HANDSHAKE_TIMEOUT', code: 'ERR_TLS_HANDSHAKE_TIMEOUT', cause,
  });
}

function formatPeer(peer: SocketAddress): string {
  if (typeof peer === 'string') return peer === '' ? 'a unix peer' : peer;
  return peer[0].includes(':') ? `[${peer[0]}]:${peer[1]}` : `${peer[0]}:${peer[1]}`;
}
