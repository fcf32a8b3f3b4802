/**
 * High-level network helpers (Curio's `curio.network`): listening sockets, servers that
 * run each client in its own task, and client connections.
 * @packageDocumentation
 */
import { isIP } from 'node:net';
import { CurioError, type Operation, describeValue } from '@curio/kernel';
import { AF_INET, AF_INET6, AF_UNIX, SOCK_STREAM, SOL_SOCKET, SO_REUSEADDR, SO_REUSEPORT, type AddressFamily } from '../constants.js';
import { type SocketAddress } from '../address.js';
import { Socket } from './socket.js';
import { getaddrinfo } from '../dns.js';
import { checkServe, serve } from './serve.js';

/**
 * The `ssl` option of the servers and connections here: something that wraps a
 * connected socket in TLS. `SSLContext` from `@curio/ssl` implements it; this package
 * does not depend on TLS itself.
 * @example
 * ```ts
 * // An SSLContext from @curio/ssl is an SslWrapper:
 * yield* tcpServer('', 8443, handler, { ssl: context });
 * ```
 */
export interface SslWrapper {
  /** Returns a socket speaking TLS over `sock` (after the handshake). */
  wrapSocket(sock: Socket, options: SslWrapOptions): Operation<Socket>;
}

/**
 * What {@link SslWrapper.wrapSocket} is told.
 * @example
 * ```ts
 * const options: SslWrapOptions = { serverSide: false, serverHostname: 'example.com' };
 * const tls = yield* context.wrapSocket(sock, options);
 * ```
 */
export interface SslWrapOptions {
  /** True on the server side of a connection. */
  serverSide: boolean;
  /** The host name to check the server's certificate against (client side). */
  serverHostname?: string;
  /** ALPN protocols to offer (client side). */
  alpnProtocols?: string[];
  /**
   * The longest the handshake may take, in ms; when it runs out the wrapper closes the
   * connection and fails (an `SSLError` with reason `'TLS_HANDSHAKE_TIMEOUT'` from
   * `@curio/ssl`). Servers pass their {@link ServeOptions.handshakeTimeout}.
   */
  handshakeTimeout?: number;
}

/**
 * Options of {@link tcpServerSocket}.
 * @example
 * ```ts
 * const options: TcpServerSocketOptions = { family: AF_INET6, backlog: 512 };
 * using listener = yield* tcpServerSocket('::1', 0, options);
 * ```
 */
export interface TcpServerSocketOptions {
  /** {@link AF_INET} or {@link AF_INET6}; default from the host (IPv6 if it contains `:`). */
  family?: typeof AF_INET | typeof AF_INET6;
  /** Listen backlog (default 100). */
  backlog?: number;
  /** Set `SO_REUSEADDR` (default true; Node always does for TCP listeners). */
  reuseAddress?: boolean;
  /** Set `SO_REUSEPORT` (default false; needs Node 22.12 or later). */
  reusePort?: boolean;
}

/**
 * Options of {@link unixServerSocket}.
 * @example
 * ```ts
 * const options: UnixServerSocketOptions = { backlog: 512 };
 * using listener = yield* unixServerSocket('/tmp/app.sock', options);
 * ```
 */
export interface UnixServerSocketOptions {
  /** Listen backlog (default 100). */
  backlog?: number;
}

/**
 * A client handler: runs in its own task with the accepted socket and the peer's address.
 * @example
 * ```ts
 * const echo: ClientHandler = function* (client, addr) {
 *   console.log('Connection from', addr);
 *   for (let data; (data = yield* client.recv(1000)).length > 0; ) yield* client.sendall(data);
 * };
 * yield* tcpServer('', 25000, echo);
 * ```
 */
export type ClientHandler = (client: Socket, address: SocketAddress) => Operation<unknown>;

/**
 * Where a server listens, as its {@link ServeOptions.onListening} is told: `{ host, port }`
 * for TCP (the real port when port 0 was asked for), `{ path }` for a Unix socket.
 * @example
 * ```ts
 * const where = (a: ListeningAddress) => ('path' in a ? a.path : `${a.host}:${a.port}`);
 * ```
 */
export type ListeningAddress = { host: string; port: number } | { path: string };

