/**
 * Message channels (Curio's `curio.channel`, after Python's
 * `multiprocessing.connection`): a {@link Channel} names an address; the server side
 * accepts and the client side connects, each getting a {@link Connection} that sends and
 * receives whole messages, optionally after a mutual HMAC authentication handshake.
 * @packageDocumentation
 */
import { isIP } from 'node:net';
import { TaskTimeout, timeoutAfter, type Operation, describeValue } from '@curio/kernel';
import { AF_INET, AF_INET6, AF_UNIX, SOCK_STREAM, SOL_SOCKET, SO_REUSEADDR, type AddressFamily } from '../constants.js';
import { checkAddress, formatAddress, type SocketAddress } from '../address.js';
import { IOError } from '../io-error.js';
import { Socket } from '../socket/socket.js';
import { AuthenticationError, ChannelError } from './errors.js';
import { authKeyBytes, type AuthKey } from './auth.js';
import { Connection, checkMaxFrameSize, type ConnectionOptions } from './connection.js';

/**
 * Options of a {@link Channel}.
 * @example
 * ```ts
 * const options: ChannelOptions = { authTimeout: 2_000, backlog: 16, maxFrameSize: 1024 * 1024 };
 * using ch = new Channel(['127.0.0.1', 30000], options);
 * ```
 */
export interface ChannelOptions extends ConnectionOptions {
  /**
   * How long, in milliseconds, the authentication handshake may take (default 5000;
   * null: no limit). A server drops a client that does not finish in time; a client
   * gets an {@link AuthenticationError}.
   */
  authTimeout?: number | null;
  /** The listen backlog of the server side (default 128). */
  backlog?: number;
}

/**
 * Options of {@link Channel.accept} and {@link Channel.connect}.
 * @example
 * ```ts
 * const auth: AuthOptions = { authkey: 'peekaboo' };
 * using conn = yield* new Channel(['127.0.0.1', 30000]).connect(auth);
 * ```
 */
export interface AuthOptions {
  /**
   * The shared secret. With it, both sides prove to each other that they know it
   * before any message is exchanged; both sides must use the same key (or both none).
   */
  authkey?: AuthKey;
}

const DEFAULT_AUTH_TIMEOUT = 5000;
const DEFAULT_BACKLOG = 128;

/** The family of an address: a path is AF_UNIX, `[host, port]` AF_INET6 for an IPv6 host, else AF_INET. */
function familyOf(address: SocketAddress): AddressFamily {
  if (typeof address === 'string') return AF_UNIX;
  return Array.isArray(address) && typeof address[0] === 'string' && isIP(address[0]) === 6 ? AF_INET6 : AF_INET;
}

/**
 * A message channel at an address: `[host, port]` for TCP, a path string for a Unix
 * socket. The server side calls {@link Channel.accept} (binding on first use, or
 * explicitly with {@link Channel.bind}); the client side calls {@link Channel.connect}.
 * Both give a {@link Connection}.
 *
 * With an `authkey`, each side challenges the other (HMAC-SHA256 of a random message)
 * before the connection is handed out. On the server a client that fails the handshake,
 * breaks the protocol, hangs up or takes longer than `authTimeout` is dropped, and
 * `accept` goes on waiting for the next one; the listening channel is unaffected.
 *
 * @example
 * ```ts
 * // server
 * const ch = new Channel(['127.0.0.1', 30000]);
 * for (;;) {
 *   const conn = yield* ch.accept({ authkey: 'peekaboo' });
 *   yield* spawn(serve, conn);
 * }
 * // client
 * using conn = yield* new Channel(['127.0.0.1', 30000]).connect({ authkey: 'peekaboo' });
 * yield* conn.send({ hello: 'world' });
 * ```
 */
export class Channel {
  /** The address family: `AF_INET`, `AF_INET6` or `AF_UNIX`. */
  readonly family: AddressFamily;

  private addr: SocketAddress;
  private sock: Socket | null = null;
  private binding = false;
  private readonly connectionOptions: ConnectionOptions;
  private readonly authTimeout: number | null;
  private readonly backlog: number;

  /**
   * @throws TypeError for an address that is neither `[host, port]` nor a path;
   * RangeError for a bad option.
   */
  constructor(address: SocketAddress, options: ChannelOptions = {}) {
    this.family = familyOf(address);
    checkAddress('Channel', this.family, address, 'connect');
    this.addr = typeof address === 'string' ? address : [address[0], address[1]];
    this.connectionOptions = { maxFrameSize: checkMaxFrameSize('Channel()', options.maxFrameSize) };
    const t = options.authTimeout === undefined ? DEFAULT_AUTH_TIMEOUT : options.authTimeout;
    if (t !== null && (typeof t !== 'number' || !(t > 0))) throw new RangeError(`Channel(): authTimeout must be a positive number of milliseconds or null, got ${describeValue(t)}`);
    this.authTimeout = t;
    const backlog = options.backlog ?? DEFAULT_BACKLOG;
    if (!Number.isInteger(backlog) || backlog < 0) throw new RangeError(`Channel(): backlog must be a non-negative integer, got ${describeValue(backlog)}`);
    this.backlog = backlog;
  }

