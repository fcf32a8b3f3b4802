/**
 * The HTTP/1.1 client: {@link HttpClient}, with a keep-alive pool per origin, and
 * {@link request}, one request on a connection of its own.
 * @packageDocumentation
 */
import { Buffer } from 'node:buffer';
import { CancelledError, type Operation, describeValue } from '@curio/kernel';
import { IPPROTO_TCP, openConnection, TCP_NODELAY } from '@curio/io';
import { createDefaultContext, type SSLContext } from '@curio/ssl';
import { headerList, type OutgoingHeaders } from '../headers.js';
import type { ParserLimits } from '../message-parser.js';
import type { OutgoingHeader } from '../serializer.js';
import { ClientConnection, ClosedBeforeResponse, isReset, within } from './connection.js';
import { describeFailure, HttpClientError } from './errors.js';
import { OriginPool } from './pool.js';
import { RequestWriter } from './request-writer.js';
import { HttpClientResponse } from './response.js';
import { parseTarget, type Target } from './target.js';

/**
 * A request body sent as it is produced, chunked: {@link HttpBody} is one (so a server can
 * pass a request's body on), and so is anything whose `read()` gives the next piece, or
 * `null` at the end.
 *
 * @example
 * ```ts
 * import { HttpClient, type BodyStream } from '@curio/http';
 * import { sleep } from '@curio/kernel';
 * let n = 0;
 * const ticks: BodyStream = { *read() { if (n === 3) return null; yield* sleep(100); return new TextEncoder().encode(`tick ${n++}\n`); } };
 * const client = new HttpClient();
 * const res = yield* client.request('POST', 'http://127.0.0.1:8080/echo', { body: ticks });
 * ```
 */
export interface BodyStream {
  read(): Operation<Uint8Array | null>;
}

/**
 * What a request may carry: a string (sent as UTF-8) or bytes, with a Content-Length; or an
 * iterable of pieces (an array, a generator of strings or bytes) or a {@link BodyStream}, sent
 * chunked as they come.
 *
 * @example
 * ```ts
 * import type { RequestBody } from '@curio/http';
 * const whole: RequestBody = '{"a":1}';
 * const pieces: RequestBody = (function* () { for (let i = 0; i < 3; i++) yield `line ${i}\n`; })();
 * ```
 */
export type RequestBody = string | Uint8Array | Iterable<string | Uint8Array> | BodyStream;

/**
 * The options of one request.
 *
 * @example
 * ```ts
 * import { HttpClient, type RequestOptions } from '@curio/http';
 * const options: RequestOptions = { headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ a: 1 }) };
 * const res = yield* new HttpClient().request('POST', 'http://127.0.0.1:8080/echo', options);
 * ```
 */
export interface RequestOptions {
  /** Header fields to send. A Host field is added from the URL unless given; never Content-Length or Transfer-Encoding (the body sets them). */
  headers?: OutgoingHeaders;
  /** The body (default none). */
  body?: RequestBody;
}

/**
 * The options of an {@link HttpClient} (and of {@link request}): how many connections, how long
 * they stay, TLS, and the limits and timeouts that keep a misbehaving server in check.
 *
 * @example
 * ```ts
 * import { HttpClient, type HttpClientOptions } from '@curio/http';
 * const options: HttpClientOptions = { maxConnectionsPerOrigin: 4, keepAliveTimeout: 2000, maxBodySize: 1 << 20, headersTimeout: 10_000 };
 * const client = new HttpClient(options);
 * ```
 */
export interface HttpClientOptions extends ParserLimits {
  /** The most connections open to one origin (scheme, host, port) at once; more requests wait for one (default 10). */
  maxConnectionsPerOrigin?: number;
  /** How long an idle connection is kept for the next request, in ms (default 4000: below common servers' 5 s, so the client closes first). */
  keepAliveTimeout?: number;
  /** The TLS context for https: URLs (default `createDefaultContext()`: the system's CAs, the host name checked). ALPN offers `http/1.1`. */
  ssl?: SSLContext;
  /** The longest a connection may take to open (TCP and TLS), in ms (default 10 000). */
  connectTimeout?: number;
  /** The longest the server may take, once the request has been sent, to send the response head, in ms (default 300 000). */
  headersTimeout?: number;
  /** The longest the server may go without taking a piece of the request body or sending one of the response body, in ms (default 300 000). */
  bodyTimeout?: number;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);