/**
 * Options shared by the servers ({@link tcpServer}, {@link unixServer}, {@link runServer}).
 * `A` is what {@link ServeOptions.onListening} is told: `{ host, port }` for
 * {@link tcpServer}, `{ path }` for {@link unixServer}.
 * @example
 * ```ts
 * const options: ServeOptions = {
 *   onListening: (_sock, address) => console.log('listening on', address),
 *   onClientError: (error, addr) => console.error(addr, 'failed:', error),
 *   maxConnections: 1000,
 *   onReject: (addr, rejected) => console.error('busy: refused', addr, `(${rejected} so far)`),
 * };
 * yield* unixServer('/tmp/app.sock', handler, options);
 * ```
 */
export interface ServeOptions<A extends ListeningAddress = ListeningAddress> {
  /** TLS for every client (from `@curio/ssl`); the handler gets the TLS socket. */
  ssl?: SslWrapper;
  /**
   * With `ssl`: the longest a client's TLS handshake may take, in ms (default 10 000;
   * `Infinity` for no limit). A client that connects and says nothing is dropped when it
   * runs out: its socket is closed and {@link ServeOptions.onClientError} gets the
   * wrapper's error (an `SSLError` `TLS_HANDSHAKE_TIMEOUT` from `@curio/ssl`).
   */
  handshakeTimeout?: number;
  /**
   * The most clients served at once (default `Infinity`), TLS handshakes in progress
   * included. A connection past it is accepted and closed at once, without running the
   * handler, and counted (see {@link ServeOptions.onReject}).
   */
  maxConnections?: number;
  /**
   * Called for each connection closed because {@link ServeOptions.maxConnections} clients
   * were being served, with its address and how many this server has rejected so far
   * (this one included). Default: nothing (the count is only told here).
   */
  onReject?: (address: SocketAddress, rejected: number) => void;
  /**
   * The name of each client's task, as `where()`, the monitor and diagnostics show it:
   * a string, or a function of the client's address (default `'tcpServer client'`,
   * `'unixServer client'` or `'runServer client'`).
   */
  clientName?: string | ((address: SocketAddress) => string);
  /**
   * Called once the server is listening, with its socket and its address (for port 0,
   * the port bound): `onListening: (_sock, { port }) => console.log(port)`.
   */
  onListening?: (sock: Socket, address: A) => void;
  /**
   * Called when a client's handler (or its TLS handshake) fails with anything but a
   * cancellation. The server goes on. Default: a peer that went away (an
   * `IOError` `ECONNRESET`, `EPIPE`, `ETIMEDOUT`, `ECONNABORTED`, `EHOSTUNREACH`,
   * `ENETUNREACH`, `ENETRESET`, or a TLS handshake the peer closed or let time out) gets
   * one line on stderr; anything else goes to the kernel's crash reporter when one was
   * installed (`logcrash` of `@curio/diagnostics` makes it a pino record), and otherwise
   * to stderr with its stack.
   */
  onClientError?: (error: unknown, address: SocketAddress) => void;
}

/**
 * Options of {@link tcpServer} and of {@link runServer} given a host and port.
 * @example
 * ```ts
 * const options: TcpServerOptions = { backlog: 512, onListening: (_sock, { port }) => console.log('port', port) };
 * yield* tcpServer('127.0.0.1', 0, handler, options);
 * ```
 */
export interface TcpServerOptions extends TcpServerSocketOptions, ServeOptions<{ host: string; port: number }> {}

/**
 * Options of {@link unixServer}.
 * @example
 * ```ts
 * const options: UnixServerOptions = { onClientError: (error) => console.error(error) };
 * yield* unixServer('/tmp/app.sock', handler, options);
 * ```
 */
export interface UnixServerOptions extends UnixServerSocketOptions, ServeOptions<{ path: string }> {}

/**
 * Options of {@link openConnection}.
 * @example
 * ```ts
 * const options: OpenConnectionOptions = { family: AF_INET, sourceAddr: ['127.0.0.1', 0] };
 * using sock = yield* openConnection('localhost', 25000, options);
 * ```
 */
export interface OpenConnectionOptions {
  /** {@link AF_INET} or {@link AF_INET6}; default: from the address, or each address the host resolves to in turn. */
  family?: typeof AF_INET | typeof AF_INET6;
  /** Local `[host, port]` to connect from. */
  sourceAddr?: [string, number];
  /** TLS (from `@curio/ssl`): the connection is wrapped after connecting. */
  ssl?: SslWrapper;
  /** Host name for the TLS certificate check (only with `ssl`). */
  serverHostname?: string;
  /** ALPN protocols to offer (only with `ssl`). */
  alpnProtocols?: string[];
}

/**
 * Options of {@link openUnixConnection}.
 * @example
 * ```ts
 * const options: OpenUnixConnectionOptions = {};
 * using sock = yield* openUnixConnection('/tmp/app.sock', options);
 * ```
 */
