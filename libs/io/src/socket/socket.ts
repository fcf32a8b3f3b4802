/**
 * {@link Socket}: Curio's BSD-style socket over Node's `net` (TCP over IPv4/IPv6, Unix
 * stream sockets) and `dgram` (UDP). Blocking calls are operations (`yield*` them);
 * `setsockopt`, `getsockname`, `getpeername`, `shutdown` and `close` are plain methods.
 * @packageDocumentation
 */
import net from 'node:net';
import cluster from 'node:cluster';
import { existsSync } from 'node:fs';
import { describeValue, type Operation } from '@curio/kernel';
import {
  AF_INET, AF_INET6, AF_UNIX, SOCK_STREAM, SOCK_DGRAM, SOL_SOCKET, IPPROTO_TCP, SO_REUSEADDR, SO_REUSEPORT, SO_KEEPALIVE,
  SO_BROADCAST, SO_RCVBUF, SO_SNDBUF, TCP_NODELAY, SHUT_RD, SHUT_WR, SHUT_RDWR,
  type AddressFamily, type SocketKind, type ShutdownHow,
} from '../constants.js';
import { checkAddress, formatAddress, inetAddress, type InetAddress, type ResolvedAddress, type SocketAddress } from '../address.js';
import { ioError, ioFailure, type IOError } from '../io-error.js';
import { NodeReader } from './reader.js';
import { ReadFeed, feedSocket, takeOverAccepted } from './onread.js';
import { peerNameOf } from './peer.js';
import { NodeWriter, checkBytes, type BytesLike } from './writer.js';
import { Acceptor } from './acceptor.js';
import { DatagramPort, type DatagramOptions } from './datagram.js';
import { SocketStream } from './stream.js';
import { waitForEvent } from './wait-event.js';

/**
 * Options of {@link Socket.asStream}.
 *
 * @example
 * ```ts
 * const s = client.asStream({ maxLineLength: 1024 });   // readline refuses longer lines
 * ```
 */
export interface SocketStreamOptions {
  /** The longest line `readline` returns, in bytes with its `\n` (default 64 KiB). */
  maxLineLength?: number;
}

/** Where a socket is in its life. */
type Phase = 'fresh' | 'connecting' | 'connected' | 'listening' | 'closed';

/** Options remembered by `setsockopt` until the Node object they apply to exists. */
interface SocketOptions extends DatagramOptions {
  reusePort: boolean;
  keepAlive: boolean;
  noDelay: boolean;
}

/**
 * The Node object under a {@link Socket}: a connection, a listener or a UDP socket.
 * @example
 * ```ts
 * const raw: NodeSocket = sock.detach();   // the net.Socket behind it, now yours
 * ```
 */
export type NodeSocket = net.Socket | net.Server | import('node:dgram').Socket;

/** Node 22.12+ / 23.1+ accept `reusePort` when listening. */
const NODE_HAS_REUSE_PORT = (() => {
  const [major, minor] = process.versions.node.split('.').map(Number);
  return major > 23 || (major === 23 && minor >= 1) || (major === 22 && minor >= 12);
})();

const DEFAULT_BACKLOG = 128;

/**
 * A socket, as in Python's `socket` module, whose blocking calls are operations. Make
 * one with {@link socket} (or `new Socket(family, type)`); servers get theirs from
 * {@link Socket.accept}. Addresses are `[host, port]` tuples for IPv4 and IPv6 (host
 * `''` = every interface) and path strings for Unix sockets. Data is a `Buffer`; `recv`
 * gives an empty one at the end of the stream.
 *
 * Node binds when it starts listening, so for a stream socket `bind` checks and records
 * the address and `listen` really binds: an `EADDRINUSE` is thrown by `listen` (a UDP
 * socket binds in `bind`). Errors are {@link IOError}s carrying Node's `code`.
 *
 * @example
 * ```ts
 * const sock = socket(AF_INET, SOCK_STREAM);
 * yield* sock.bind(['127.0.0.1', 25000]);
 * yield* sock.listen(5);
 * for (;;) {
 *   const [client, addr] = yield* sock.accept();
 *   yield* spawn(echoClient, client, addr);
 * }
 * ```
 */
