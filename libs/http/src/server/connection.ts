/**
 * {@link HttpConnection}: one HTTP/1.1 connection on the server side. It reads each request
 * head with a {@link RequestParser}, runs the handler for it in the connection's task (so
 * pipelined requests are answered in order), gives the handler the body as it arrives, and
 * closes on a rejected request, a timeout, `Connection: close`, `maxRequestsPerSocket` or a
 * drain. It is the {@link BodySource} of its requests' bodies and the channel their
 * responses are written to.
 * @packageDocumentation
 * @internal
 */
import { Buffer } from 'node:buffer';
import { CancelledError, currentTask, ignoreAt, reportCrashToStderr, type Operation, type Task } from '@curio/kernel';
import { IOError, IPPROTO_TCP, SHUT_RD, TCP_NODELAY, type Socket } from '@curio/io';
import { HttpBody, type BodySource } from '../body.js';
import { HttpError } from '../errors.js';
import { HttpHeaders } from '../headers.js';
import { RequestParser, type RequestEvent } from '../parser.js';
import { ResponseWriter, type OutgoingHeader } from '../serializer.js';
import { httpDate } from './date.js';
import { ServerRequest } from './request.js';
import { ServerResponse, type ResponseChannel } from './response.js';
import type { DrainableConnection, ServerState } from './state.js';
import { watched, type Watchable } from './watch.js';

const READ_SIZE = 64 * 1024;
const EMPTY = Buffer.alloc(0);
const CONTINUE = new ResponseWriter({ method: 'POST', version: '1.1' }).informational(100);
const TEXT_PLAIN: OutgoingHeader[] = [['Content-Type', 'text/plain']];
/** A body the handler left unread is read and dropped up to this many bytes to keep the connection; a longer one closes it. */
const DISCARD_LIMIT = 64 * 1024;
/** How far the watcher reads ahead into pipelined requests; past it, it stops (and so does seeing the client go). */
const WATCH_LIMIT = 64 * 1024;

/** @internal The client's address as `HttpRequest.remoteAddress` gives it. */
export interface RemoteAddress {
  readonly host: string;
  readonly port: number;
}

/** @internal Serves one accepted connection until it is to close; the caller (tcpServer) closes the socket. */
export class HttpConnection implements BodySource, ResponseChannel, Watchable, DrainableConnection {
  trailers: HttpHeaders = HttpHeaders.EMPTY;
  private readonly sock: Socket;
  private readonly remote: RemoteAddress;
  private readonly server: ServerState;
  private readonly parser: RequestParser;
  private task: Task | null = null;
  /** The request being answered. */
  private head: RequestEvent | null = null;
  private served = 0;
  private bodyDone = true;
  private bodyReceived = 0;
  /** The client sent `Expect: 100-continue` and has had neither a 100 nor the final response. */
  private continueDue = false;
  private requestDeadline = Infinity;
  /** No request may follow: the parser failed, or the client ended its side or went away. */
  private broken = false;
  /** The socket failed under a send or a receive: the client is gone, there is no one to answer. */
  private lost = false;
  /** Waiting for a next request with nothing of it received: closing now loses nothing. */
  private idle = false;

  constructor(sock: Socket, remote: RemoteAddress, server: ServerState) {
    this.sock = sock;
    this.remote = remote;
    this.server = server;
    this.parser = new RequestParser(server.limits);
  }

  /** Serves requests until the connection is to close. */
  *serve(): Operation<void> {
    this.task = yield* currentTask();
    // As node:http: responses are written whole, so Nagle's algorithm would only delay them.
    this.sock.setsockopt(IPPROTO_TCP, TCP_NODELAY, 1);
    this.server.add(this);
    try {
      for (;;) {
        let head: RequestEvent | null;
        try {
          head = yield* this.readHead();
        } catch (e) {
          if (!(e instanceof HttpError) || this.lost) throw e;
          yield* this.sendError(e);
          return;
        }
        if (head === null || !(yield* this.exchange(head))) return;
      }
    } finally {
      this.server.remove(this);
    }
  }

  // ---------------------------------------------------------------- requests

