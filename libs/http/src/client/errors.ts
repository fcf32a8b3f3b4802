/**
 * {@link HttpClientError}: why a request made no exchange, or a response body was cut off.
 * @packageDocumentation
 */
import { IOError } from '@curio/io';
import { HttpError } from '../errors.js';

/**
 * A request that failed on the way: the connection was refused or reset, TLS failed, the
 * server closed the connection before answering or in the middle of a body, sent something
 * that is not valid HTTP/1.1, or went quiet past `headersTimeout` / `bodyTimeout`. The
 * message starts with the method and URL and names the problem; `cause` holds the error
 * underneath (an `IOError` with its `code`, an `SSLError`, an `HttpParseError`). A status
 * the server did answer with is not an error: see `HttpClientResponse.status`.
 * Cancellation (and `timeoutAfter`'s `TaskTimeout`) is never wrapped.
 *
 * @example
 * ```ts
 * import * as http from '@curio/http';
 * try {
 *   yield* http.request('GET', 'http://127.0.0.1:9/');
 * } catch (e) {
 *   if (e instanceof http.HttpClientError) console.error(e.message); // GET http://127.0.0.1:9/: connection refused (ECONNREFUSED)
 *   else throw e;
 * }
 * ```
 */
export class HttpClientError extends Error {
  /** The request's method. */
  readonly method: string;
  /** The request's URL. */
  readonly url: string;

  constructor(method: string, url: string, problem: string, options?: { cause?: unknown }) {
    super(`${method} ${url}: ${problem}`, options);
    this.name = 'HttpClientError';
    this.method = method;
    this.url = url;
  }
}

/** What went wrong, in words, for an error met while talking to the server. @internal */
export function describeFailure(error: unknown): string {
  if (error instanceof IOError) {
    switch (error.code) {
      case 'ECONNREFUSED': return 'connection refused (ECONNREFUSED)';
      case 'ECONNRESET': return 'the connection was reset by the server (ECONNRESET)';
      case 'EPIPE': return 'the server closed the connection while the request was being sent (EPIPE)';
      case 'ENOTFOUND': case 'EAI_AGAIN': return `the host name did not resolve (${error.code})`;
      default: return error.message;
    }
  }
  if (error instanceof HttpError) return `invalid response: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