export class Socket {
  // First, in the object's first cache line: every recv and sendall reads one of these.
  private reader: NodeReader | null = null;
  private writer: NodeWriter | null = null;

  /** {@link AF_INET}, {@link AF_INET6} or {@link AF_UNIX}. */
  readonly family: AddressFamily;
  /** {@link SOCK_STREAM} or {@link SOCK_DGRAM}. */
  readonly type: SocketKind;

  private phase: Phase = 'fresh';
  private conn: net.Socket | null = null;
  /** Where the connection's reads go, when it reads through Node's `onread` (see onread.ts). */
  private feed: ReadFeed | null = null;
  private acceptor: Acceptor<Socket> | null = null;
  private udp: DatagramPort | null = null;
  private local: ResolvedAddress | null = null;
  private peer: SocketAddress | null = null;
  private localPath = '';
  private where = '';
  private readonly options: SocketOptions = {
    reuseAddr: false, reusePort: false, keepAlive: false, noDelay: false, broadcast: null, recvBufferSize: null, sendBufferSize: null,
  };

  /**
   * A new, unconnected socket.
   * @throws TypeError for an unknown family or type, or AF_UNIX with SOCK_DGRAM (Node has no Unix datagram sockets).
   */
  constructor(family: AddressFamily = AF_INET, type: SocketKind = SOCK_STREAM) {
    if (family !== AF_INET && family !== AF_INET6 && family !== AF_UNIX) {
      throw new TypeError(`socket(): family must be AF_INET, AF_INET6 or AF_UNIX, got ${describeValue(family)}`);
    }
    if (type !== SOCK_STREAM && type !== SOCK_DGRAM) throw new TypeError(`socket(): type must be SOCK_STREAM or SOCK_DGRAM, got ${describeValue(type)}`);
    if (family === AF_UNIX && type === SOCK_DGRAM) throw new TypeError('socket(): AF_UNIX with SOCK_DGRAM is not supported (Node has no Unix datagram sockets)');
    this.family = family;
    this.type = type;
  }

  /**
   * Wraps a connected Node `net.Socket` (or a subclass such as `tls.TLSSocket`) in a
   * Socket. The Socket takes it over: read and write it only through the Socket from
   * now on. `family` defaults to what Node reports (`AF_UNIX` when it has no IP address).
   * Called on a subclass of Socket (whose constructor takes `(family, type)`), it makes
   * an instance of that subclass: `@curio/ssl`'s `SSLSocket.fromNode(tlsSocket)`.
   */
  static fromNode<S extends Socket>(this: new (family: AddressFamily, type: SocketKind) => S, raw: net.Socket, family?: AddressFamily): S {
    if (!(raw instanceof net.Socket)) throw new TypeError(`Socket.fromNode(): expected a net.Socket, got ${describeValue(raw)}`);
    const remoteFamily = family === undefined ? peerNameOf(raw).family : undefined;
    const fam = family ?? (remoteFamily === 'IPv6' ? AF_INET6 : remoteFamily === 'IPv4' ? AF_INET : AF_UNIX);
    const sock = new this(fam, SOCK_STREAM);
    sock.adopt(raw, null, '', null);
    return sock;
  }

  /** True once {@link Socket.close} has been called (or the socket was detached). */
  get closed(): boolean {
    return this.phase === 'closed';
  }

  /** Bytes received and buffered for this socket that no `recv` has taken yet. */
  get readBuffered(): number {
    return this.reader === null ? 0 : this.reader.buffered;
  }

  /**
   * The Node object underneath: the `net.Socket` of a connection, the `net.Server` of a
   * listening socket, the `dgram.Socket` of a UDP socket; null before there is one.
   */
  get nodeSocket(): NodeSocket | null {
    return this.conn ?? this.acceptor?.server ?? this.udp?.sock ?? null;
  }

  // ------------------------------------------------------------------ set-up

