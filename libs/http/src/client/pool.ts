/**
 * The keep-alive pool of one origin: at most `max` connections, in use or idle; an idle one
 * closes after `keepAliveTimeout`. A connection comes back only once its response has been
 * read to the end; any other ending closes it.
 * @internal
 * @packageDocumentation
 */
import { Semaphore, type Operation } from '@curio/kernel';
import type { ClientConnection } from './connection.js';

interface Idle {
  readonly connection: ClientConnection;
  readonly timer: ReturnType<typeof setTimeout>;
}

/** @internal */
export class OriginPool {
  /** One permit per connection this origin may have open. */
  private readonly slots: Semaphore;
  /** Idle connections, the most recently used last (reused first: the least likely to have been closed by the server). */
  private readonly idle: Idle[] = [];
  /** Requests holding or waiting for a connection. */
  private users = 0;
  private closed = false;

  constructor(max: number, private readonly keepAliveTimeout: number) {
    this.slots = new Semaphore(max);
  }

  /** No connection open and no request holding or waiting for one: the pool can be dropped. */
  get unused(): boolean {
    return this.users === 0 && this.idle.length === 0;
  }

  /** Connections idle in the pool now. */
  get idleCount(): number {
    return this.idle.length;
  }

  /**
   * A connection for one request: an idle one, or a new one from `open` while fewer than
   * `max` are open, else the first to be given back. Cancelled while waiting, it takes nothing.
   */
  *acquire(open: () => Operation<ClientConnection>): Operation<ClientConnection> {
    this.users++;
    try {
      yield* this.slots.acquire();
    } catch (e) {
      this.users--;
      throw e;
    }
    try {
      for (let entry = this.idle.pop(); entry !== undefined; entry = this.idle.pop()) {
        clearTimeout(entry.timer);
        const { connection } = entry;
        if (connection.isClosed) continue;
        // Bytes that came while it sat idle answer no request of ours: read as the next
        // response they would put the connection out of step (a stray or forged response).
        if (connection.sock.readBuffered === 0) return connection;
        connection.close();
      }
      return yield* open();
    } catch (e) {
      this.slots.release();
      this.users--;
      throw e;
    }
  }

  /** Gives `connection` back after its exchange: kept idle if `reusable` (and the pool is open), else closed. */
  release(connection: ClientConnection, reusable: boolean): void {
    if (reusable && !this.closed && !connection.isClosed && connection.parser.idle) {
      const timer = setTimeout(() => this.expire(connection), this.keepAliveTimeout);
      // An idle connection must not keep the process alive.
      timer.unref();
      this.idle.push({ connection, timer });
    } else {
      connection.close();
    }
    this.slots.release();
    this.users--;
  }

  /** Closes the idle connections; connections given back later are closed too. */
  close(): void {
    this.closed = true;
    this.closeIdle();
  }

  /** Closes the idle connections (one the server closed while idle says the others may be gone too). */
  closeIdle(): void {
    for (const { connection, timer } of this.idle.splice(0)) {
      clearTimeout(timer);
      connection.close();
    }
  }

  private expire(connection: ClientConnection): void {
    const i = this.idle.findIndex((entry) => entry.connection === connection);
    if (i >= 0) this.idle.splice(i, 1);
    connection.close();
  }
}
