/**
 * `serveHttp`: an HTTP/1.1 server on `tcpServer` from `@curio/io`, with a graceful drain.
 * @packageDocumentation
 */
import type net from 'node:net';
import { CancelledError, ignoreAfter, spawn, type Operation, describeValue } from '@curio/kernel';
import { tcpServer, type InetAddress, type Socket, type SocketAddress } from '@curio/io';
import type { SSLContext } from '@curio/ssl';
import { HttpConnection } from './connection.js';
import { ServerState, type ServerLimits } from './state.js';
import { HttpServerStats } from './stats.js';
import type { HttpHandler, ServeHttpOptions } from './types.js';

/**
 * Serves HTTP/1.1 on `host:port` until cancelled: each connection in its own task, each
 * request answered by `handler` in turn (pipelined requests in order), keep-alive, the
 * limits and timeouts of `options`.
 *
 * Cancelled, it drains: it stops listening, closes idle keep-alive connections, lets the
 * requests in flight finish for up to `drainTimeout` (responses started from then on carry
 * `Connection: close`, and each connection closes after its response), then cancels what is
 * left. It returns (by raising the cancellation) once every connection is closed.
 *
 * A client that goes away (ends its side or resets) while its handler runs cancels the
 * handler, once the request body has been read to its end (before that, the handler's body
 * read fails). `Expect: 100-continue` is answered when the handler first reads the body; a
 * handler that responds without reading it closes the connection after the response.
 *
 * @throws IOError `EADDRINUSE` (and the like) if it cannot listen
 * @example
 * ```ts
 * import { serveHttp } from '@curio/http';
 * yield* serveHttp('127.0.0.1', 8080, function* (_req, res) {
 *   yield* res.send(200, 'Hello, world!\n', { 'content-type': 'text/plain' });
 * });
 * ```
 */
export function* serveHttp(host: string, port: number, handler: HttpHandler, options: ServeHttpOptions = {}): Operation<never> {
  if (typeof handler !== 'function') throw new TypeError(`serveHttp(): the handler must be a generator function (function*), got ${describeValue(handler)}`);
  if (typeof options !== 'object' || options === null) throw new TypeError('serveHttp(): options must be an object');
  const { ssl } = options;
  if (ssl !== undefined) offerHttp11(ssl);
  const state = new ServerState(handler, serverLimits(options), options.stats ?? new HttpServerStats(), ssl !== undefined);
  const drainTimeout = timeoutOption(options, 'drainTimeout', 10_000, true);
  let listener: Socket | null = null;
  const serveConnection = (sock: Socket, address: SocketAddress): Operation<void> => {
    const [peerHost, peerPort] = address as InetAddress;
    return new HttpConnection(sock, { host: peerHost, port: peerPort }, state).serve();
  };
  const server = yield* spawn.with({ name: 'serveHttp listener' })(tcpServer, host, port, serveConnection, {
    clientName: 'serveHttp client',
    ...(ssl === undefined ? {} : { ssl }),
    ...(options.handshakeTimeout === undefined ? {} : { handshakeTimeout: options.handshakeTimeout }),
    ...(options.maxConnections === undefined ? {} : { maxConnections: options.maxConnections }),
    onListening: (sock, address) => {
      listener = sock;
      options.onListening?.(address);
    },
  });
  try {
    yield* server.wait();
    // tcpServer only ends by failing (it could not listen): its error is ours.
    return server.result;
  } catch (e) {
    if (e instanceof CancelledError) yield* drain(state, listener, drainTimeout);
    throw e;
  } finally {
    yield* server.cancel();
  }
}

/** Stops listening, closes idle connections, and waits up to `timeout` for the rest to finish. */
function* drain(state: ServerState, listener: Socket | null, timeout: number): Operation<void> {
  // Closing the net.Server stops new connections but leaves tcpServer running: cancelling it
  // would cancel the requests in flight with it.
  (listener?.nodeSocket as net.Server | null | undefined)?.close();
  const drained = state.drain();
  yield* ignoreAfter(timeout === Infinity ? null : timeout, drained.wait());
}

/** Https speaks http/1.1, and says so through ALPN (a client offering h2 first then picks http/1.1). */
function offerHttp11(ssl: SSLContext): void {
  if (typeof ssl !== 'object' || ssl === null || typeof ssl.setAlpnProtocols !== 'function') {
    throw new TypeError('serveHttp(): ssl must be a server-side SSLContext from @curio/ssl');
  }
  // The caller's own list is kept when it offers http/1.1 (the context may serve more than this server).
  const offered = ssl.alpnProtocols;
  if (offered === null) ssl.setAlpnProtocols(['http/1.1']);
  else if (!offered.includes('http/1.1')) throw new TypeError(`serveHttp(): the ssl context offers ALPN ${JSON.stringify(offered)}, without 'http/1.1', the only protocol this server speaks`);
}

function serverLimits(options: ServeHttpOptions): ServerLimits {
  const maxRequests = countOption(options, 'maxRequestsPerSocket', 0, 0);
  return {
    keepAliveTimeout: timeoutOption(options, 'keepAliveTimeout', 5000, false),
    headersTimeout: timeoutOption(options, 'headersTimeout', 60_000, false),
    requestTimeout: timeoutOption(options, 'requestTimeout', 300_000, false),
    maxHeaderSize: countOption(options, 'maxHeaderSize', 16 * 1024, 1),
    maxHeaders: countOption(options, 'maxHeaders', 100, 1),
    maxBodySize: countOption(options, 'maxBodySize', 1024 * 1024, 0),
    maxRequestsPerSocket: maxRequests === 0 ? Infinity : maxRequests,
  };
}

type TimeoutName = 'keepAliveTimeout' | 'headersTimeout' | 'requestTimeout' | 'drainTimeout';
type CountName = 'maxHeaderSize' | 'maxHeaders' | 'maxBodySize' | 'maxRequestsPerSocket';

/** A duration in ms: positive (or zero when `zeroOk`), or Infinity for none. */
function timeoutOption(options: ServeHttpOptions, name: TimeoutName, fallback: number, zeroOk: boolean): number {
  const value = options[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0 || (value === 0 && !zeroOk)) {
    throw new TypeError(`serveHttp(): ${name} must be a ${zeroOk ? 'non-negative' : 'positive'} number of ms (or Infinity), got ${describeValue(value)}`);
  }
  return value;
}

/** A whole number of at least `min`. */
function countOption(options: ServeHttpOptions, name: CountName, fallback: number, min: number): number {
  const value = options[name];
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < min) throw new TypeError(`serveHttp(): ${name} must be an integer of at least ${min}, got ${describeValue(value)}`);
  return value;
}
