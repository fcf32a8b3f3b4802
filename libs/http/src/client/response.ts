/**
 * {@link HttpClientResponse}: a response as the client gives it, its body streamed from the
 * connection, which goes back to the pool once the body has been read to its end.
 * @packageDocumentation
 */
import { CancelledError, type Operation } from '@curio/kernel';
import { HttpBody, type BodySource } from '../body.js';
import { HttpHeaders } from '../headers.js';
import type { ClientConnection } from './connection.js';
import { describeFailure, HttpClientError } from './errors.js';
import type { OriginPool } from './pool.js';
import type { ResponseEvent } from './response-parser.js';

/** What an exchange needs to know to read a body and give its connection back. @internal */
export interface ExchangeInfo {
  readonly method: string;
  readonly url: string;
  readonly connection: ClientConnection;
  readonly pool: OriginPool;
  /** Whether the connection may carry another request once this response is read (by the request and the response). */
  readonly reusable: boolean;
  readonly bodyTimeout: number;
}

/**
 * One request's hold on its connection, from the response head to the end of the body: the
 * body's source. The end of the body gives the connection back; a failed or cancelled read,
 * or giving the response up, closes it.
 */
class Exchange implements BodySource {
  trailers: HttpHeaders = HttpHeaders.EMPTY;
  private state: 'reading' | 'done' | 'dropped' = 'reading';

  constructor(private readonly info: ExchangeInfo) {}

  *readBody(): Operation<Uint8Array | null> {
    const { info } = this;
    if (this.state === 'done') return null;
    if (this.state === 'dropped') throw new HttpClientError(info.method, info.url, 'the rest of the response body is gone: it was given up (closed, or a read of it was cancelled or failed) and its connection closed');
    let piece: Uint8Array | { trailers: [string, string][] };
    try {
      piece = yield* info.connection.readBody(info.bodyTimeout);
    } catch (e) {
      this.drop();
      if (e instanceof CancelledError) throw e;
      throw new HttpClientError(info.method, info.url, `the response body was cut off: ${describeFailure(e)}`, { cause: e });
    }
    if (piece instanceof Uint8Array) return piece;
    if (piece.trailers.length > 0) this.trailers = new HttpHeaders(piece.trailers);
    this.finish();
    return null;
  }

  /** The body has ended (it was read, or there was none): the connection goes back to the pool. */
  finish(): void {
    if (this.state !== 'reading') return;
    this.state = 'done';
    this.info.pool.release(this.info.connection, this.info.reusable);
  }

  /** The body will not be read to its end: the connection is closed, never pooled. */
  drop(): void {
    if (this.state !== 'reading') return;
    this.state = 'dropped';
    this.info.pool.release(this.info.connection, false);
  }
}

/**
 * A response to a request made with {@link HttpClient.request} or {@link request}: the status,
 * the header fields and the body, streamed. Read the body to its end (`read()` until `null`,
 * or `readAll`, `text`, `json`) and the connection goes back to the client's pool; or `close()`
 * the response (`using` does) to give the rest up, which closes the connection. A body read that
 * is cancelled (by `timeoutAfter`, say) or fails closes the connection too, and later reads of
 * the body throw an {@link HttpClientError}.
 *
 * @example
 * ```ts
 * import * as http from '@curio/http';
 * using res = yield* http.request('GET', 'http://127.0.0.1:8080/stream?n=3');
 * console.log(res.status, res.headers.get('content-type'));
 * for (let piece = yield* res.body.read(); piece !== null; piece = yield* res.body.read()) process.stdout.write(piece);
 * ```
 */
export class HttpClientResponse {
  /** The status code (200, 404, ...): any status the server answered with, not only 2xx. */
  readonly status: number;
  /** The reason phrase as sent (may be empty). */
  readonly reason: string;
  readonly httpVersion: '1.0' | '1.1';
  /** The header fields as received. */
  readonly headers: HttpHeaders;
  /** The body, streamed from the connection (empty for a response to HEAD, a 204 or a 304). */
  readonly body: HttpBody;
  /** The URL requested. */
  readonly url: string;
  private readonly exchange: Exchange;

  /** @internal Made by the client from a response head. */
  constructor(head: ResponseEvent, info: ExchangeInfo, limit: number) {
    this.status = head.status;
    this.reason = head.reason;
    this.httpVersion = head.version;
    this.headers = new HttpHeaders(head.headers);
    this.url = info.url;
    this.exchange = new Exchange(info);
    const length = head.framing === 'none' ? 0 : head.contentLength;
    this.body = new HttpBody(this.exchange, length, limit);
    // A body known to be empty is over already: its end is in the parser, no read needed.
    if (length === 0) {
      info.connection.endEmptyBody();
      this.exchange.finish();
    }
  }

  /** True for a 2xx status. */
  get ok(): boolean {
    return this.status >= 200 && this.status <= 299;
  }

  /** The trailer fields of a chunked body, once it has been read to its end; empty before. */
  get trailers(): HttpHeaders {
    return this.exchange.trailers;
  }

  /** Gives up the rest of the body, if any is unread: its connection is closed. Idempotent. */
  close(): void {
    this.exchange.drop();
    this.body._detach();
  }

  /** `using res = yield* client.request(...)` closes it at the end of the block. */
  [Symbol.dispose](): void {
    this.close();
  }
}
