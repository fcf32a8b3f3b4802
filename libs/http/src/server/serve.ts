/**
 * `serveHttp`: an HTTP/1.1 server on `tcpServer` from `@curio/io`.
 * @packageDocumentation
 */
import type { Operation } from '@curio/kernel';
import type { HttpHandler, ServeHttpOptions } from './types.js';

/**
 * Serves HTTP/1.1 on `host:port` until cancelled, each connection in its own task, each
 * request answered by `handler`. Cancelled, it drains: it stops accepting, closes idle
 * connections, lets requests in flight finish for up to `drainTimeout` (their responses get
 * `Connection: close`), then cancels what is left.
 *
 * @example
 * ```ts
 * import { serveHttp } from '@curio/http';
 * yield* serveHttp('127.0.0.1', 8080, function* (_req, res) {
 *   yield* res.send(200, 'Hello, world!\n', { 'content-type': 'text/plain' });
 * });
 * ```
 */
export function* serveHttp(host: string, port: number, handler: HttpHandler, options: ServeHttpOptions = {}): Operation<never> {
  void host; void port; void handler; void options;
  throw new Error('serveHttp(): not implemented yet (the signature is committed first for the client helpers; the server follows on branch http)');
}
