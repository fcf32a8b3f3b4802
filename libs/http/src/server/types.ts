/**
 * The server's public types: what a handler is given ({@link HttpRequest},
 * {@link HttpResponse}), the handler itself and the options of `serveHttp`.
 * @packageDocumentation
 */
import type { Operation } from '@curio/kernel';
import type { SSLContext } from '@curio/ssl';
import type { HttpBody } from '../body.js';
import type { HttpHeaders, OutgoingHeaders } from '../headers.js';
import type { HttpServerStats } from './stats.js';

/**
 * A request as a handler sees it. The head is parsed; the body is read as it arrives,
 * through {@link HttpRequest.body}.
 *
 * @example
 * ```ts
 * import type { HttpHandler } from '@curio/http';
 * const hello: HttpHandler = function* (req, res) {
 *   const name = req.query.get('name') ?? 'world';
 *   yield* res.send(200, `${req.method} ${req.path}: hello, ${name}\n`, { 'content-type': 'text/plain' });
 * };
 * ```
 */
export interface HttpRequest {
  /** The method as sent (`GET`, `POST`, ...; methods are case-sensitive). */
  readonly method: string;
  /** The request-target as sent: `/path?query` (or an absolute URL, `*`, an authority). */
  readonly target: string;
  /** The target's path, percent-encoding kept (`/a%20b`); `*` or the authority for those forms. */
  readonly path: string;
  /** The target's query parameters. */
  readonly query: URLSearchParams;
  readonly httpVersion: '1.0' | '1.1';
  /** The header fields as received. */
  readonly headers: HttpHeaders;
  /** The client's address. */
  readonly remoteAddress: { readonly host: string; readonly port: number };
  /** True when the request came over TLS (a server given `ssl`): its URL's scheme is https. */
  readonly secure: boolean;
  /** The body, streamed from the connection (empty for a request without one). */
  readonly body: HttpBody;
  /** The trailer fields of a chunked body, once the body has been read to its end; empty before. */
  readonly trailers: HttpHeaders;
}

/**
 * The response to one request: whole with {@link HttpResponse.send}, or streamed with
 * {@link HttpResponse.start}, {@link HttpResponse.write} and {@link HttpResponse.end}. Each
 * is an operation: a client that reads slowly holds the handler back (backpressure).
 *
 * The server adds `Date`, the framing (`Content-Length` or `Transfer-Encoding: chunked`) and
 * `Connection: close` when the connection is to close; HEAD, 204 and 304 responses go
 * without a body.
 *
 * @example
 * ```ts
 * import type { HttpHandler } from '@curio/http';
 * const count: HttpHandler = function* (_req, res) {
 *   yield* res.start(200, { 'content-type': 'text/plain' });   // chunked: no content-length given
 *   for (let i = 0; i < 3; i++) yield* res.write(`line ${i}\n`);
 *   yield* res.end({ 'x-lines': '3' });                        // trailers
 * };
 * ```
 */
export interface HttpResponse {
  /** True once the status line and headers have been sent (or queued to send). */
  readonly headersSent: boolean;
  /** True once the response is complete. */
  readonly finished: boolean;
  /**
   * Sends the whole response: `status`, `headers` and `body` (a string is sent as UTF-8)
   * with its `Content-Length`, in one write.
   */
  send(status: number, body?: string | Uint8Array, headers?: OutgoingHeaders): Operation<void>;
  /**
   * Sends the status and headers of a response whose body follows with
   * {@link HttpResponse.write}. With a `content-length` header the body must be exactly that
   * long; without one it is chunked (for an HTTP/1.0 client: ended by closing the connection).
   */
  start(status: number, headers?: OutgoingHeaders): Operation<void>;
  /** Sends a piece of the body; returns once the connection has taken it (backpressure). */
  write(chunk: string | Uint8Array): Operation<void>;
  /** Ends the body, with `trailers` for a chunked one. */
  end(trailers?: OutgoingHeaders): Operation<void>;
}

/**
 * A request handler: a generator function given the request and the response, run in the
 * connection's task. It must respond (a handler that returns without a response gets a 500).
 * An {@link HttpError} it throws is answered with its status; anything else with 500 and a
 * crash report; once the response has started, a failure closes the connection.
 *
 * @example
 * ```ts
 * import { serveHttp, type HttpHandler } from '@curio/http';
 * const echo: HttpHandler = function* (req, res) {
 *   const body = yield* req.body.readAll();
 *   yield* res.send(200, body, { 'content-type': req.headers.get('content-type') ?? 'application/octet-stream' });
 * };
 * yield* serveHttp('127.0.0.1', 8080, echo);
 * ```
 */
export type HttpHandler = (req: HttpRequest, res: HttpResponse) => Operation<unknown>;

/**
 * Options of `serveHttp`. The timeouts and limits are named and defaulted as Node's
 * `http.createServer` options where Node has them.
 *
 * @example
 * ```ts
 * import { HttpServerStats, type ServeHttpOptions } from '@curio/http';
 * const stats = new HttpServerStats();
 * const options: ServeHttpOptions = {
 *   keepAliveTimeout: 5000, headersTimeout: 10_000, maxBodySize: 64 * 1024, drainTimeout: 5000, stats,
 *   onListening: ({ host, port }) => console.log(`listening on http://${host}:${port}/`),
 * };
 * ```
 */
export interface ServeHttpOptions {
  /** How long an idle keep-alive connection waits for its next request, in ms (default 5000). */
  keepAliveTimeout?: number;
  /** How long a client may take from a request's first byte to the end of its head, in ms (default 60 000); then 408 and close. */
  headersTimeout?: number;
  /** How long a client may take to send a whole request, body included, in ms (default 300 000); then 408 and close. */
  requestTimeout?: number;
  /** The most bytes in a request head (default 16 KiB); more is a 431. */
  maxHeaderSize?: number;
  /** The most header fields in a request head (default 100); more is a 431. */
  maxHeaders?: number;
  /** The most bytes in a request body (default 1 MiB); more is a 413. Also `req.body.readAll()`'s default limit. */
  maxBodySize?: number;
  /** The most requests served on one connection (default 0: no limit); the last gets `Connection: close`. */
  maxRequestsPerSocket?: number;
  /** The most connections served at once (default no limit); more are closed when accepted. */
  maxConnections?: number;
  /** On cancellation: how long requests in flight may take to finish, in ms (default 10 000); then they are cancelled. */
  drainTimeout?: number;
  /** Serve https: a server-side context from `@curio/ssl`. Its ALPN protocols are set to `['http/1.1']`, the one protocol served. */
  ssl?: SSLContext;
  /** With `ssl`: the longest a TLS handshake may take, in ms (default 10 000). */
  handshakeTimeout?: number;
  /** Called once the server listens, with its address (the real port when port 0 was asked for). */
  onListening?: (address: { host: string; port: number }) => void;
  /** Counters the server keeps up to date: handlers running, connections open, requests handled. */
  stats?: HttpServerStats;
}