  /** The next request's head, or null when the connection is to close quietly (the client closed, went idle too long, or the server drains). */
  private *readHead(): Operation<RequestEvent | null> {
    const { parser, server } = this;
    const limits = server.limits;
    let headDeadline = Infinity;
    if (!parser.idle) headDeadline = this.startClock();
    for (;;) {
      // Only a head can come here: the body events of the previous request were all taken.
      const head = parser.next() as RequestEvent | null;
      if (head !== null) {
        this.begin(head);
        return head;
      }
      if (parser.idle) {
        if (server.draining || this.broken) return null;
        let data: Buffer | null;
        this.idle = true;
        try {
          data = yield* this.receive(this.now() + limits.keepAliveTimeout);
        } catch (e) {
          // Reset between requests (as browsers and load generators do): nothing is lost, nothing to report.
          if (e instanceof IOError) return null;
          throw e;
        } finally {
          this.idle = false;
        }
        // Idle too long, or closed between requests.
        if (data === null || data.length === 0) return null;
        parser.feed(data);
        headDeadline = this.startClock();
        continue;
      }
      const data = yield* this.receive(Math.min(headDeadline, this.requestDeadline));
      if (data === null) throw new HttpError(408, `the request head took longer than headersTimeout (${limits.headersTimeout} ms)`);
      if (data.length === 0) parser.end();
      else parser.feed(data);
    }
  }

  /** A request's first bytes are here: its timeouts start. Returns the head's deadline. */
  private startClock(): number {
    const now = this.now();
    this.requestDeadline = now + this.server.limits.requestTimeout;
    return now + this.server.limits.headersTimeout;
  }

  private begin(head: RequestEvent): void {
    this.head = head;
    this.served++;
    this.bodyReceived = 0;
    this.trailers = HttpHeaders.EMPTY;
    this.bodyDone = head.framing === 'none' || head.contentLength === 0;
    // A request without a body ends at once: take its end event now.
    if (this.bodyDone) this.parser.next();
    this.continueDue = head.expectContinue && !this.bodyDone;
  }

  /** Runs the handler for `head`; true if the connection may serve another request. */
  private *exchange(head: RequestEvent): Operation<boolean> {
    const { server } = this;
    const { stats } = server;
    const body = new HttpBody(this, this.bodyDone ? 0 : head.contentLength, server.limits.maxBodySize);
    const res = new ServerResponse(this, head);
    stats.requests++;
    stats.inFlight++;
    let failure: unknown = null;
    try {
      const op = server.handler(new ServerRequest(head, body, this.remote, server.secure), res);
      if (typeof op !== 'object' || op === null || typeof op.next !== 'function') {
        throw new TypeError('serveHttp(): the handler must be a generator function (function*) returning an Operation');
      }
      yield* watched(op, this);
      if (!res.finished) failure = new Error(`the handler for ${head.method} ${head.target} returned ${res.headersSent ? 'before ending its response' : 'without responding'}`);
    } catch (e) {
      if (e instanceof CancelledError) throw e;
      failure = e;
    } finally {
      stats.inFlight--;
      body._detach();
    }
    if (failure !== null) return yield* this.handlerFailed(head, res, failure);
    return !res.closes && (yield* this.discardBody());
  }

  /**
   * A handler failed (or left its response unfinished): a crash report unless it threw an
   * {@link HttpError}, then its status (or 500) if no response was started, else the
   * connection closes (the response cannot be completed).
   */
  private *handlerFailed(head: RequestEvent, res: ServerResponse, error: unknown): Operation<boolean> {
    // The client is gone: nobody to answer; tcpServer reports the socket's error in one line.
    if (this.lost) throw error;
    const known = error instanceof HttpError;
    if (!known) this.report(head, error);
    if (res.headersSent && !res.abandonUnsent()) return false;
    yield* res.send(known ? error.status : 500, `${known ? error.message : 'internal server error'}\n`, TEXT_PLAIN);
    return !res.closes && (yield* this.discardBody());
  }

  /** To the kernel's crash reporter when one was installed (logcrash: a pino record), else stderr; as tcpServer reports a failed client. */
  private report(head: RequestEvent, error: unknown): void {
    const task = this.task!;
    const reporter = task.kernel.crashReporter;
    if (reporter !== null && reporter !== reportCrashToStderr) reporter(task, error);
    else console.error(`serveHttp: the handler for ${head.method} ${head.target} (client ${this.remote.host}:${this.remote.port}) failed:`, error);
  }

  /** Reads and drops what the handler left of the body, up to a limit; true if the connection is still in step for a next request. */
  private *discardBody(): Operation<boolean> {
    let dropped = 0;
    try {
      while (!this.bodyDone) {
        const piece = yield* this.readBody();
        if (piece === null) break;
        dropped += piece.length;
        if (dropped > DISCARD_LIMIT) return false;
      }
    } catch (e) {
      if (e instanceof HttpError) return false;
      throw e;
    }
    return !this.broken;
  }