  /**
   * Binds to a local address. For a UDP socket this binds at once (and fails with
   * `EADDRINUSE` here); for a stream socket it checks and records the address, which
   * `listen` binds (or `connect` uses as the source address). A Unix path that already
   * exists fails with `EADDRINUSE`.
   */
  *bind(address: SocketAddress): Operation<void> {
    this.checkOpen('bind');
    if (this.phase !== 'fresh' || this.local !== null || this.udp?.bound) {
      throw ioFailure('bind()', '', 'EINVAL', 'the socket is already bound or connected');
    }
    const a = checkAddress('bind', this.family, address, 'bind');
    if (this.type === SOCK_DGRAM) {
      const a4 = a as { host: string; port: number };
      const port = this.datagram();
      try {
        yield* port.bind(a4.host, a4.port);
      } catch (error) {
        this.dropDatagram();
        throw error;
      }
      this.local = a;
      return;
    }
    if (a.kind === 'unix' && existsSync(a.path)) throw ioFailure('bind()', `to ${a.path}`, 'EADDRINUSE', 'address already in use (the path exists)');
    this.local = a;
  }

  /**
   * Starts listening for connections (binding the address given to `bind`, or an
   * ephemeral port on every interface). Incoming connections are queued until
   * {@link Socket.accept} takes them.
   * @param backlog the kernel's queue length for connections Node has not accepted yet.
   */
  *listen(backlog: number = DEFAULT_BACKLOG): Operation<void> {
    this.checkOpen('listen');
    if (this.type !== SOCK_STREAM) throw ioFailure('listen()', '', 'EOPNOTSUPP', 'a datagram socket cannot listen');
    if (!Number.isInteger(backlog) || backlog < 0) throw new TypeError(`listen(): backlog must be a non-negative integer, got ${describeValue(backlog)}`);
    if (this.phase === 'listening') return;
    if (this.phase !== 'fresh') throw ioFailure('listen()', '', 'EINVAL', 'the socket is connected');
    if (this.options.reusePort && !NODE_HAS_REUSE_PORT) {
      throw ioFailure('listen()', '', 'ENOPROTOOPT', `SO_REUSEPORT needs Node 22.12 or later (this is ${process.version})`);
    }
    if (this.local === null && this.family === AF_UNIX) throw ioFailure('listen()', '', 'EINVAL', 'bind an AF_UNIX socket to a path first');
    const a = this.local ?? checkAddress('listen', this.family, ['', 0], 'bind');
    // In a `cluster` worker, a TCP listener goes through the primary, so the workers share
    // the port (runCluster of @curio/workers); in any other process `exclusive` changes nothing.
    const listenOptions: net.ListenOptions & { reusePort?: boolean } =
      a.kind === 'unix' ? { path: a.path, backlog } : { host: a.host, port: a.port, backlog, exclusive: !cluster.isWorker, ipv6Only: false };
    if (this.options.reusePort) listenOptions.reusePort = true;
    const acceptor = new Acceptor<Socket>((raw) => this.accepted(raw), formatAddress(a));
    try {
      yield* acceptor.listen(listenOptions);
    } catch (error) {
      acceptor.close();
      throw error;
    }
    // close() may have been called by another task while this one waited.
    if ((this.phase as Phase) === 'closed') {
      acceptor.close();
      throw ioFailure('listen()', '', 'EBADF', 'the socket was closed while it was starting to listen');
    }
    this.acceptor = acceptor;
    this.phase = 'listening';
    if (a.kind === 'unix') this.localPath = a.path;
  }

  /**
   * Waits for a connection and returns `[client, address]`: a connected Socket and the
   * peer's address (`''` for a Unix client). One task accepts at a time: a second gets
   * `ReadResourceBusy`.
   */
  *accept(): Operation<[Socket, SocketAddress]> {
    const acceptor = this.acceptor;
    if (acceptor === null) {
      this.checkOpen('accept');
      throw ioFailure('accept()', '', 'EINVAL', 'the socket is not listening (call listen first)');
    }
    const client = yield* acceptor.accept();
    return [client, client.peer ?? ''];
  }

