/**
 * {@link RedisConnection}: one connection to a Redis server, and {@link connect}.
 *
 * How cancellation keeps a connection in step: every reply the server owes is counted
 * (`pendingReplies`). A command cancelled (or timed out) after its request was handed to
 * the socket leaves its reply owed; the next command on the connection first reads and
 * drops the owed replies, so every reply still goes to the command that asked for it.
 * A command cancelled before its request was sent sends nothing. The reply bytes live
 * in the connection, not in the cancelled call, so a half-read reply is never lost.
 * The exception is a blocking command (BLPOP, XREAD BLOCK, WAIT, ...): its reply can be
 * owed for as long as its server-side timeout, so a cancelled one closes the socket at
 * once and the next command opens a new one (with the same AUTH, SELECT and name).
 * A connection is closed (never reused) only when it fails: the server hangs up, a
 * socket error, or bytes that are not RESP.
 * @packageDocumentation
 */
import { Buffer, constants as bufferConstants } from 'node:buffer';
import { CancelledError, Lock, describeValue, timeoutAfter, type Operation } from '@curio/kernel';
import { IPPROTO_TCP, TCP_NODELAY, openConnection, type Socket, type SocketStream } from '@curio/io';
import { RedisCommands } from './commands.js';
import { makeCommand, type Command } from './command.js';
import { RedisConnectionError } from './errors.js';
import { DEFAULT_LIMITS, INCOMPLETE, type RedisArg, type ReplyLimits, type RespReply } from './resp.js';
import { ReplyReader } from './reader.js';
import { asOk } from './reply.js';
import { Pipeline, Transaction } from './pipeline.js';
import { Subscription } from './pubsub.js';

/**
 * Options of {@link connect} (and of a pool, which connects with them).
 *
 * @example
 * ```ts
 * import { connect, type ConnectOptions } from '@curio/redis';
 * const options: ConnectOptions = { host: '127.0.0.1', port: 6379, password: 'secret', db: 2, commandTimeout: 5000, maxBulkLength: 64 * 1024 * 1024 };
 * using conn = yield* connect(options);
 * ```
 */
export interface ConnectOptions {
  /** The server's host (default `'127.0.0.1'`). */
  host?: string;
  /** The server's port (default 6379). */
  port?: number;
  /** `AUTH username password` (Redis 6 ACLs); needs `password`. */
  username?: string;
  /** `AUTH password` after connecting. */
  password?: string;
  /** `SELECT db` after connecting (default 0). */
  db?: number;
  /** `CLIENT SETNAME` after connecting. */
  clientName?: string;
  /**
   * A time limit in ms for every command on this connection (default none). A blocking
   * command (BLPOP, ...) that runs out closes the socket; the next command reconnects.
   */
  commandTimeout?: number | null;
  /**
   * The longest bulk string (and status or error line) a reply may carry, in bytes
   * (default 512 MB, Redis's `proto-max-bulk-len`). A longer one is a
   * {@link RedisProtocolError} as soon as its header arrives, and the connection is closed.
   */
  maxBulkLength?: number;
  /** The most elements one array in a reply may have (default 2^31 − 1, as Redis); past it, as for `maxBulkLength`. */
  maxArrayLength?: number;
}

/** What a connection is doing: serving commands, subscribed (pub/sub only), or finished. */
type ConnectionState = 'commands' | 'subscriber' | 'closed' | 'failed';

/**
 * Connects to a Redis server and returns the connection (after `AUTH`, `SELECT` and
 * `CLIENT SETNAME` if the options ask for them). Cancelled, it leaves no socket open.
 * @throws IOError `ECONNREFUSED` (and the like) if the server cannot be reached.
 * @throws RedisReplyError if `AUTH` or `SELECT` is refused.
 *
 * @example
 * ```ts
 * import { connect } from '@curio/redis';
 * using conn = yield* connect({ port: 6379 });
 * yield* conn.set('k', 'v');
 * ```
 */
export function* connect(options: ConnectOptions = {}): Operation<RedisConnection> {
  const settings = checkOptions('connect', options);
  const conn = new RedisConnection(yield* openSocket(settings), settings);
  try {
    const timeout = settings.commandTimeout;
    yield* (timeout === null ? conn._handshake() : timeoutAfter(timeout, conn._handshake()));
    return conn;
  } catch (error) {
    conn.close();
    throw error;
  }
}