export interface OpenUnixConnectionOptions {
  /** TLS (from `@curio/ssl`). */
  ssl?: SslWrapper;
  /** Host name for the TLS certificate check (only with `ssl`). */
  serverHostname?: string;
}

const DEFAULT_BACKLOG = 100;

/**
 * A listening TCP socket on `host:port` (host `''` = every interface, port 0 = any free
 * port: read it back with `getsockname()`).
 * @throws IOError `EADDRINUSE` (and the like) if the address cannot be bound.
 * @example
 * ```ts
 * using listener = yield* tcpServerSocket('127.0.0.1', 0);
 * const [, port] = listener.getsockname() as InetAddress;
 * const [client, addr] = yield* listener.accept();
 * ```
 */
export function* tcpServerSocket(host: string, port: number, options: TcpServerSocketOptions = {}): Operation<Socket> {
  if (typeof host !== 'string') throw new TypeError(`tcpServerSocket(): host must be a string, got ${describeValue(host)}`);
  const family: AddressFamily = options.family ?? (host.includes(':') ? AF_INET6 : AF_INET);
  const sock = new Socket(family, SOCK_STREAM);
  try {
    if (options.reuseAddress ?? true) sock.setsockopt(SOL_SOCKET, SO_REUSEADDR, true);
    if (options.reusePort ?? false) sock.setsockopt(SOL_SOCKET, SO_REUSEPORT, true);
    yield* sock.bind([host, port]);
    yield* sock.listen(options.backlog ?? DEFAULT_BACKLOG);
  } catch (error) {
    sock.close();
    throw error;
  }
  return sock;
}

/**
 * A listening Unix stream socket at `path`.
 * @throws IOError `EADDRINUSE` if the path exists.
 * @example
 * ```ts
 * using listener = yield* unixServerSocket('/tmp/app.sock');
 * const [client] = yield* listener.accept();
 * ```
 */
export function* unixServerSocket(path: string, options: UnixServerSocketOptions = {}): Operation<Socket> {
  const sock = new Socket(AF_UNIX, SOCK_STREAM);
  try {
    yield* sock.bind(path);
    yield* sock.listen(options.backlog ?? DEFAULT_BACKLOG);
  } catch (error) {
    sock.close();
    throw error;
  }
  return sock;
}

/**
 * Runs a TCP server on `host:port` until cancelled: each client runs in its own task as
 * `handler(client, address)`, and its socket is closed when the handler returns. A
 * handler that throws is reported (see {@link ServeOptions.onClientError}) and the server
 * goes on. When the server is cancelled it stops accepting, closes its socket, cancels
 * the client tasks still running and waits for them.
 *
 * @example
 * ```ts
 * yield* tcpServer('', 25000, function* echo(client, addr) {
 *   for (;;) {
 *     const data = yield* client.recv(1000);
 *     if (!data.length) break;
 *     yield* client.sendall(data);
 *   }
 * });
 * ```
 */
export function* tcpServer(host: string, port: number, handler: ClientHandler, options: TcpServerOptions = {}): Operation<never> {
  checkServe('tcpServer', handler, options);
  const sock = yield* tcpServerSocket(host, port, options);
  return yield* serve(sock, handler, options, 'tcpServer');
}

/**
 * Like {@link tcpServer}, on a Unix stream socket at `path`.
 * @example
 * ```ts
 * yield* unixServer('/tmp/echo.sock', function* (client) {
 *   for (let data; (data = yield* client.recv(1000)).length > 0; ) yield* client.sendall(data);
 * });
 * ```
 */
export function* unixServer(path: string, handler: ClientHandler, options: UnixServerOptions = {}): Operation<never> {
  checkServe('unixServer', handler, options);
  const sock = yield* unixServerSocket(path, options);
  return yield* serve(sock, handler, options, 'unixServer');
}

/**
 * Serves clients until cancelled. Two forms:
 * - `runServer(host, port, handler, options?)`: the seed's `run_server`, exactly
 *   {@link tcpServer} (it creates its own listening socket);
 * - `runServer(sock, handler, options?)`: Curio's later `run_server`, serving an
 *   already listening socket (from {@link tcpServerSocket}, {@link unixServerSocket} or
 *   `listen`), which it closes when it stops.
 *
 * @example
 * ```ts
 * yield* runServer('', 25000, echoClient);
 * ```
 */
