/**
 * The error the HTTP parser raises for a request it will not accept.
 * @packageDocumentation
 */

/**
 * The statuses a rejected request gets: malformed (400), body too large (413), head too
 * large (431), a transfer coding the server does not decode (501, "Not Implemented"), an HTTP
 * version it does not speak (505).
 *
 * @example
 * ```ts
 * import type { HttpParseErrorStatus } from '@curio/http';
 * const reasons: Record<HttpParseErrorStatus, string> = { 400: 'Bad Request', 413: 'Content Too Large', 431: 'Request Header Fields Too Large', 501: 'Not Implemented', 505: 'HTTP Version Not Supported' };
 * ```
 */
export type HttpParseErrorStatus = 400 | 413 | 431 | 501 | 505;

/**
 * A request the parser rejects: `status` is the response to send, the message names the
 * problem. The connection can no longer be trusted to be in step (the framing is unknown),
 * so answer with `status` and close it.
 *
 * @example
 * ```ts
 * import { HttpParseError, RequestParser } from '@curio/http';
 * const parser = new RequestParser();
 * parser.feed(new TextEncoder().encode('GET / HTTP/1.1\r\nHost : x\r\n\r\n'));
 * try { parser.next(); } catch (e) {
 *   if (e instanceof HttpParseError) console.log(e.status, e.message); // 400 whitespace before the colon ...
 *   else throw e;
 * }
 * ```
 */
export class HttpParseError extends Error {
  /** The status to answer with before closing the connection. */
  readonly status: HttpParseErrorStatus;

  constructor(status: HttpParseErrorStatus, message: string) {
    super(message);
    this.name = 'HttpParseError';
    this.status = status;
  }
}
