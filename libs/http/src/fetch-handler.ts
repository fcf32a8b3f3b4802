/**
 * {@link fetchHandler}: serves a web-standard fetch handler (`(Request) => Response`, the
 * shape Hono, itty-router and the like export as `app.fetch`) through `serveHttp`, unchanged.
 * @packageDocumentation
 */
import { CancelledError, awaitPromise, describeValue, park, spawn, type Operation, type Waker } from '@curio/kernel';
import type { HttpBody } from './body.js';
import { HttpError } from './errors.js';
import type { OutgoingHeader } from './serializer.js';
import type { HttpHandler, HttpRequest, HttpResponse } from './server/types.js';

/**
 * A web-standard request handler: given a `Request`, it answers with a `Response` or a
 * promise of one.
 *
 * @example
 * ```ts
 * import type { FetchFunction } from '@curio/http';
 * const hello: FetchFunction = (request) => new Response(`hello from ${new URL(request.url).pathname}\n`);
 * ```
 */
export type FetchFunction = (request: Request) => Response | Promise<Response>;

/**
 * Adapts a web-standard fetch handler into an {@link HttpHandler} for `serveHttp`. Each
 * request becomes a `Request`:
 * - its URL is absolute, `http://` (`https://` over TLS) + the `Host` header + the request-target;
 * - its body is a `ReadableStream` that reads from the connection only as the handler reads
 *   it (backpressure), and there is none for GET and HEAD;
 * - its `signal` is aborted when the request's task is cancelled (the client went away, or
 *   the server's drain ran out of time) or fails.
 *
 * The `Response` is written with its status and headers (each `Set-Cookie` on its own
 * line), its body streamed from `response.body` chunk by chunk; a body that is complete at
 * once (a string, bytes, JSON) is sent whole with `Content-Length` instead of chunked. A
 * handler that throws or rejects fails the request (500 and a crash report from the server,
 * as any handler); a request body the server refused (over `maxBodySize`: 413) is answered
 * with that error, whatever the handler made of it.
 *
 * @example
 * ```ts
 * import { fetchHandler, serveHttp } from '@curio/http';
 * import { Hono } from 'hono';
 * const app = new Hono();
 * app.get('/users/:id', (c) => c.json({ id: c.req.param('id') }));
 * yield* serveHttp('127.0.0.1', 8080, fetchHandler(app.fetch));
 * ```
 * @throws TypeError (when called) if `fn` is not a function; when serving, if `fn` gives
 * something other than a `Response`.
 */
export function fetchHandler(fn: FetchFunction): HttpHandler {
  if (typeof fn !== 'function') throw new TypeError(`fetchHandler(): expected a function (request: Request) => Response, got ${describeValue(fn)}`);
  return function* fetchRequest(req: HttpRequest, res: HttpResponse): Operation<void> {
    const aborter = new AbortController();
    const body = hasBody(req) ? new RequestBodyStream(req.body) : null;
    const pump = body === null ? null : yield* spawn.with({ name: 'fetchRequestBody' })(body.pump());
    try {
      if (FORBIDDEN_METHODS.has(req.method.toUpperCase())) throw new HttpError(501, `fetchHandler(): a web Request cannot have the method ${req.method}`);
      const request = new Request(requestUrl(req), {
        method: req.method,
        headers: req.headers.raw as [string, string][],
        body: body?.stream ?? null,
        signal: aborter.signal,
        // Node requires it for a streamed body: the request is sent while the response may start.
        duplex: 'half',
      } as RequestInit);
      const response = yield* awaitPromise(fn(request));
      if (!(response instanceof Response)) throw new TypeError(`fetchHandler(): the handler must give a Response, got ${describeValue(response)}`);
      if (body?.refusal !== undefined) throw body.refusal;
      yield* writeResponse(response, res);
    } catch (error) {
      // Cancelled (the client went away) or failed: whatever the handler still runs should stop.
      aborter.abort(error);
      // A handler that failed because the body was refused: the refusal is the answer.
      throw body?.refusal !== undefined && !(error instanceof CancelledError) ? body.refusal : error;
    } finally {
      if (pump !== null) yield* pump.cancel();
    }
  };
}

/** Methods the Fetch standard forbids in a `Request` (its constructor throws for them). */
const FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);

/** GET and HEAD requests may not have a body in a `Request`; others only when one was sent. */
function hasBody(req: HttpRequest): boolean {
  return req.method !== 'GET' && req.method !== 'HEAD' && !req.body.done;
}

/**
 * The request's absolute URL: the target when it is absolute already, else the scheme, the
 * Host header (HTTP/1.0 may go without: then the loopback address) and the target.
 * @throws HttpError 400 when they make no URL (a Host that is not an authority).
 */
function requestUrl(req: HttpRequest): string {
  const target = req.target.startsWith('/') ? req.target : req.target === '*' ? '/*' : null;
  if (target === null) return req.target;
  const host = req.headers.get('host') ?? '127.0.0.1';
  try {
    return new URL(`${req.secure ? 'https' : 'http'}://${host}${target}`).href;
  } catch {
    throw new HttpError(400, `the Host header ${JSON.stringify(host)} and the target ${JSON.stringify(req.target)} make no URL`);
  }
}