  // ---------------------------------------------------------------- BodySource

  *readBody(): Operation<Uint8Array | null> {
    if (this.bodyDone) return null;
    if (this.continueDue) {
      // Sent on the first read, as the client waits for it before sending the body (send clears continueDue).
      yield* this.send(CONTINUE);
    }
    const { parser } = this;
    for (;;) {
      let event;
      try {
        event = parser.next();
      } catch (e) {
        this.broken = true;
        throw e;
      }
      if (event === null) {
        yield* this.receiveBody();
      } else if (event.type === 'data') {
        this.bodyReceived += event.data.length;
        return event.data;
      } else {
        // The end of the body (a next request's head cannot come before it).
        this.bodyDone = true;
        if (event.type === 'end' && event.trailers.length > 0) this.trailers = new HttpHeaders(event.trailers);
        return null;
      }
    }
  }

  private *receiveBody(): Operation<void> {
    const data = yield* this.receive(this.requestDeadline);
    if (data === null) {
      this.broken = true;
      throw new HttpError(408, `the request took longer than requestTimeout (${this.server.limits.requestTimeout} ms)`);
    }
    if (data.length === 0) this.parser.end();
    else this.parser.feed(data);
  }

  // ---------------------------------------------------------------- ResponseChannel

  *send(data: Uint8Array): Operation<void> {
    // Whatever goes out now (the 100 itself, or the final response) takes the place of a 100 Continue still due.
    this.continueDue = false;
    try {
      yield* this.sock.sendall(data);
    } catch (e) {
      if (e instanceof IOError) this.lost = this.broken = true;
      throw e;
    }
  }

  closeAfterResponse(): boolean {
    const head = this.head!;
    const close = !head.keepAlive || this.broken || this.server.draining || this.served >= this.server.limits.maxRequestsPerSocket ||
      // A body left unread that cannot be skipped: never asked for (the client may be waiting for a 100), or too long.
      (!this.bodyDone && (this.continueDue || (head.contentLength !== undefined && head.contentLength - this.bodyReceived > DISCARD_LIMIT)));
    return close;
  }

  // ---------------------------------------------------------------- Watchable

  get watchable(): boolean {
    return this.bodyDone && !this.broken;
  }

  startWatcher(): Task {
    const owner = this.task!;
    return owner.kernel.spawnTask(watchClient, [this, owner], { name: 'serveHttp watcher' }, owner);
  }

  /** @internal The watcher's work: read on until the client ends (then cancel `owner`) or a limit of read-ahead. */
  *watch(owner: Task): Operation<void> {
    for (let ahead = 0; ahead < WATCH_LIMIT; ) {
      let data: Buffer;
      try {
        data = yield* this.sock.recv(READ_SIZE);
      } catch (e) {
        if (!(e instanceof IOError)) throw e;
        data = EMPTY;
      }
      if (data.length === 0) {
        // As node:http (without allowHalfOpen): a client that ends its side has gone.
        this.broken = this.lost = true;
        yield* owner.cancel({ blocking: false });
        return;
      }
      this.parser.feed(data);
      ahead += data.length;
    }
  }

  // ---------------------------------------------------------------- DrainableConnection

  closeIfIdle(): void {
    // The waiting receive sees the end of stream and the connection closes.
    if (this.idle && !this.sock.closed) this.sock.shutdown(SHUT_RD);
  }

  // ---------------------------------------------------------------- helpers

  private now(): number {
    return this.task!.kernel.clock.now();
  }

  /** The next bytes from the client (empty at its end), or null if `deadline` (on the kernel clock) passed first. */
  private *receive(deadline: number): Operation<Buffer | null> {
    try {
      if (deadline === Infinity) return yield* this.sock.recv(READ_SIZE);
      return yield* ignoreAt(deadline, this.sock.recv(READ_SIZE), { timeoutResult: null });
    } catch (e) {
      if (e instanceof IOError) this.lost = this.broken = true;
      throw e;
    }
  }

  /** Answers a request that was refused before reaching a handler (bad, too large, too slow), and closes. */
  private *sendError(error: HttpError): Operation<void> {
    const writer = new ResponseWriter({ method: 'GET', version: '1.1' });
    const body = Buffer.from(`${error.message}\n`, 'latin1');
    yield* this.send(Buffer.concat([writer.head(error.status, TEXT_PLAIN, { contentLength: body.length, close: true, date: httpDate() }), body]));
  }
}

function* watchClient(conn: HttpConnection, owner: Task): Operation<void> {
  yield* conn.watch(owner);
}