export function runServer(host: string, port: number, handler: ClientHandler, options?: TcpServerOptions): Operation<never>;
export function runServer(sock: Socket, handler: ClientHandler, options?: ServeOptions): Operation<never>;
export function* runServer(
  first: Socket | string,
  second: number | ClientHandler,
  third?: ClientHandler | ServeOptions,
  fourth?: TcpServerOptions,
): Operation<never> {
  if (first instanceof Socket) {
    checkServe('runServer', second, third as ServeOptions<never> | undefined);
    return yield* serve(first, second as ClientHandler, (third as ServeOptions | undefined) ?? {}, 'runServer');
  }
  if (typeof first !== 'string' || typeof second !== 'number') {
    throw new TypeError('runServer(): call runServer(host, port, handler, options?) or runServer(listeningSocket, handler, options?)');
  }
  checkServe('runServer', third, fourth);
  const sock = yield* tcpServerSocket(first, second, fourth ?? {});
  return yield* serve(sock, third as ClientHandler, fourth ?? {}, 'runServer');
}

/**
 * Opens a TCP connection to `host:port` and returns the connected socket. A host name
 * is resolved and each address tried in turn (as Python's `create_connection` does).
 * @throws IOError `ECONNREFUSED` (and the like) from the last address tried.
 * @example
 * ```ts
 * using sock = yield* openConnection('127.0.0.1', 25000);
 * yield* sock.sendall('hello\n');
 * const reply = yield* sock.recv(1000);
 * ```
 */
export function* openConnection(host: string, port: number, options: OpenConnectionOptions = {}): Operation<Socket> {
  if (typeof host !== 'string' || host === '') throw new TypeError(`openConnection(): host must be a non-empty string, got ${describeValue(host)}`);
  checkSslOptions('openConnection', options.ssl, options.serverHostname);
  let targets: Array<[typeof AF_INET | typeof AF_INET6, string]>;
  const literal = isIP(host);
  if (options.family !== undefined) targets = [[options.family, host]];
  else if (literal !== 0) targets = [[literal === 6 ? AF_INET6 : AF_INET, host]];
  else targets = (yield* getaddrinfo(host, port, { type: SOCK_STREAM })).map(([family, , , , [address]]) => [family, address]);
  let lastError: unknown = null;
  for (const [family, address] of targets) {
    const sock = new Socket(family, SOCK_STREAM);
    try {
      if (options.sourceAddr !== undefined) yield* sock.bind(options.sourceAddr);
      yield* sock.connect([address, port]);
    } catch (error) {
      sock.close();
      if (error instanceof CurioError) throw error;
      lastError = error;
      continue;
    }
    return yield* wrapClient(sock, options.ssl, { serverSide: false, serverHostname: options.serverHostname ?? (literal === 0 ? host : undefined), alpnProtocols: options.alpnProtocols });
  }
  throw lastError;
}

/**
 * Opens a connection to the Unix stream socket at `path`.
 * @example
 * ```ts
 * using sock = yield* openUnixConnection('/tmp/echo.sock');
 * yield* sock.sendall('hello\n');
 * const reply = yield* sock.recv(1000);
 * ```
 */
export function* openUnixConnection(path: string, options: OpenUnixConnectionOptions = {}): Operation<Socket> {
  checkSslOptions('openUnixConnection', options.ssl, options.serverHostname);
  const sock = new Socket(AF_UNIX, SOCK_STREAM);
  try {
    yield* sock.connect(path);
  } catch (error) {
    sock.close();
    throw error;
  }
  return yield* wrapClient(sock, options.ssl, { serverSide: false, serverHostname: options.serverHostname });
}

// ---------------------------------------------------------------------- internals

function* wrapClient(sock: Socket, ssl: SslWrapper | undefined, options: SslWrapOptions): Operation<Socket> {
  if (ssl === undefined) return sock;
  try {
    return yield* ssl.wrapSocket(sock, options);
  } catch (error) {
    sock.close();
    throw error;
  }
}

/** @internal Throws a clear TypeError for an `ssl` option that is not an SslWrapper, or a stray serverHostname. */
export function checkSslOptions(name: string, ssl: unknown, serverHostname: unknown): void {
  if (ssl !== undefined && (typeof ssl !== 'object' || ssl === null || typeof (ssl as SslWrapper).wrapSocket !== 'function')) {
    throw new TypeError(`${name}(): ssl must be an SSL context from @curio/ssl (an object with wrapSocket), got ${describeValue(ssl)}`);
  }
  if (serverHostname !== undefined && ssl === undefined) throw new TypeError(`${name}(): serverHostname only applies with ssl`);
}