/** A body up to this size is sent in the same write as the head. */
const COALESCE = 16 * 1024;
/** The default TLS context of every client and request() without `ssl`: building one reads the system's CAs. */
let defaultContext: SSLContext | null = null;
const ALPN = ['http/1.1'];

/** A request body as given: known bytes (or none), or pieces read as they come. */
type Payload = { readonly bytes: Uint8Array | undefined } | { readonly next: () => Operation<Uint8Array | null> };

/**
 * A request serialized before anything is sent (so a bad method or header is refused before
 * connecting): whole, as the pieces to write (which can be sent again), or its head and the
 * writer that frames the pieces of its streamed body (sent once).
 */
type Message = { readonly whole: readonly Uint8Array[] } | { readonly head: Uint8Array; readonly writer: RequestWriter; readonly next: () => Operation<Uint8Array | null> };

/** One request, checked and ready to go on a connection. */
interface Prepared {
  readonly method: string;
  readonly target: Target;
  readonly message: Message;
  /** The request's own headers let the connection carry another request afterwards. */
  readonly keepAlive: boolean;
}

/** The settings a request runs under, from the client's options. */
class Settings {
  readonly limits: ParserLimits;
  readonly connectTimeout: number;
  readonly headersTimeout: number;
  readonly bodyTimeout: number;
  readonly maxBodySize: number;
  private context: SSLContext | undefined;

  constructor(options: HttpClientOptions, where: string) {
    this.limits = { maxHeaderSize: options.maxHeaderSize, maxHeaders: options.maxHeaders, maxBodySize: options.maxBodySize };
    this.connectTimeout = duration(options.connectTimeout, 10_000, `${where}: connectTimeout`);
    this.headersTimeout = duration(options.headersTimeout, 300_000, `${where}: headersTimeout`);
    this.bodyTimeout = duration(options.bodyTimeout, 300_000, `${where}: bodyTimeout`);
    this.maxBodySize = options.maxBodySize ?? Infinity;
    this.context = options.ssl;
  }

  /** The TLS context: the one given, else the default one, made once per process on first use (it reads the system's CAs). */
  get ssl(): SSLContext {
    return (this.context ??= defaultContext ??= createDefaultContext());
  }
}

/**
 * An HTTP/1.1 client with a keep-alive pool per origin: a connection whose response has been
 * read to its end serves the next request to the same origin; at most
 * `maxConnectionsPerOrigin` are open to one origin, and further requests wait their turn. A
 * pooled connection the server closed while it sat idle is noticed when it is reused, and an
 * idempotent request (GET, HEAD, OPTIONS, TRACE, PUT, DELETE) with a body that can be sent
 * again is retried once on a new connection. One that received bytes while idle (no request
 * asked for them) is closed instead of reused. https: goes through `@curio/ssl`.
 *
 * Time limits are the caller's: `timeoutAfter(ms, client.request(...))`. A request cancelled
 * at any point (connecting, sending, waiting for the head) closes the connection it used; so
 * does a cancelled body read. `close()` the client when done: idle connections would
 * otherwise linger until `keepAliveTimeout`.
 *
 * @example
 * ```ts
 * import { HttpClient } from '@curio/http';
 * import { timeoutAfter } from '@curio/kernel';
 * using client = new HttpClient({ maxConnectionsPerOrigin: 4 });
 * const res = yield* timeoutAfter(5000, client.request('POST', 'http://127.0.0.1:8080/echo', { headers: { 'content-type': 'text/plain' }, body: 'hello' }));
 * console.log(res.status, yield* res.body.text());
 * ```
 */
export class HttpClient {
  private readonly settings: Settings;
  private readonly maxConnections: number;
  private readonly keepAliveTimeout: number;
  private readonly pools = new Map<string, OriginPool>();
  private closed = false;

  constructor(options: HttpClientOptions = {}) {
    this.settings = new Settings(options, 'HttpClient');
    this.maxConnections = options.maxConnectionsPerOrigin ?? 10;
    if (!Number.isSafeInteger(this.maxConnections) || this.maxConnections < 1) throw new RangeError(`HttpClient: maxConnectionsPerOrigin must be an integer >= 1, got ${describeValue(options.maxConnectionsPerOrigin)}`);
    this.keepAliveTimeout = duration(options.keepAliveTimeout, 4000, 'HttpClient: keepAliveTimeout');
  }