  /**
   * Connects to `address`. For a stream socket this waits for the connection
   * (failing with `ECONNREFUSED`, ...); a cancelled connect leaves no connection behind.
   * For a UDP socket it sets the default destination of `send` and `recv`.
   */
  *connect(address: SocketAddress): Operation<void> {
    this.checkOpen('connect');
    if (this.phase === 'connected' || this.udp?.connected) throw ioFailure('connect()', '', 'EISCONN', 'the socket is already connected');
    if (this.phase === 'connecting') throw ioFailure('connect()', '', 'EALREADY', 'another task is already connecting this socket');
    if (this.phase === 'listening') throw ioFailure('connect()', '', 'EINVAL', 'the socket is listening');
    const a = checkAddress('connect', this.family, address, 'connect');
    if (this.type === SOCK_DGRAM) {
      const to = a as { host: string; port: number };
      yield* this.datagram().connect(to.host, to.port);
      return;
    }
    const feed = new ReadFeed();
    const raw = feedSocket(feed);
    // A late error from a connection being abandoned must not crash the process.
    raw.on('error', ignore);
    const target = formatAddress(a);
    let options: net.NetConnectOpts;
    if (a.kind === 'unix') options = { path: a.path };
    else {
      options = { host: a.host, port: a.port, family: this.family === AF_INET6 ? 6 : 4 };
      const from = this.local;
      if (from !== null && from.kind === 'inet') Object.assign(options, { localAddress: from.host, localPort: from.port });
    }
    this.phase = 'connecting';
    this.conn = raw;
    try {
      yield* waitForEvent('WRITE_WAIT', raw, {
        success: 'connect',
        onError: (error) => ioError('connect()', `to ${target}`, error),
        // close() from another task destroys the connection without an error event.
        onClose: () => ioFailure('connect()', `to ${target}`, 'EBADF', 'the socket was closed while connecting'),
        start: () => raw.connect(options),
        abandon: () => raw.destroy(),
      });
    } catch (error) {
      raw.destroy();
      if (this.phase === 'connecting') {
        this.phase = 'fresh';
        this.conn = null;
      }
      throw error;
    }
    if (this.phase !== 'connecting') {
      raw.destroy();
      throw ioFailure('connect()', `to ${target}`, 'EBADF', 'the socket was closed while connecting');
    }
    // Connected: from here the reader's and the writer's listeners catch errors (see adopt).
    raw.off('error', ignore);
    this.adopt(raw, a.kind === 'unix' ? a.path : [a.host, a.port], '', feed);
  }

  // ------------------------------------------------------------------ reading

  /**
   * Receives at most `n` bytes: what is already buffered returns at once, otherwise
   * waits for data. An empty Buffer means the end of the stream. A cancelled `recv`
   * loses nothing: bytes that arrive stay buffered for the next call. For UDP, receives
   * one datagram (truncated to `n` bytes).
   */
  recv(n: number): Operation<Buffer> {
    // A plain method handing out the reader's operation: one generator less per call.
    const reader = this.reader;
    return reader !== null ? reader.readAs('recv', n) : this.recvDatagramData(n, 'recv');
  }

  /**
   * Receives into `buffer` (at most its length, or `nbytes` when given) and returns
   * how many bytes were stored; 0 at the end of the stream.
   */
  *recvInto(buffer: Uint8Array, nbytes = 0): Operation<number> {
    if (!(buffer instanceof Uint8Array)) throw new TypeError(`recvInto(): expected a Buffer or Uint8Array, got ${describeValue(buffer)}`);
    if (!Number.isInteger(nbytes) || nbytes < 0 || nbytes > buffer.length) {
      throw new RangeError(`recvInto(): nbytes must be an integer from 0 to the buffer's length (${buffer.length}), got ${describeValue(nbytes)}`);
    }
    const target = nbytes === 0 ? buffer : buffer.subarray(0, nbytes);
    const reader = this.reader;
    if (reader !== null) return yield* reader.readIntoAs('recvInto', target);
    const [data] = yield* this.recvDatagram(target.length, 'recvInto');
    target.set(data);
    return data.length;
  }

  /**
   * Receives at most `n` bytes and the sender's address: `[data, address]`. For a
   * stream socket the address is the peer's.
   */
  *recvfrom(n: number): Operation<[Buffer, SocketAddress]> {
    const reader = this.reader;
    if (reader !== null) return [yield* reader.readAs('recvfrom', n), this.peer ?? ''];
    return yield* this.recvDatagram(n, 'recvfrom');
  }

  // ------------------------------------------------------------------ writing

