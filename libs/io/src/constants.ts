/**
 * BSD socket constants, with the values Linux uses, so code ported from Python's
 * `socket` module reads the same: `socket(AF_INET, SOCK_STREAM)`.
 * @packageDocumentation
 */

/**
 * IPv4 address family: addresses are `[host, port]`.
 * @example
 * ```ts
 * using sock = socket(AF_INET, SOCK_STREAM);   // IPv4
 * ```
 */
export const AF_INET = 2;
/**
 * IPv6 address family: addresses are `[host, port]`.
 * @example
 * ```ts
 * using sock = socket(AF_INET6, SOCK_STREAM);
 * yield* sock.bind(['::1', 0]);
 * ```
 */
export const AF_INET6 = 10;
/**
 * Unix domain sockets: addresses are filesystem paths.
 * @example
 * ```ts
 * using sock = socket(AF_UNIX, SOCK_STREAM);
 * yield* sock.connect('/tmp/app.sock');
 * ```
 */
export const AF_UNIX = 1;

/**
 * A byte stream (TCP, or a Unix stream socket).
 * @example
 * ```ts
 * using sock = socket(AF_INET, SOCK_STREAM);   // TCP
 * ```
 */
export const SOCK_STREAM = 1;
/**
 * Datagrams (UDP).
 * @example
 * ```ts
 * using sock = socket(AF_INET, SOCK_DGRAM);   // UDP
 * yield* sock.sendto('ping', ['127.0.0.1', 26000]);
 * ```
 */
export const SOCK_DGRAM = 2;

/**
 * `setsockopt` level for socket-wide options.
 * @example
 * ```ts
 * sock.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1);
 * ```
 */
export const SOL_SOCKET = 1;
/**
 * Allow rebinding a local address in TIME_WAIT (Node always sets it on TCP listeners).
 * @example
 * ```ts
 * sock.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1);
 * yield* sock.bind(['', 25000]);
 * ```
 */
export const SO_REUSEADDR = 2;
/**
 * Datagram sockets: allow sending to broadcast addresses.
 * @example
 * ```ts
 * sock.setsockopt(SOL_SOCKET, SO_BROADCAST, 1);
 * yield* sock.sendto('hello', ['255.255.255.255', 26000]);
 * ```
 */
export const SO_BROADCAST = 6;
/**
 * Datagram sockets: the kernel's send buffer size.
 * @example
 * ```ts
 * sock.setsockopt(SOL_SOCKET, SO_SNDBUF, 256 * 1024);
 * ```
 */
export const SO_SNDBUF = 7;
/**
 * Datagram sockets: the kernel's receive buffer size.
 * @example
 * ```ts
 * sock.setsockopt(SOL_SOCKET, SO_RCVBUF, 256 * 1024);
 * ```
 */
export const SO_RCVBUF = 8;
/**
 * Stream sockets: send TCP keep-alive probes on an idle connection.
 * @example
 * ```ts
 * sock.setsockopt(SOL_SOCKET, SO_KEEPALIVE, 1);
 * ```
 */
export const SO_KEEPALIVE = 9;
/**
 * Let several sockets bind the same address and port (needs Node 22.12+ for TCP).
 * @example
 * ```ts
 * sock.setsockopt(SOL_SOCKET, SO_REUSEPORT, 1);   // Node 22.12+
 * ```
 */
export const SO_REUSEPORT = 15;

/**
 * `setsockopt` level for TCP options.
 * @example
 * ```ts
 * sock.setsockopt(IPPROTO_TCP, TCP_NODELAY, 1);
 * ```
 */
export const IPPROTO_TCP = 6;
/**
 * `setsockopt` level for UDP (used by `getaddrinfo` results).
 * @example
 * ```ts
 * const infos = yield* getaddrinfo('localhost', 53, { type: SOCK_DGRAM });
 * console.log(infos[0][2] === IPPROTO_UDP);   // true
 * ```
 */
export const IPPROTO_UDP = 17;
/**
 * Disable Nagle's algorithm: small writes go out at once.
 * @example
 * ```ts
 * sock.setsockopt(IPPROTO_TCP, TCP_NODELAY, 1);   // no Nagle delay for small writes
 * ```
 */
export const TCP_NODELAY = 1;

/**
 * `shutdown` how: no more receiving.
 * @example
 * ```ts
 * sock.shutdown(SHUT_RD);   // no more reading
 * ```
 */
export const SHUT_RD = 0;
/**
 * `shutdown` how: no more sending (the peer sees end of stream once sent data is flushed).
 * @example
 * ```ts
 * yield* sock.sendall(request);
 * sock.shutdown(SHUT_WR);   // the peer sees end of stream; we can still read
 * const reply = yield* sock.recv(1000);
 * ```
 */
export const SHUT_WR = 1;
/**
 * `shutdown` how: both directions.
 * @example
 * ```ts
 * sock.shutdown(SHUT_RDWR);
 * ```
 */
export const SHUT_RDWR = 2;

/**
 * An address family: {@link AF_INET}, {@link AF_INET6} or {@link AF_UNIX}.
 * @example
 * ```ts
 * const family: AddressFamily = AF_INET6;
 * using sock = socket(family, SOCK_STREAM);
 * ```
 */
export type AddressFamily = typeof AF_INET | typeof AF_INET6 | typeof AF_UNIX;

/**
 * A socket type: {@link SOCK_STREAM} or {@link SOCK_DGRAM}.
 * @example
 * ```ts
 * const kind: SocketKind = SOCK_DGRAM;
 * using sock = socket(AF_INET, kind);
 * ```
 */
export type SocketKind = typeof SOCK_STREAM | typeof SOCK_DGRAM;

/**
 * A `shutdown` direction: {@link SHUT_RD}, {@link SHUT_WR} or {@link SHUT_RDWR}.
 * @example
 * ```ts
 * const how: ShutdownHow = SHUT_WR;
 * sock.shutdown(how);
 * ```
 */
export type ShutdownHow = typeof SHUT_RD | typeof SHUT_WR | typeof SHUT_RDWR;