/** A TCP connection to the server, with `TCP_NODELAY`. */
function* openSocket(settings: ConnectionSettings): Operation<Socket> {
  const sock = yield* openConnection(settings.host, settings.port);
  try {
    sock.setsockopt(IPPROTO_TCP, TCP_NODELAY, true);
  } catch (error) {
    sock.close();
    throw error;
  }
  return sock;
}

/** The commands that set a new socket up as the settings ask: AUTH, SELECT, CLIENT SETNAME. */
function setupCommands(settings: ConnectionSettings): Command<void>[] {
  const setup: Command<void>[] = [];
  if (settings.password !== undefined) {
    const auth: RedisArg[] = settings.username === undefined ? ['AUTH', settings.password] : ['AUTH', settings.username, settings.password];
    setup.push(makeCommand('connect', auth, asOk));
  }
  if (settings.db !== 0) setup.push(makeCommand('connect', ['SELECT', settings.db], asOk));
  if (settings.clientName !== undefined) setup.push(makeCommand('connect', ['CLIENT', 'SETNAME', settings.clientName], asOk));
  return setup;
}

/** {@link ConnectOptions} checked, with defaults filled in. */
export interface ConnectionSettings {
  host: string;
  port: number;
  username: string | undefined;
  password: string | undefined;
  db: number;
  clientName: string | undefined;
  commandTimeout: number | null;
  limits: ReplyLimits;
}