  /**
   * Sends `data` once there is room in Node's buffer and returns the number of bytes
   * accepted (all of them: Node queues what the kernel does not take at once). Unlike
   * {@link Socket.sendall} it does not wait for the buffer to drain afterwards.
   */
  send(data: BytesLike): Operation<number> {
    const writer = this.writer;
    return writer !== null ? writer.sendAs('send', data) : this.sendDatagram(data, 'send');
  }

  /**
   * Sends all of `data`. Returns at once when Node accepts it without crossing its
   * high-water mark; otherwise waits for `'drain'`, so a slow reader holds the writer
   * back instead of letting it buffer without bound. Large data is handed to Node in
   * 64 KiB pieces, each once the previous one has drained, so a cancelled `sendall`
   * leaves at most one piece queued.
   *
   * A cancelled (or timed out) `sendall` tells how far it got, as Curio's `bytes_sent`:
   * the `CancelledError` it raises has `bytesSent`, the bytes of `data` handed to Node,
   * which still delivers them (a `close()` flushes them too). The peer gets exactly
   * that prefix, so the stream stays at a known position; but the message was cut short,
   * so the connection is usually only good for closing, unless the protocol can resume
   * (send the rest, `data.subarray(e.bytesSent)`).
   */
  sendall(data: BytesLike): Operation<void> {
    // A plain method handing out the writer's operation: one generator less per call.
    const writer = this.writer;
    return writer !== null ? writer.writeAs('sendall', data) : this.sendallDatagram(data);
  }

  /** Sends one datagram to `address` (UDP only); returns its length. */
  *sendto(data: BytesLike, address: SocketAddress): Operation<number> {
    this.checkOpen('sendto');
    checkBytes('sendto', data);
    if (this.type !== SOCK_DGRAM) throw ioFailure('sendto()', '', 'EISCONN', 'sendto() is for datagram sockets; use send or sendall');
    const a = checkAddress('sendto', this.family, address, 'connect') as { host: string; port: number };
    return yield* this.datagram().send(data, [a.host, a.port], 'sendto');
  }

  // ------------------------------------------------------------------ plain methods

  /**
   * Half-closes a connection: {@link SHUT_WR} ends the sending side (the peer reads the
   * end of stream once what was sent is flushed; later sends fail with `EPIPE`),
   * {@link SHUT_RD} stops receiving (later receives return an empty Buffer), and
   * {@link SHUT_RDWR} does both.
   */
  shutdown(how: ShutdownHow): void {
    if (how !== SHUT_RD && how !== SHUT_WR && how !== SHUT_RDWR) throw new TypeError(`shutdown(): how must be SHUT_RD, SHUT_WR or SHUT_RDWR, got ${describeValue(how)}`);
    this.checkOpen('shutdown');
    if (this.reader === null || this.writer === null) throw this.notConnected('shutdown');
    if (how !== SHUT_WR) this.reader.shutdown();
    if (how !== SHUT_RD) this.writer.end();
  }

  /**
   * Closes the socket. Idempotent. What was sent is still flushed to the peer, then the
   * connection is closed; a listening socket stops listening and drops the connections
   * nobody accepted. A task blocked on the socket fails with `EBADF`.
   *
   * The flush lingers at most 1 s: a peer that does not read by
   * then gets its connection destroyed (what was still queued in Node is dropped), so a
   * stuck client never pins a descriptor or memory. Bytes already handed to the OS are
   * still delivered by the OS, as with Python's `close()`.
   */
  close(): void {
    if (this.phase === 'closed') return;
    const phase = this.phase;
    this.phase = 'closed';
    this.reader?.close();
    this.writer?.close();
    const raw = this.conn;
    if (raw !== null) {
      if (phase === 'connecting') raw.destroy();
      else endThenDestroy(raw);
    }
    this.acceptor?.close();
    this.udp?.close();
  }

  /** `using sock = socket(...)` closes it at the end of the block. */
  [Symbol.dispose](): void {
    this.close();
  }