  /**
   * The channel's address. After {@link Channel.bind} it is the address actually bound
   * (so binding port 0 shows the port the system chose).
   */
  get address(): SocketAddress {
    return typeof this.addr === 'string' ? this.addr : [this.addr[0], this.addr[1]];
  }

  /** True while the server side is listening. */
  get listening(): boolean {
    return this.sock !== null;
  }

  /**
   * Starts listening at the address (the server side). {@link Channel.accept} calls it
   * if needed; call it first to learn the port chosen for port 0.
   * @throws IOError (`EADDRINUSE`, ...) if the address cannot be bound; ChannelError if already bound.
   */
  *bind(): Operation<void> {
    if (this.sock !== null || this.binding) throw new ChannelError(`bind(): the channel is already bound to ${formatAddress(this.addr)}`);
    this.binding = true;
    const sock = new Socket(this.family, SOCK_STREAM);
    try {
      sock.setsockopt(SOL_SOCKET, SO_REUSEADDR, true);
      yield* sock.bind(this.addr);
      yield* sock.listen(this.backlog);
    } catch (error) {
      sock.close();
      throw error;
    } finally {
      this.binding = false;
    }
    this.sock = sock;
    this.addr = sock.getsockname();
  }

  /**
   * Waits for a client and returns its connection (the server side), after the
   * authentication handshake when `authkey` is given. Clients that fail the handshake
   * are dropped and the wait goes on.
   * @throws TypeError or RangeError for a bad `authkey`.
   */
  *accept(options: AuthOptions = {}): Operation<Connection> {
    const key = options.authkey === undefined ? null : authKeyBytes('accept', options.authkey);
    if (this.sock === null) yield* this.bind();
    for (;;) {
      const listener = this.sock;
      if (listener === null) throw new ChannelError('accept(): the channel was closed');
      const [client] = yield* listener.accept();
      const conn = new Connection(client.asStream(), this.connectionOptions);
      if (key === null) return conn;
      try {
        yield* this.handshake(conn, key, 'server');
        return conn;
      } catch (error) {
        conn.close();
        // A client that cannot authenticate costs the server nothing but its connection.
        if (!(error instanceof ChannelError || error instanceof IOError)) throw error;
      }
    }
  }

  /**
   * Connects to the channel's address (the client side) and returns the connection,
   * after the authentication handshake when `authkey` is given.
   * @throws IOError (`ECONNREFUSED`, `ENOENT`, ...) if the connection cannot be made;
   * AuthenticationError if the handshake fails (the connection is closed).
   */
  *connect(options: AuthOptions = {}): Operation<Connection> {
    const key = options.authkey === undefined ? null : authKeyBytes('connect', options.authkey);
    const sock = new Socket(this.family, SOCK_STREAM);
    try {
      yield* sock.connect(this.addr);
    } catch (error) {
      sock.close();
      throw error;
    }
    const conn = new Connection(sock.asStream(), this.connectionOptions);
    if (key === null) return conn;
    try {
      yield* this.handshake(conn, key, 'client');
    } catch (error) {
      conn.close();
      throw error;
    }
    return conn;
  }

  /** Stops listening (connections already made stay open). Safe to call more than once. */
  close(): void {
    const sock = this.sock;
    this.sock = null;
    sock?.close();
  }

  /** `using ch = new Channel(...)` stops listening at the end of the block. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** `Channel(127.0.0.1:30000)`. */
  toString(): string {
    return `Channel(${formatAddress(this.addr)}${this.listening ? ', listening' : ''})`;
  }

  private *handshake(conn: Connection, key: Buffer, side: 'server' | 'client'): Operation<void> {
    const operation = side === 'server' ? 'accept' : 'connect';
    const run = (): Operation<void> => (side === 'server' ? conn._authenticateServer(key) : conn._authenticateClient(key));
    try {
      yield* timeoutAfter(this.authTimeout, run);
    } catch (error) {
      if (error instanceof TaskTimeout) {
        throw new AuthenticationError(`${operation}(): authentication failed: the handshake did not finish within ${this.authTimeout} ms`, { cause: error });
      }
      throw error;
    }
  }
}
