/**
 * {@link ServerState}: what the connections of one `serveHttp` share, and its drain.
 * @packageDocumentation
 * @internal
 */
import { Event } from '@curio/kernel';
import type { HttpHandler } from './types.js';
import type { HttpServerStats } from './stats.js';

/** @internal The limits and timeouts of a server, defaults filled in. */
export interface ServerLimits {
  readonly keepAliveTimeout: number;
  readonly headersTimeout: number;
  readonly requestTimeout: number;
  readonly maxHeaderSize: number;
  readonly maxHeaders: number;
  readonly maxBodySize: number;
  /** Infinity for no limit. */
  readonly maxRequestsPerSocket: number;
}

/** @internal A connection as the drain sees it. */
export interface DrainableConnection {
  /** Closes the connection if it is waiting for a next request with nothing of it received. */
  closeIfIdle(): void;
}

/** @internal One server's handler, limits, counters, connections, and whether it is draining. */
export class ServerState {
  /** Set once the server is cancelled: no more requests on any connection. */
  draining = false;
  private readonly open = new Set<DrainableConnection>();
  private readonly empty = new Event();

  constructor(
    readonly handler: HttpHandler,
    readonly limits: ServerLimits,
    readonly stats: HttpServerStats,
    /** The server speaks TLS (it was given `ssl`). */
    readonly secure: boolean,
  ) {}

  add(conn: DrainableConnection): void {
    this.open.add(conn);
    this.stats.connections++;
  }

  remove(conn: DrainableConnection): void {
    if (!this.open.delete(conn)) return;
    this.stats.connections--;
    if (this.draining && this.open.size === 0) this.empty.set();
  }

  /**
   * Starts draining: later responses carry `Connection: close` and end their connection,
   * idle connections close now. Returns the event set when the last connection is gone.
   */
  drain(): Event {
    this.draining = true;
    for (const conn of this.open) conn.closeIfIdle();
    if (this.open.size === 0) this.empty.set();
    return this.empty;
  }
}