/** A pull of the request body's stream, waiting for the pump to fill it. */
interface Pull {
  controller: ReadableStreamDefaultController<Uint8Array>;
  done: () => void;
}

/**
 * The request body as a web `ReadableStream`. The stream's reads happen in promise land,
 * the body's reads are operations: a task (`pump`) waits for each pull of the stream and
 * answers it with one `read()` of the body, so nothing is read from the connection before
 * the handler asks for it.
 */
class RequestBodyStream {
  readonly stream: ReadableStream<Uint8Array>;
  /** Why the server refused the body, if it did (an HttpError: 413 past `maxBodySize`, 400 for a bad chunk). */
  refusal: HttpError | undefined = undefined;
  private pending: Pull | null = null;
  private cancelled = false;
  private waiter: Waker<void> | null = null;

  constructor(private readonly body: HttpBody) {
    this.stream = new ReadableStream<Uint8Array>(
      {
        pull: (controller) =>
          new Promise<void>((done) => {
            this.pending = { controller, done };
            this.waiter?.wake();
          }),
        cancel: () => {
          this.cancelled = true;
          this.waiter?.wake();
        },
      },
      // Pulled only when the handler reads: no read-ahead from the connection.
      { highWaterMark: 0 },
    );
  }

  /** Answers each pull with a piece of the body until its end, a failure or the stream's cancel. */
  *pump(): Operation<void> {
    try {
      for (;;) {
        const pull = yield* this.nextPull();
        if (pull === null) return;
        let piece: Uint8Array | null;
        try {
          piece = yield* this.body.read();
        } catch (error) {
          if (error instanceof HttpError) this.refusal = error;
          // The handler's read rejects with it; the pump itself ends quietly (its task is no crash).
          this.pending = null;
          pull.controller.error(error);
          pull.done();
          if (error instanceof CancelledError) throw error;
          return;
        }
        this.pending = null;
        // The handler may have cancelled the stream while the piece was on its way: then drop it.
        if (this.cancelled) return;
        if (piece === null) pull.controller.close();
        else pull.controller.enqueue(piece);
        pull.done();
        if (piece === null) return;
      }
    } finally {
      // The request is over (or the pump cancelled with it): a read still waiting gets an error, not a hang.
      const pull = this.pending;
      this.pending = null;
      if (pull !== null) {
        pull.controller.error(new Error('fetchHandler(): the request is over; its body can no longer be read'));
        pull.done();
      }
    }
  }

  /** The next pull of the stream, once there is one; `null` once the stream was cancelled. */
  private *nextPull(): Operation<Pull | null> {
    while (this.pending === null && !this.cancelled) {
      yield* park<void>('FUTURE_WAIT', (waker) => {
        this.waiter = waker;
        return () => (this.waiter = null);
      });
      this.waiter = null;
    }
    return this.cancelled ? null : this.pending;
  }
}

/** The response's header fields for `res`: in order, each Set-Cookie apart, the framing left to the server. */
function responseHeaders(response: Response, withLength: boolean): OutgoingHeader[] {
  const fields: OutgoingHeader[] = [];
  // Iterating Headers gives each Set-Cookie on its own (the Fetch standard never joins them).
  for (const [name, value] of response.headers) {
    if (name === 'transfer-encoding' || (name === 'content-length' && !withLength)) continue;
    fields.push([name, value]);
  }
  return fields;
}

/**
 * Writes `response` to `res`. A body that is complete when its first piece is read goes
 * whole, with Content-Length; any other is streamed as the reader gives it (chunked, unless
 * the response set a Content-Length), each piece written before the next is read.
 */
function* writeResponse(response: Response, res: HttpResponse): Operation<void> {
  if (response.type === 'error') throw new TypeError('fetchHandler(): the handler gave Response.error(), a network error, not a response');
  if (response.body === null) return yield* res.send(response.status, undefined, responseHeaders(response, false));
  const reader = response.body.getReader();
  try {
    const first = yield* awaitPromise(reader.read());
    if (first.done) return yield* res.send(response.status, EMPTY, responseHeaders(response, false));
    let next = reader.read();
    if (yield* endsAtOnce(next)) return yield* res.send(response.status, first.value, responseHeaders(response, false));
    yield* res.start(response.status, responseHeaders(response, true));
    yield* res.write(first.value);
    for (let piece = yield* awaitPromise(next); !piece.done; piece = yield* awaitPromise(next)) {
      yield* res.write(piece.value);
      next = reader.read();
    }
    yield* res.end();
  } catch (error) {
    // Cancelled or failed midway: tell the body's source (a stream the handler still feeds) why it should stop.
    reader.cancel(error).catch(() => {});
    throw error;
  }
}

const EMPTY = new Uint8Array(0);

/**
 * Whether `read` is the end of the body, known at once: a body made from a string or bytes
 * is queued whole and closed, so its second read settles within the current turn of the
 * event loop; a streamed one is still being produced then.
 */
function* endsAtOnce(read: Promise<{ done: boolean }>): Operation<boolean> {
  const later = new Promise<false>((resolve) => setImmediate(resolve, false));
  return yield* awaitPromise(Promise.race([read.then((result) => result.done), later]));
}