  /**
   * Sends a request and returns once the response head has arrived; the body is then read
   * from the response.
   * @throws HttpClientError when there is no response to give (refused, reset, closed, invalid, a timeout of the options)
   * @throws TypeError for a URL, method, header or body that cannot be sent
   */
  *request(method: string, url: string | URL, options: RequestOptions = {}): Operation<HttpClientResponse> {
    if (this.closed) throw new Error('HttpClient.request(): the client is closed');
    const prepared = prepare(method, url, options, 'HttpClient.request()', true);
    const { origin } = prepared.target;
    let pool = this.pools.get(origin);
    if (pool === undefined) {
      // A new origin: drop the pools nothing uses any more, so that a client sent to many
      // origins keeps only those with connections (a request in flight keeps its pool).
      for (const [key, old] of this.pools) if (old.unused) this.pools.delete(key);
      pool = new OriginPool(this.maxConnections, this.keepAliveTimeout);
      this.pools.set(origin, pool);
    }
    return yield* exchange(prepared, pool, this.settings);
  }

  /** The connections idle in the pool of `url`'s origin now (for tests and monitoring). */
  idleConnections(url: string | URL): number {
    return this.pools.get(parseTarget(url, 'HttpClient.idleConnections()').origin)?.idleCount ?? 0;
  }

  /** Closes the idle connections; connections still in use close when their response ends. Idempotent. */
  *close(): Operation<void> {
    this[Symbol.dispose]();
  }

  /** `using client = new HttpClient()` closes it at the end of the block. */
  [Symbol.dispose](): void {
    this.closed = true;
    for (const pool of this.pools.values()) pool.close();
    this.pools.clear();
  }
}

/**
 * Sends one request on a connection of its own, closed once the response body has been read
 * to its end (or given up, or on an error or cancellation): for a single request. Many
 * requests to one server go faster through an {@link HttpClient}, which keeps connections.
 * @throws HttpClientError when there is no response to give (refused, reset, closed, invalid, a timeout of the options)
 *
 * @example
 * ```ts
 * import * as http from '@curio/http';
 * import { timeoutAfter } from '@curio/kernel';
 * const res = yield* timeoutAfter(5000, http.request('GET', 'http://127.0.0.1:8080/'));
 * if (!res.ok) throw new Error(`HTTP ${res.status}`);
 * console.log(yield* res.body.text());
 * ```
 */
export function* request(method: string, url: string | URL, options: RequestOptions & Omit<HttpClientOptions, 'maxConnectionsPerOrigin' | 'keepAliveTimeout'> = {}): Operation<HttpClientResponse> {
  const prepared = prepare(method, url, options, 'request()', false);
  return yield* exchange(prepared, new OriginPool(1, 0), new Settings(options, 'request()'));
}

/** Checks and assembles a request; `reuse` says whether its connection may be kept (else it asks the server to close). */
function prepare(method: string, url: string | URL, options: RequestOptions, where: string, reuse: boolean): Prepared {
  if (typeof method !== 'string') throw new TypeError(`${where}: the method must be a string, got ${describeValue(method)}`);
  const target = parseTarget(url, where);
  const given = headerList(options.headers, where);
  const headers: OutgoingHeader[] = given.some(([name]) => name.toLowerCase() === 'host') ? [...given] : [['Host', target.authority], ...given];
  const asksClose = given.some(([name, value]) => name.toLowerCase() === 'connection' && /(^|,)\s*close\s*(,|$)/i.test(value));
  if (!reuse && !asksClose) headers.push(['Connection', 'close']);
  return { method, target, message: serialize(method, target.path, headers, payloadOf(options.body, where)), keepAlive: reuse && !asksClose };
}

function serialize(method: string, path: string, headers: readonly OutgoingHeader[], payload: Payload): Message {
  const writer = new RequestWriter();
  if ('next' in payload) return { head: writer.head(method, path, headers, { chunked: true }), writer, next: payload.next };
  const { bytes } = payload;
  const whole = [writer.head(method, path, headers, bytes === undefined ? {} : { contentLength: bytes.length }), ...(bytes === undefined ? [] : writer.data(bytes)), writer.end()];
  // A small body goes out in the same write as the head.
  return { whole: bytes === undefined || bytes.length <= COALESCE ? [Buffer.concat(whole)] : whole };
}