  /**
   * Sets a socket option. Supported: `SOL_SOCKET` with `SO_REUSEADDR` (Node always
   * reuses addresses for TCP listeners; for UDP it must be set before `bind`),
   * `SO_REUSEPORT` (before `listen`/`bind`), `SO_KEEPALIVE`, `SO_BROADCAST`, `SO_RCVBUF`,
   * `SO_SNDBUF` (the last three for UDP); `IPPROTO_TCP` with `TCP_NODELAY`. Options set
   * on a listening socket apply to the sockets it accepts.
   * @throws IOError `ENOPROTOOPT` for an option this library does not support.
   */
  setsockopt(level: number, option: number, value: number | boolean): void {
    this.checkOpen('setsockopt');
    if (typeof value !== 'number' && typeof value !== 'boolean') throw new TypeError(`setsockopt(): value must be a number or a boolean, got ${describeValue(value)}`);
    const on = Boolean(value);
    const o = this.options;
    const key = optionKey(level, option);
    switch (key) {
      case 'reuseAddr':
      case 'reusePort':
        o[key] = on;
        return;
      case 'keepAlive':
        o.keepAlive = on;
        this.conn?.setKeepAlive(on);
        return;
      case 'noDelay':
        o.noDelay = on;
        this.conn?.setNoDelay(on);
        return;
      case null:
        throw ioFailure('setsockopt()', '', 'ENOPROTOOPT', `option ${level}/${option} is not supported`);
    }
    if (this.type !== SOCK_DGRAM) throw ioFailure('setsockopt()', '', 'ENOPROTOOPT', `option ${level}/${option} applies to datagram sockets only`);
    if (key === 'broadcast') o.broadcast = on;
    else if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) throw new TypeError(`setsockopt(): a buffer size must be a positive integer, got ${describeValue(value)}`);
    else o[key] = value;
    this.udp?.applyOptions();
  }

  /** Reads a socket option set with {@link Socket.setsockopt} (1/0 for flags). */
  getsockopt(level: number, option: number): number {
    this.checkOpen('getsockopt');
    const key = optionKey(level, option);
    if (key === null) throw ioFailure('getsockopt()', '', 'ENOPROTOOPT', `option ${level}/${option} is not supported`);
    const udp = this.udp;
    if (key === 'recvBufferSize' && udp?.bound) return udp.sock.getRecvBufferSize();
    if (key === 'sendBufferSize' && udp?.bound) return udp.sock.getSendBufferSize();
    const value = this.options[key];
    return typeof value === 'number' ? value : value ? 1 : 0;
  }

  /**
   * The socket's own address: `[host, port]` (the real port once listening, bound or
   * connected), or a path for Unix sockets (`''` for an unnamed Unix client).
   */
  getsockname(): SocketAddress {
    this.checkOpen('getsockname');
    if (this.phase === 'connected') {
      if (this.family === AF_UNIX) return this.localPath;
      return inetAddress(this.conn!.localAddress, this.conn!.localPort);
    }
    if (this.acceptor !== null) {
      const a = this.acceptor.server.address();
      if (typeof a === 'string') return a;
      if (a !== null) return inetAddress(a.address, a.port);
    }
    if (this.udp?.bound) return this.udp.address();
    const l = this.local;
    if (l !== null) return l.kind === 'unix' ? l.path : [l.host, l.port];
    return this.family === AF_UNIX ? '' : [this.family === AF_INET ? '0.0.0.0' : '::', 0];
  }

  /**
   * The socket's own address as a typed `[host, port]` tuple, for TCP and UDP sockets:
   * what {@link Socket.getsockname} gives, without a cast (e.g. the port a listener on
   * port 0 was given).
   * @throws TypeError on a Unix socket, whose address is a path: use `getsockname()`.
   * @example
   * ```ts
   * using listener = yield* tcpServerSocket('127.0.0.1', 0);
   * const [, port] = listener.getsocknameInet();
   * ```
   */
  getsocknameInet(): InetAddress {
    if (this.family === AF_UNIX) throw new TypeError('getsocknameInet(): this is a Unix socket, whose address is a path: use getsockname()');
    return this.getsockname() as InetAddress;
  }

  /**
   * The connected peer's address: `[host, port]`, the path connected to for a Unix
   * client, `''` for a Unix connection accepted by a server.
   * @throws IOError `ENOTCONN` if the socket is not connected.
   */
  getpeername(): SocketAddress {
    this.checkOpen('getpeername');
    if (this.phase === 'connected' && this.peer !== null) return this.peer;
    if (this.udp?.connected) return this.udp.remoteAddress();
    throw this.notConnected('getpeername');
  }

  /**
   * A {@link SocketStream} over this connected socket, for buffered reads
   * (`readline`, `readExactly`, ...). It shares the socket's receive buffer, so stream
   * and socket reads can be mixed; closing the stream closes the socket.
   * `options.maxLineLength` sets the longest line `readline` returns (default 64 KiB).
   */
  asStream(options: SocketStreamOptions = {}): SocketStream {
    this.checkOpen('asStream');
    if (this.reader === null || this.writer === null) throw this.notConnected('asStream');
    if (options.maxLineLength !== undefined) this.reader.maxLineLength = options.maxLineLength;
    return new SocketStream(this, this.reader, this.writer);
  }

  /**
   * Stops managing the connection and returns the Node `net.Socket`, with the bytes
   * received but not read pushed back into it (`unshift`) and reading paused. The
   * Socket counts as closed afterwards. Used to layer TLS over a connected socket.
   */
  detach(): net.Socket {
    const raw = this.conn;
    if (this.phase !== 'connected' || raw === null) throw this.notConnected('detach');
    this.reader!.detach();
    // From now on the connection's reads go into the Node stream, for its new owner.
    if (this.feed !== null) this.feed.sink = null;
    this.feed = null;
    this.writer!.detach();
    this.phase = 'closed';
    this.conn = null;
    this.reader = this.writer = null;
    return raw;
  }

  /**
   * For subclasses over another protocol: turns the {@link IOError} a read or write
   * raises for a failure of the underlying Node socket into the error the caller sees,
   * in every read and write, those of {@link Socket.asStream} included. The default
   * returns it unchanged; `@curio/ssl`'s `SSLSocket` makes TLS failures `SSLError`s.
   *
   * @example
   * ```ts
   * class TracedSocket extends Socket {
   *   protected override mapStreamError(error: IOError, operation: string): Error {
   *     console.error(`${operation} failed:`, error.code);
   *     return error;
   *   }
   * }
   * ```
   */
  protected mapStreamError(error: IOError, operation: string): Error {
    void operation;
    return error;
  }

  /** `Socket(AF_INET, SOCK_STREAM, 127.0.0.1:5000 -> 127.0.0.1:80)`, for logs. */
  toString(): string {
    const fam = this.family === AF_INET ? 'AF_INET' : this.family === AF_INET6 ? 'AF_INET6' : 'AF_UNIX';
    const type = this.type === SOCK_STREAM ? 'SOCK_STREAM' : 'SOCK_DGRAM';
    const where = this.phase === 'closed' ? 'closed' : this.phase === 'connected' ? this.where : this.phase;
    return `Socket(${fam}, ${type}, ${where})`;
  }

  // ------------------------------------------------------------------ internals

  /**
   * Takes over a connected Node socket. `feed` is where its reads go if it was made to
   * read through Node's `onread` (see onread.ts); otherwise the reader listens for `'data'`.
   */
  private adopt(raw: net.Socket, peer: SocketAddress | null, localPath: string, feed: ReadFeed | null): void {
    const inet = this.family !== AF_UNIX;
    if (peer === null && inet) {
      const name = peerNameOf(raw);
      peer = inetAddress(name.address, name.port);
    }
    this.peer = peer ?? '';
    this.localPath = localPath;
    this.where = inet ? `peer ${formatAddress(this.peer)}` : `unix ${localPath || formatAddress(this.peer)}`;
    const describe = (): string => this.where;
    this.conn = raw;
    // The reader's and the writer's 'error' listeners (kept until detach(), even once
    // closed) stop an error that arrives while nobody reads from crashing the process, and
    // report it to the next operation.
    const mapError = (error: IOError, operation: string): Error => this.mapStreamError(error, operation);
    const delivered = feed !== null && feed.stream === raw;
    this.reader = new NodeReader(raw, { describe, kind: 'socket', mapError, delivered });
    if (delivered) {
      feed.sink = this.reader;
      this.feed = feed;
    }
    this.writer = new NodeWriter(raw, { describe, kind: 'socket', mapError });
    if (this.options.noDelay) raw.setNoDelay(true);
    if (this.options.keepAlive) raw.setKeepAlive(true);
    this.phase = 'connected';
  }

  /** Wraps a connection the listener accepted; it inherits the listener's options. */
  private accepted(accepted: net.Socket): Socket {
    const feed = new ReadFeed();
    const raw = takeOverAccepted(accepted, feed);
    const sock = new Socket(this.family, SOCK_STREAM);
    sock.options.noDelay = this.options.noDelay;
    sock.options.keepAlive = this.options.keepAlive;
    sock.adopt(raw, null, this.localPath, feed);
    return sock;
  }

  private datagram(): DatagramPort {
    this.checkOpen('bind');
    return (this.udp ??= new DatagramPort(this.family === AF_INET6 ? 'udp6' : 'udp4', this.options));
  }

  private dropDatagram(): void {
    this.udp?.close();
    this.udp = null;
  }

  private *recvDatagramData(n: number, operation: string): Operation<Buffer> {
    return (yield* this.recvDatagram(n, operation))[0];
  }

  private *sendDatagram(data: BytesLike, operation: string): Operation<number> {
    checkBytes(operation, data);
    if (this.udp?.connected) return yield* this.udp.send(data, null, operation);
    throw this.notConnected(operation);
  }

  private *sendallDatagram(data: BytesLike): Operation<void> {
    yield* this.sendDatagram(data, 'sendall');
  }

  private *recvDatagram(n: number, operation: string): Operation<[Buffer, InetAddress]> {
    this.checkOpen(operation);
    if (this.type !== SOCK_DGRAM) throw this.notConnected(operation);
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`${operation}(): the byte count must be a non-negative integer, got ${describeValue(n)}`);
    return yield* this.datagram().recvfrom(n, operation);
  }

  private checkOpen(operation: string): void {
    if (this.phase === 'closed') throw ioFailure(`${operation}()`, '', 'EBADF', 'the socket is closed');
  }

  private notConnected(operation: string): Error {
    this.checkOpen(operation);
    return ioFailure(`${operation}()`, '', 'ENOTCONN', 'the socket is not connected');
  }
}

