/**
 * {@link RedisPool}: a bounded set of connections shared by tasks. A connection goes
 * back into the pool only if it is {@link RedisConnection.clean}: open, owing no
 * replies, no task using it, no WATCH or other per-connection state. Anything else
 * (a command cancelled mid-flight, a subscriber, a failure) is closed on release, so
 * the pool never hands out a connection in an unknown state.
 * @packageDocumentation
 */
import { Semaphore, describeValue, type Operation } from '@curio/kernel';
import { RedisCommands } from './commands.js';
import type { Command } from './command.js';
import { RedisConnectionError, RedisError } from './errors.js';
import { checkOptions, connect, type ConnectOptions, type ConnectionSettings, type RedisConnection } from './connection.js';

/**
 * Options of {@link createPool}: how to connect, and how many connections at most.
 *
 * @example
 * ```ts
 * import { createPool, type PoolOptions } from '@curio/redis';
 * const options: PoolOptions = { port: 6379, size: 4 };
 * const pool = createPool(options);
 * ```
 */
export interface PoolOptions extends ConnectOptions {
  /** The most connections open at once (default 10). */
  size?: number;
}

/**
 * A pool of at most `size` connections, opened as needed (none at first).
 * @throws TypeError or RangeError for a bad option, naming it and the value given.
 *
 * @example
 * ```ts
 * import { createPool } from '@curio/redis';
 * const pool = createPool({ port, size: 4 });
 * yield* pool.set('k', 'v');                   // on a borrowed connection
 * yield* pool.withConnection(function* (conn) { yield* conn.watch('k'); });
 * pool.close();
 * ```
 */
export function createPool(options: PoolOptions = {}): RedisPool {
  const settings = checkOptions('createPool', options);
  const size = options.size ?? 10;
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`createPool(): size must be an integer >= 1, got ${describeValue(size)}`);
  return new RedisPool(options, settings, size);
}

/**
 * A bounded pool of {@link RedisConnection}s. Its command methods each borrow a
 * connection for one command; {@link RedisPool.withConnection} lends one for a block
 * (for WATCH/MULTI, pipelines, several commands in a row).
 *
 * @example
 * ```ts
 * import { createPool } from '@curio/redis';
 * const pool = createPool({ port: 6379, size: 4 });
 * const n = yield* pool.incr('hits');
 * ```
 */
export class RedisPool extends RedisCommands {
  /** The most connections open at once. */
  readonly size: number;
  private readonly options: ConnectOptions;
  private readonly permits: Semaphore;
  private readonly idle: RedisConnection[] = [];
  private readonly lent = new Set<RedisConnection>();
  private isClosed = false;

  /** @internal Made by {@link createPool}. */
  constructor(options: ConnectOptions, _settings: ConnectionSettings, size: number) {
    super();
    this.options = { ...options };
    this.size = size;
    this.permits = new Semaphore(size);
  }

  /** Connections open and waiting in the pool. */
  get idleCount(): number {
    return this.idle.length;
  }

  /** Connections lent out right now. */
  get inUseCount(): number {
    return this.lent.size;
  }

  /**
   * Borrows a connection: an idle clean one, or a new one if there are fewer than `size`;
   * otherwise waits for one to be released. Cancelled, it holds nothing.
   * Give it back with {@link RedisPool.release}.
   *
   * @example
   * ```ts
   * import { createPool } from '@curio/redis';
   * const pool = createPool({ port: 6379 });
   * const conn = yield* pool.acquire();
   * try { yield* conn.get('k'); } finally { pool.release(conn); }
   * ```
   */
  *acquire(): Operation<RedisConnection> {
    this.checkOpen('acquire');
    yield* this.permits.acquire();
    try {
      this.checkOpen('acquire');
      for (;;) {
        const conn = this.idle.pop();
        if (conn === undefined) break;
        if (conn.clean) {
          this.lent.add(conn);
          return conn;
        }
        conn.close();
      }
      const conn = yield* connect(this.options);
      if (this.isClosed) {
        conn.close();
        this.checkOpen('acquire');
      }
      this.lent.add(conn);
      return conn;
    } catch (error) {
      this.permits.release();
      throw error;
    }
  }

  /**
   * Gives a borrowed connection back (never blocks). A clean connection waits in the pool
   * for the next borrower; any other is closed.
   * @throws RedisError if the connection was not borrowed from this pool (or was given back already).
   */
  release(conn: RedisConnection): void {
    if (!this.lent.has(conn)) throw new RedisError(`release(): ${String(conn)} was not borrowed from this pool, or was released already`);
    this.lent.delete(conn);
    if (!this.isClosed && conn.clean) this.idle.push(conn);
    else conn.close();
    this.permits.release();
  }

  /**
   * Runs `body` with a borrowed connection and gives it back however the body ends.
   * Returns what the body returns.
   *
   * @example
   * ```ts
   * import { createPool, type RedisConnection } from '@curio/redis';
   * const pool = createPool({ port: 6379 });
   * const results = yield* pool.withConnection(function* (conn: RedisConnection) {
   *   return yield* conn.pipeline().command('INCR', 'a').command('INCR', 'b').exec();
   * });
   * ```
   */
  *withConnection<T>(body: (conn: RedisConnection) => Operation<T>): Operation<T> {
    if (typeof body !== 'function') throw new TypeError(`withConnection(): expected a generator function (conn) => Operation, got ${describeValue(body)}`);
    const conn = yield* this.acquire();
    try {
      return yield* body(conn);
    } finally {
      this.release(conn);
    }
  }

  /** @internal Each command borrows a connection. */
  *_execute<T>(command: Command<T>): Operation<T> {
    const conn = yield* this.acquire();
    try {
      return yield* conn._execute(command);
    } finally {
      this.release(conn);
    }
  }

  /** @internal `command()` cannot carry connection state through a pool. */
  override _noteStateful(name: string): void {
    throw new TypeError(`command(): ${name} changes the state of one connection; on a pool, use withConnection() (the connection is then not reused)`);
  }

  /** Closes the idle connections now and the lent ones when they are released. Idempotent. */
  close(): void {
    this.isClosed = true;
    for (const conn of this.idle.splice(0)) conn.close();
  }

  /** `using pool = createPool(...)` closes it at the end of the block. */
  [Symbol.dispose](): void {
    this.close();
  }

  private checkOpen(method: string): void {
    if (this.isClosed) throw new RedisConnectionError(`${method}(): the pool is closed`);
  }
}
