/**
 * The errors of `@curio/http`: {@link HttpError}, an error with the status to answer with,
 * and {@link HttpParseError}, the one the parser raises for a request it will not accept.
 * @packageDocumentation
 */
import { describeValue } from '@curio/kernel';

/**
 * An error that carries the HTTP status it stands for. Body reads throw it past their limit
 * (413) or for a body that is not what was asked for (400 for bad JSON); a handler may throw
 * it too. The server answers a handler's `HttpError` with its status and message (when no
 * response has been started) and does not report it as a crash: it is the client's fault.
 *
 * @example
 * ```ts
 * import { HttpError, type HttpHandler } from '@curio/http';
 * const handler: HttpHandler = function* (req, res) {
 *   if (req.headers.get('authorization') === undefined) throw new HttpError(401, 'no Authorization header');
 *   yield* res.send(200, 'welcome\n');
 * };
 * ```
 */
export class HttpError extends Error {
  /** The status to answer with (400 to 599). */
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    if (!Number.isInteger(status) || status < 400 || status > 599) throw new RangeError(`HttpError: status must be an integer from 400 to 599, got ${describeValue(status)}`);
    this.name = 'HttpError';
    this.status = status;
  }
}

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
export class HttpParseError extends HttpError {
  /** The status to answer with before closing the connection. */
  declare readonly status: HttpParseErrorStatus;

  constructor(status: HttpParseErrorStatus, message: string) {
    super(status, message);
    this.name = 'HttpParseError';
  }
}
