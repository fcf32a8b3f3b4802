/**
 * One HTTP/1.1 connection on the server side: reads requests with a RequestParser, runs the
 * handler for each in turn (so pipelined requests are answered in order), writes each
 * response with a ResponseWriter, and closes on a rejected request, a timeout, `Connection:
 * close` or `maxRequestsPerSocket`. The first step towards `serveHttp`: not exported yet,
 * and bodies are buffered whole (streaming comes with the public handler API).
 * @internal
 * @packageDocumentation
 */
import { Buffer } from 'node:buffer';
import { CancelledError, clock, timeoutAt, TaskTimeout, type Operation } from '@curio/kernel';
import type { Socket } from '@curio/io';
import { HttpParseError } from './errors.js';
import { RequestParser, type HeaderField, type ParserLimits, type RequestEvent } from './parser.js';
import { ResponseWriter, type OutgoingHeader } from './serializer.js';

/** @internal */
export interface ConnectionOptions extends ParserLimits {
  /** How long an idle keep-alive connection waits for the next request, in ms (default 5000, as Node). */
  keepAliveTimeout?: number;
  /** How long a client may take from a request's first byte to the end of its head, in ms (default 60 000, as Node); then 408. */
  headersTimeout?: number;
  /** How long a client may take to send a whole request, in ms (default 300 000, as Node); then 408. */
  requestTimeout?: number;
  /** The most requests served on one connection; the last is answered with `Connection: close` (default no limit). */
  maxRequestsPerSocket?: number;
}

/** @internal A request with its whole body. */
export interface BufferedRequest {
  head: RequestEvent;
  body: Buffer;
  trailers: HeaderField[];
}

/** @internal */
export interface BufferedResponse {
  status: number;
  headers?: OutgoingHeader[];
  body?: Uint8Array;
}

/** @internal */
export type BufferedHandler = (request: BufferedRequest) => Operation<BufferedResponse>;

const READ_SIZE = 64 * 1024;
const CONTINUE = Buffer.from('HTTP/1.1 100 Continue\r\n\r\n', 'latin1');

/** Why a read stopped: the peer went quiet between requests (close without a word), or mid-request (408). */
class ReadTimeout extends Error {
  constructor(readonly idle: boolean) {
    super(idle ? 'keep-alive timeout' : 'request timeout');
  }
}

/** Serves requests on `sock` until the connection is to close; the caller closes the socket. @internal */
export function* serveConnection(sock: Socket, handler: BufferedHandler, options: ConnectionOptions = {}): Operation<void> {
  const parser = new RequestParser(options);
  const maxRequests = options.maxRequestsPerSocket ?? Infinity;
  for (let served = 1; ; served++) {
    let request: BufferedRequest | null;
    try {
      request = yield* readRequest(sock, parser, options);
    } catch (e) {
      if (e instanceof HttpParseError) yield* sendError(sock, e.status, e.message);
      else if (e instanceof ReadTimeout) { if (!e.idle) yield* sendError(sock, 408, 'the request took longer than its timeout'); }
      else throw e;
      return;
    }
    if (request === null) return;
    let response: BufferedResponse;
    try {
      response = yield* handler(request);
    } catch (e) {
      // The client gets a 500, and the error goes on to the server's onClientError (by
      // default the crash reporter): the connection closes, the server serves on.
      if (!(e instanceof CancelledError)) yield* sendError(sock, 500, 'internal server error');
      throw e;
    }
    const writer = new ResponseWriter(request.head);
    const body = response.body ?? new Uint8Array(0);
    const close = !request.head.keepAlive || served >= maxRequests;
    yield* sock.sendall(Buffer.concat([
      writer.head(response.status, response.headers ?? [], { contentLength: body.length, close }),
      ...writer.data(body),
      writer.end(),
    ]));
    if (writer.mustClose) return;
  }
}

function* sendError(sock: Socket, status: number, message: string): Operation<void> {
  const writer = new ResponseWriter({ method: 'GET', version: '1.1' });
  const body = Buffer.from(`${message}\n`, 'latin1');
  yield* sock.sendall(Buffer.concat([writer.head(status, [['Content-Type', 'text/plain']], { contentLength: body.length, close: true }), body]));
}

/** Reads the next whole request, or null when the peer closed between requests. */
function* readRequest(sock: Socket, parser: RequestParser, options: ConnectionOptions): Operation<BufferedRequest | null> {
  let head: RequestEvent | undefined;
  const body: Buffer[] = [];
  let headDeadline = Infinity;
  let requestDeadline = Infinity;
  for (;;) {
    const event = parser.next();
    if (event === null) {
      if (parser.idle && head === undefined) {
        const data = yield* receive(sock, (yield* clock()) + (options.keepAliveTimeout ?? 5000), true);
        if (data.length === 0) return null;
        parser.feed(data);
        const now = yield* clock();
        headDeadline = now + (options.headersTimeout ?? 60_000);
        requestDeadline = now + (options.requestTimeout ?? 300_000);
        continue;
      }
      const data = yield* receive(sock, head === undefined ? Math.min(headDeadline, requestDeadline) : requestDeadline, false);
      if (data.length === 0) parser.end();
      else parser.feed(data);
      continue;
    }
    switch (event.type) {
      case 'request':
        head = event;
        if (event.expectContinue) yield* sock.sendall(CONTINUE);
        break;
      case 'data':
        body.push(Buffer.from(event.data));
        break;
      case 'end':
        return { head: head!, body: Buffer.concat(body), trailers: event.trailers };
    }
  }
}

function* receive(sock: Socket, deadline: number, idle: boolean): Operation<Buffer> {
  try {
    return yield* timeoutAt(deadline === Infinity ? null : deadline, sock.recv(READ_SIZE));
  } catch (e) {
    if (e instanceof TaskTimeout) throw new ReadTimeout(idle);
    throw e;
  }
}
