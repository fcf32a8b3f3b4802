/**
 * {@link HttpServerStats}: the counters a server keeps while it serves.
 * @packageDocumentation
 */

/**
 * Live counters of a server, kept up to date by `serveHttp` when passed as its `stats`
 * option. Read them at any time (a status page, a test).
 *
 * @example
 * ```ts
 * import { HttpServerStats, serveHttp, type HttpHandler } from '@curio/http';
 * const stats = new HttpServerStats();
 * const status: HttpHandler = function* (_req, res) {
 *   yield* res.send(200, JSON.stringify(stats), { 'content-type': 'application/json' });
 * };
 * yield* serveHttp('127.0.0.1', 8080, status, { stats });
 * ```
 */
export class HttpServerStats {
  /** Handlers running now. */
  inFlight = 0;
  /** Connections open now (with `ssl`: once their TLS handshake is done). */
  connections = 0;
  /** Requests handled so far (each counted when its handler starts). */
  requests = 0;

  /** The counters as a plain object (what `JSON.stringify` gives). */
  toJSON(): { inFlight: number; connections: number; requests: number } {
    return { inFlight: this.inFlight, connections: this.connections, requests: this.requests };
  }
}
