/**
 * BSD socket constants, with the values Linux uses, so code ported from Python's
 * `socket` module reads the same: `socket(AF_INET, SOCK_STREAM)`.
 * @packageDocumentation
 */

/** IPv4 address family: addresses are `[host, port]`. */
export const AF_INET = 2;
/** IPv6 address family: addresses are `[host, port]`. */
export const AF_INET6 = 10;
/** Unix domain sockets: addresses are filesystem paths. */
export const AF_UNIX = 1;

/** A byte stream (TCP, or a Unix stream socket). */
export const SOCK_STREAM = 1;
/** Datagrams (UDP). */
export const SOCK_DGRAM = 2;

/** `setsockopt` level for socket-wide options. */
export const SOL_SOCKET = 1;
/** Allow rebinding a local address in TIME_WAIT (Node always sets it on TCP listeners). */
export const SO_REUSEADDR = 2;
/** Datagram sockets: allow sending to broadcast addresses. */
export const SO_BROADCAST = 6;
/** Datagram sockets: the kernel's send buffer size. */
export const SO_SNDBUF = 7;
/** Datagram sockets: the kernel's receive buffer size. */
export const SO_RCVBUF = 8;
/** Stream sockets: send TCP keep-alive probes on an idle connection. */
export const SO_KEEPALIVE = 9;
/** Let several sockets bind the same address and port (needs Node 22.12+ for TCP). */
export const SO_REUSEPORT = 15;

/** `setsockopt` level for TCP options. */
export const IPPROTO_TCP = 6;
/** `setsockopt` level for UDP (used by `getaddrinfo` results). */
export const IPPROTO_UDP = 17;
/** Disable Nagle's algorithm: small writes go out at once. */
export const TCP_NODELAY = 1;

/** `shutdown` how: no more receiving. */
export const SHUT_RD = 0;
/** `shutdown` how: no more sending (the peer sees end of stream once sent data is flushed). */
export const SHUT_WR = 1;
/** `shutdown` how: both directions. */
export const SHUT_RDWR = 2;

/** An address family: {@link AF_INET}, {@link AF_INET6} or {@link AF_UNIX}. */
export type AddressFamily = typeof AF_INET | typeof AF_INET6 | typeof AF_UNIX;

/** A socket type: {@link SOCK_STREAM} or {@link SOCK_DGRAM}. */
export type SocketKind = typeof SOCK_STREAM | typeof SOCK_DGRAM;

/** A `shutdown` direction: {@link SHUT_RD}, {@link SHUT_WR} or {@link SHUT_RDWR}. */
export type ShutdownHow = typeof SHUT_RD | typeof SHUT_WR | typeof SHUT_RDWR;