function payloadOf(body: RequestBody | undefined, where: string): Payload {
  if (body === undefined) return { bytes: undefined };
  if (typeof body === 'string') return { bytes: Buffer.from(body, 'utf8') };
  if (body instanceof Uint8Array) return { bytes: body };
  if (typeof body === 'object' && body !== null) {
    if (typeof (body as Partial<BodyStream>).read === 'function') {
      const stream = body as BodyStream;
      return { next: function* () { const value = yield* stream.read(); return value === null ? null : piece(value, where); } };
    }
    if (typeof (body as Partial<Iterable<unknown>>)[Symbol.iterator] === 'function') {
      const pieces = (body as Iterable<string | Uint8Array>)[Symbol.iterator]();
      return { next: function* () { const { done, value } = pieces.next(); return done === true ? null : piece(value, where); } };
    }
  }
  throw new TypeError(`${where}: the body must be a string, a Uint8Array, an iterable of them or a BodyStream, got ${describeValue(body)}`);
}

function piece(value: unknown, where: string): Uint8Array {
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  if (value instanceof Uint8Array) return value;
  throw new TypeError(`${where}: each piece of a streamed body must be a string or a Uint8Array, got ${describeValue(value)}`);
}

/**
 * Runs the request on a connection from `pool`. When a reused connection turns out to have
 * been closed by the server, a request that may be sent again is, once, after the pool's
 * other idle connections (as old, as likely gone) are closed: so the retry gets a new one.
 */
function* exchange(prepared: Prepared, pool: OriginPool, settings: Settings): Operation<HttpClientResponse> {
  const { method, target } = prepared;
  const open = (): Operation<ClientConnection> => connect(target, settings);
  const replayable = 'whole' in prepared.message && IDEMPOTENT.has(method);
  for (let attempt = 1; ; attempt++) {
    let connection: ClientConnection;
    try {
      connection = yield* pool.acquire(open);
    } catch (e) {
      throw failure(prepared, e);
    }
    try {
      yield* send(connection, prepared, settings);
      const head = yield* connection.readHead(settings.headersTimeout);
      const info = { method, url: target.href, connection, pool, reusable: prepared.keepAlive && head.keepAlive, bodyTimeout: settings.bodyTimeout };
      return new HttpClientResponse(head, info, settings.maxBodySize);
    } catch (e) {
      pool.release(connection, false);
      const stale = connection.served > 0 && (e instanceof ClosedBeforeResponse || isReset(e));
      if (stale && replayable && attempt === 1) {
        pool.closeIdle();
        continue;
      }
      throw failure(prepared, e);
    }
  }
}

/** The error to throw for `error`: cancellation and bad arguments as they are, the rest as an HttpClientError naming the request. */
function failure(prepared: Prepared, error: unknown): unknown {
  if (error instanceof CancelledError || error instanceof TypeError) return error;
  return new HttpClientError(prepared.method, prepared.target.href, describeFailure(error), { cause: error });
}

function* connect(target: Target, settings: Settings): Operation<ClientConnection> {
  const what = `could not connect within connectTimeout (${settings.connectTimeout} ms)`;
  const options = target.secure ? { ssl: settings.ssl, alpnProtocols: ALPN } : {};
  const sock = yield* within(settings.connectTimeout, what, openConnection(target.host, target.port, options));
  // The head and a small body go out in one write; don't let Nagle hold the next one back (TLS included).
  sock.setsockopt(IPPROTO_TCP, TCP_NODELAY, true);
  return new ClientConnection(sock, settings.limits);
}

function* send(connection: ClientConnection, prepared: Prepared, settings: Settings): Operation<void> {
  const { message } = prepared;
  const timeout = settings.bodyTimeout;
  connection.parser.expect(prepared.method);
  if ('whole' in message) {
    yield* connection.send(message.whole, timeout);
    return;
  }
  const { writer, next } = message;
  yield* connection.send([message.head], timeout);
  for (let chunk = yield* next(); chunk !== null; chunk = yield* next()) {
    // A small chunk's size line, data and CRLF in one write, as a small whole body goes with its head.
    const pieces = writer.data(chunk);
    yield* connection.send(chunk.length <= COALESCE ? [Buffer.concat(pieces)] : pieces, timeout);
  }
  yield* connection.send([writer.end()], timeout);
}

function duration(value: number | undefined, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value > 0)) throw new RangeError(`${what} must be a number of ms > 0 (or Infinity), got ${describeValue(value)}`);
  return value;
}