/** @internal Checks {@link ConnectOptions}; errors name the option and the value given. */
export function checkOptions(method: string, options: ConnectOptions): ConnectionSettings {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${method}(): options must be an object, got ${describeValue(options)}`);
  const host = options.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host === '') throw new TypeError(`${method}(): host must be a non-empty string, got ${describeValue(host)}`);
  const port = options.port ?? 6379;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`${method}(): port must be an integer from 1 to 65535, got ${describeValue(port)}`);
  const db = options.db ?? 0;
  if (!Number.isInteger(db) || db < 0) throw new RangeError(`${method}(): db must be an integer >= 0, got ${describeValue(db)}`);
  for (const name of ['username', 'password', 'clientName'] as const) {
    const value = options[name];
    if (value !== undefined && typeof value !== 'string') throw new TypeError(`${method}(): ${name} must be a string, got ${describeValue(value)}`);
  }
  if (options.username !== undefined && options.password === undefined) throw new TypeError(`${method}(): username needs a password`);
  const commandTimeout = options.commandTimeout ?? null;
  if (commandTimeout !== null && (typeof commandTimeout !== 'number' || !(commandTimeout >= 0) || !Number.isFinite(commandTimeout))) {
    throw new RangeError(`${method}(): commandTimeout must be a finite number of ms >= 0 (or null), got ${describeValue(commandTimeout)}`);
  }
  const limits: ReplyLimits = {
    maxBulkLength: checkLimit(method, 'maxBulkLength', options.maxBulkLength, DEFAULT_LIMITS.maxBulkLength, bufferConstants.MAX_LENGTH),
    maxArrayLength: checkLimit(method, 'maxArrayLength', options.maxArrayLength, DEFAULT_LIMITS.maxArrayLength, 2 ** 32 - 1),
  };
  return { host, port, username: options.username, password: options.password, db, clientName: options.clientName, commandTimeout, limits };
}

/** A size limit: an integer from 1 to `most` (the largest Buffer, or the longest array), `fallback` if not given. */
function checkLimit(method: string, name: string, value: number | undefined, fallback: number, most: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > most) throw new RangeError(`${method}(): ${name} must be an integer from 1 to ${most}, got ${describeValue(value)}`);
  return value;
}

/**
 * One connection to a Redis server, made by {@link connect}. Its command methods (see
 * {@link RedisCommands}) can be called from several tasks: they take turns, one
 * request and reply at a time. For many requests in one round trip use
 * {@link RedisConnection.pipeline}; for MULTI/EXEC, {@link RedisConnection.multi}; for
 * pub/sub, {@link RedisConnection.subscribe}.
 *
 * Cancellation and timeouts never put the connection out of step: a command cancelled
 * after sending leaves its reply owed, and the next command drains it first
 * (`pendingReplies` counts them). A blocking command (BLPOP, BRPOP, BLMOVE, BZPOPMIN,
 * XREAD with BLOCK, WAIT, ...) is different: the server may owe its reply until the
 * command's own timeout, so when one is cancelled or times out the connection closes its
 * socket at once (the server stops waiting and pops nothing for it) and the next command
 * opens a new one, with the same AUTH, SELECT and client name. A connection holding WATCH,
 * or state set through `command()` (SELECT, CLIENT, ...), cannot be reopened like that:
 * it is closed instead, and later commands throw {@link RedisConnectionError}.
 * Closing is idempotent; `using` closes it too.
 *
 * @example
 * ```ts
 * import { connect } from '@curio/redis';
 * using conn = yield* connect({ port });
 * yield* conn.set('n', 1);
 * const n = yield* conn.incr('n');            // 2
 * yield* timeoutAfter(100, conn.get('n'));    // cancelled or not, conn stays usable
 * ```
 */
export class RedisConnection extends RedisCommands {
  private sock: Socket;
  private stream: SocketStream;
  private readonly lock = new Lock();
  private readonly settings: ConnectionSettings;
  private state: ConnectionState = 'commands';
  private failure: unknown = null;
  /** The bytes received and the reply being parsed (kept here, not in a command that may be cancelled). */
  private reader: ReplyReader;
  private owed = 0;
  /** One of the owed replies is a blocking command's. */
  private owedBlocking = false;
  /** The socket was closed under a cancelled blocking command: the next command opens a new one. */
  private reopenNeeded = false;
  private watching = false;
  private stateful = false;
  private subscription: Subscription | null = null;

  /** @internal Made by {@link connect}. */
  constructor(socket: Socket, settings: ConnectionSettings) {
    super();
    this.settings = settings;
    this.sock = socket;
    this.stream = socket.asStream();
    this.reader = new ReplyReader(settings.limits);
  }

  /** The socket underneath (a new one after a cancelled blocking command reopened the connection). */
  get socket(): Socket {
    return this.sock;
  }

  /** Replies the server still owes to cancelled commands; the next command drains them first. */
  get pendingReplies(): number {
    return this.owed;
  }

  /** True once the connection was closed or failed; commands then throw {@link RedisConnectionError}. */
  get closed(): boolean {
    return this.state === 'closed' || this.state === 'failed';
  }

  /**
   * True when the connection is open, in command mode, owes no replies, is not in use by
   * a task, and carries no per-connection state (WATCH, SELECT, AUTH, ... through
   * `command()`): safe to hand to someone else. A pool reuses only clean connections.
   */
  get clean(): boolean {
    return this.state === 'commands' && this.owed === 0 && !this.lock.locked() && !this.watching && !this.stateful && !this.reopenNeeded;
  }

  /** @internal */
  override _noteStateful(_name: string): void {
    this.stateful = true;
  }

  /** @internal */
  _execute<T>(command: Command<T>): Operation<T> {
    const timeout = this.settings.commandTimeout;
    if (timeout !== null) return timeoutAfter(timeout, this.executeNow(command));
    return this.executeNow(command);
  }

  private *executeNow<T>(command: Command<T>): Operation<T> {
    const [reply] = yield* this.roundTrip(command.method, command.payload, 1, command.blocking);
    return command.decode(reply, command.name);
  }

  /** @internal Sets a new socket up (AUTH, SELECT, CLIENT SETNAME); {@link connect} calls it before anyone else can. */
  *_handshake(): Operation<void> {
    for (const command of setupCommands(this.settings)) {
      const [reply] = yield* this.exchange(command.method, command.payload, 1, false);
      command.decode(reply, command.name);
    }
  }

  /**
   * `WATCH key...` for an optimistic transaction: a later {@link RedisConnection.multi}
   * `exec()` gives null if a watched key changed. Until `exec()` or `unwatch()` the
   * connection is not clean (a pool will not reuse it).
   *
   * @example
   * ```ts
   * yield* db.watch('balance');
   * const balance = Number(yield* db.get('balance'));
   * const results = yield* db.multi().command('SET', 'balance', balance - 10).exec();
   * if (results === null) console.log('balance changed meanwhile: try again');
   * ```
   */
  *watch(...keys: RedisArg[]): Operation<void> {
    if (keys.length === 0) throw new TypeError('watch(): give at least one key');
    const command = makeCommand('watch', ['WATCH', ...keys], asOk);
    this.watching = true;
    yield* this._execute(command);
  }

  /** `UNWATCH`: forgets every watched key. @example `yield* conn.unwatch()` */
  *unwatch(): Operation<void> {
    yield* this._execute(makeCommand('unwatch', ['UNWATCH'], asOk));
    this.watching = false;
  }

  /**
   * A pipeline on this connection: queue commands, then `exec()` sends them in one write
   * and reads every reply.
   *
   * @example
   * ```ts
   * const [a, b] = yield* db.pipeline().command('INCR', 'a').command('GET', 'b').exec();
   * ```
   */
  pipeline(): Pipeline {
    return new Pipeline(this);
  }

  /**
   * A MULTI/EXEC transaction on this connection: queue commands, then `exec()` sends
   * `MULTI`, the commands and `EXEC` in one write. Gives the results, or null if a
   * watched key changed.
   *
   * @example
   * ```ts
   * const results = yield* db.multi().command('INCR', 'a').command('INCR', 'b').exec();
   * ```
   */
  multi(): Transaction {
    return new Transaction(this);
  }

  /**
   * Subscribes to `channels` and turns this connection into a subscriber (for good: it
   * then only serves its {@link Subscription}; use another connection for commands).
   * Returns once the server has confirmed every channel.
   *
   * @example
   * ```ts
   * const sub = yield* db.subscribe('news');
   * const message = yield* sub.next();   // { channel: 'news', pattern: null, message: '...' }
   * ```
   */
  *subscribe(...channels: string[]): Operation<Subscription> {
    const sub = yield* this.enterSubscriberMode('subscribe');
    yield* sub.subscribe(...channels);
    return sub;
  }

  /** Like {@link RedisConnection.subscribe}, for glob patterns (`PSUBSCRIBE`). @example `yield* conn.psubscribe('news.*')` */
  *psubscribe(...patterns: string[]): Operation<Subscription> {
    const sub = yield* this.enterSubscriberMode('psubscribe');
    yield* sub.psubscribe(...patterns);
    return sub;
  }

  /** Closes the connection (idempotent). A task waiting on it gets a {@link RedisConnectionError}. */
  close(): void {
    if (this.state === 'closed' || this.state === 'failed') return;
    this.state = 'closed';
    this.reader = new ReplyReader(this.settings.limits);
    this.sock.close();
  }

  /** `using conn = yield* connect()` closes it at the end of the block. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** `RedisConnection(127.0.0.1:6379, commands, owed 0)`. */
  override toString(): string {
    return `RedisConnection(${this.settings.host}:${this.settings.port}, ${this.state}, owed ${this.owed})`;
  }

  // ---------------------------------------------------------------- for pipelines, transactions and subscriptions

  /**
   * @internal Sends `payload` (holding `count` commands) and reads its `count` replies
   * (an array, even of one). Owed replies of cancelled commands go first.
   * `blocking`: the payload holds a command that can make the server wait (see the class docs).
   */
  *roundTrip(method: string, payload: string | Buffer, count: number, blocking: boolean): Operation<RespReply[]> {
    this.checkUsable(method, 'commands');
    const lock = this.lock;
    yield* lock.acquire();
    try {
      this.checkUsable(method, 'commands');
      yield* this.catchUp(method);
      return yield* this.exchange(method, payload, count, blocking);
    } catch (error) {
      if (error instanceof CancelledError && this.owedBlocking) this.dropBlocked(method);
      else this.failIfBroken(error);
      throw error;
    } finally {
      lock.release();
    }
  }

  /** @internal Transactions: EXEC and DISCARD forget watched keys. */
  _watchEnded(): void {
    this.watching = false;
  }

  /** @internal Subscriptions: write a (P)(UN)SUBSCRIBE while holding the lock. */
  *_subscriberWrite(method: string, payload: string | Buffer): Operation<void> {
    this.checkUsable(method, 'subscriber');
    try {
      yield* this.stream.write(payload);
    } catch (error) {
      this.failIfBroken(error);
      throw error;
    }
  }

  /** @internal Subscriptions: read the next push. */
  *_subscriberRead(method: string): Operation<RespReply> {
    this.checkUsable(method, 'subscriber');
    try {
      return yield* this.readReply(method);
    } catch (error) {
      this.failIfBroken(error);
      throw error;
    }
  }

  /** @internal Subscriptions take turns with this lock. */
  get _lock(): Lock {
    return this.lock;
  }

  // ---------------------------------------------------------------- internals

  private *enterSubscriberMode(method: string): Operation<Subscription> {
    if (this.subscription !== null) return this.subscription;
    this.checkUsable(method, 'commands');
    yield* this.lock.acquire();
    try {
      this.checkUsable(method, 'commands');
      yield* this.catchUp(method);
      this.state = 'subscriber';
      this.subscription = new Subscription(this);
      return this.subscription;
    } catch (error) {
      this.failIfBroken(error);
      throw error;
    } finally {
      this.lock.release();
    }
  }

  /** Under the lock, before a request: a new socket if a blocking command's was dropped, then every owed reply read and dropped. */
  private *catchUp(method: string): Operation<void> {
    if (this.reopenNeeded) yield* this.reopen();
    while (this.owed > 0) {
      yield* this.readReply(method);
      this.owed--;
    }
    this.owedBlocking = false;
  }

  /** Sends `payload` and reads its `count` replies (see {@link RedisConnection.roundTrip}); nothing may be owed before. */
  private *exchange(method: string, payload: string | Buffer, count: number, blocking: boolean): Operation<RespReply[]> {
    // Wait for room first: cancelled here, nothing was sent. From the write on, the
    // server will answer (the whole payload is handed to the socket at once).
    yield* this.stream.flush();
    this.owed += count;
    this.owedBlocking = blocking;
    yield* this.stream.write(payload);
    const replies: RespReply[] = [];
    for (let i = 0; i < count; i++) {
      replies.push(yield* this.readReply(method));
      this.owed--;
    }
    this.owedBlocking = false;
    return replies;
  }

  /** Opens a new socket in place of one dropped under a blocking command, set up as at {@link connect}. */
  private *reopen(): Operation<void> {
    const sock = yield* openSocket(this.settings);
    this.attach(sock);
    try {
      yield* this._handshake();
    } catch (error) {
      // A half-done AUTH or SELECT must not be drained and forgotten: start over next time.
      sock.close();
      this.owed = 0;
      throw error;
    }
    this.reopenNeeded = false;
  }

  private attach(sock: Socket): void {
    this.sock = sock;
    this.stream = sock.asStream();
    this.reader = new ReplyReader(this.settings.limits);
    this.owed = 0;
    this.owedBlocking = false;
  }

  /**
   * A blocking command was cancelled with its reply owed: close the socket now, so the
   * server stops waiting on our behalf (and pops nothing for a caller who left), and the
   * next command need not wait out the server's timeout: it opens a new socket. State a
   * new socket would not have (WATCH, SELECT through command(), ...) makes that unsafe:
   * then the connection is closed for good.
   */
  private dropBlocked(method: string): void {
    this.sock.close();
    this.owed = 0;
    this.owedBlocking = false;
    if (this.watching || this.stateful) {
      this.fail(new RedisConnectionError(`${method}(): a blocking command was cancelled with its reply still owed, so the connection was closed; it is not reopened because it carries WATCH or state set through command()`));
      return;
    }
    this.reopenNeeded = true;
  }

  /** Reads one whole reply; the bytes stay in the connection while it waits. */
  private *readReply(method: string): Operation<RespReply> {
    for (;;) {
      const reply = this.reader.next();
      if (reply !== INCOMPLETE) return reply;
      const data = yield* this.stream.read();
      if (data.length === 0) {
        throw new RedisConnectionError(`${method}(): the server closed the connection${this.owed > 0 ? ` with ${this.owed} replies still to come` : ''}`);
      }
      this.reader.feed(data);
    }
  }

  private checkUsable(method: string, mode: 'commands' | 'subscriber'): void {
    const state = this.state;
    if (state === mode) return;
    if (state === 'closed') throw new RedisConnectionError(`${method}(): the connection is closed`);
    if (state === 'failed') throw new RedisConnectionError(`${method}(): the connection failed earlier (${errorMessage(this.failure)}) and was closed`, { cause: this.failure });
    if (state === 'subscriber') throw new RedisConnectionError(`${method}(): this connection is a subscriber (after subscribe()); it only serves its Subscription: use another connection for commands`);
    throw new RedisConnectionError(`${method}(): this connection is not subscribed; call connection.subscribe() first`);
  }

  /** Anything but a cancellation leaves the stream at an unknown point: close for good. */
  private failIfBroken(error: unknown): void {
    if (error instanceof CancelledError) return;
    this.fail(error);
  }

  /** Closes the connection for good; later commands throw a RedisConnectionError with `error` as its cause. */
  private fail(error: unknown): void {
    if (this.state === 'closed' || this.state === 'failed') return;
    this.failure = error;
    this.state = 'failed';
    this.reader = new ReplyReader(this.settings.limits);
    this.sock.close();
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
