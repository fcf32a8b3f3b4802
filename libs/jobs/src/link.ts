/**
 * {@link Link}: one Redis connection that a worker keeps alive. Redis going away (the
 * socket reset, refused, closed) is not a failure of the job queue: the link closes
 * the dead connection, waits (an exponential backoff with jitter, capped), reconnects
 * and runs the operation again. Everything the queue sends is safe to send twice, so a
 * reply lost with the connection does no harm. An error reply (`RedisReplyError`) is the
 * server's answer and is not retried, but for NOGROUP: a server that lost its data (a
 * restart without persistence) gets the consumer group again.
 * @packageDocumentation
 */
import { CancelledError, sleep, type Operation } from '@curio/kernel';
import { connect, RedisReplyError, type ConnectOptions, type RedisConnection } from '@curio/redis';

/** @internal How the link tells its owner about trouble (for logs and tests). */
export type LinkListener = (event: 'disconnected' | 'reconnected', error?: unknown) => void;

/** @internal True for an error that means the connection to Redis is gone or unusable (not the server saying no). */
export function isConnectionTrouble(error: unknown): boolean {
  if (error instanceof CancelledError || error instanceof RedisReplyError) return false;
  if (!(error instanceof Error)) return false;
  if (error.name === 'RedisConnectionError' || error.name === 'RedisProtocolError') return true;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code);
}

const FIRST_RETRY_MS = 50;
const MOST_RETRY_MS = 2000;

/** @internal */
export class Link {
  private conn: RedisConnection | null = null;
  private closed = false;
  /** How many times the link reconnected after losing its connection. */
  reconnects = 0;

  constructor(
    private readonly options: ConnectOptions,
    private readonly prepare: (conn: RedisConnection) => Operation<void>,
    private readonly listener: LinkListener | null = null,
  ) {}

  /** Connects now: a Redis that cannot be reached is an error here (at start-up), not a retry loop. */
  *open(): Operation<RedisConnection> {
    if (this.conn !== null && !this.conn.closed) return this.conn;
    const conn = yield* connect(this.options);
    try {
      yield* this.prepare(conn);
    } catch (error) {
      conn.close();
      throw error;
    }
    if (this.closed) {
      conn.close();
      throw new CancelledError('the link was closed while it connected');
    }
    this.conn = conn;
    return conn;
  }

  /** Runs `op` on the connection, reconnecting (with backoff) and running it again while Redis is away. */
  *use<T>(op: (conn: RedisConnection) => Operation<T>): Operation<T> {
    let wait = FIRST_RETRY_MS;
    let lost = false;
    for (;;) {
      try {
        const conn = this.conn !== null && !this.conn.closed ? this.conn : yield* this.open();
        const result = yield* op(conn);
        if (lost) {
          this.reconnects++;
          this.listener?.('reconnected');
        }
        return result;
      } catch (error) {
        if (error instanceof RedisReplyError && error.code === 'NOGROUP' && this.conn !== null) {
          yield* this.prepare(this.conn);
          continue;
        }
        if (!isConnectionTrouble(error) || this.closed) throw error;
        if (!lost) this.listener?.('disconnected', error);
        lost = true;
        this.conn?.close();
        this.conn = null;
        yield* sleep(wait / 2 + (Math.random() * wait) / 2);
        wait = Math.min(wait * 2, MOST_RETRY_MS);
      }
    }
  }

  /** Closes the connection (idempotent); a task using it gets a connection error. */
  close(): void {
    this.closed = true;
    this.conn?.close();
    this.conn = null;
  }
}