/**
 * Creates a socket: `socket(AF_INET, SOCK_STREAM)` (the defaults) for TCP,
 * `socket(AF_INET6, ...)` for IPv6, `socket(AF_UNIX, SOCK_STREAM)` for a Unix stream
 * socket, `socket(AF_INET, SOCK_DGRAM)` for UDP.
 * @example
 * ```ts
 * using sock = socket(AF_INET, SOCK_STREAM);
 * yield* sock.connect(['127.0.0.1', 25000]);
 * yield* sock.sendall('hello\n');
 * ```
 */
export function socket(family: AddressFamily = AF_INET, type: SocketKind = SOCK_STREAM): Socket {
  return new Socket(family, type);
}

function ignore(): void {}

/**
 * How long {@link Socket.close} lets Node flush what is still queued for the peer before
 * it destroys the connection anyway, so a peer that never reads cannot pin the descriptor.
 */
const CLOSE_LINGER_MS = 1000;

/**
 * Flushes what was written, sends the end of stream, then releases the connection: once
 * the flush is done, or after {@link CLOSE_LINGER_MS} if the peer does not take the data.
 */
function endThenDestroy(raw: net.Socket): void {
  if (raw.destroyed) return;
  if (!raw.writableEnded) raw.end();
  if (raw.writableFinished) {
    raw.destroy();
    return;
  }
  const linger = setTimeout(() => raw.destroy(), CLOSE_LINGER_MS);
  // The socket itself keeps the process alive until then; the timer need not.
  linger.unref();
  raw.once('finish', () => raw.destroy());
  raw.once('close', () => clearTimeout(linger));
}

type OptionKey = keyof SocketOptions;

function optionKey(level: number, option: number): OptionKey | null {
  if (level === SOL_SOCKET) {
    switch (option) {
      case SO_REUSEADDR: return 'reuseAddr';
      case SO_REUSEPORT: return 'reusePort';
      case SO_KEEPALIVE: return 'keepAlive';
      case SO_BROADCAST: return 'broadcast';
      case SO_RCVBUF: return 'recvBufferSize';
      case SO_SNDBUF: return 'sendBufferSize';
    }
  }
  if (level === IPPROTO_TCP && option === TCP_NODELAY) return 'noDelay';
  return null;
}
