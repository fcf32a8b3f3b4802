/**
 * {@link HttpBody}: a message body read as it arrives (a request's on the server, a
 * response's on the client), never buffered whole unless asked to.
 * @packageDocumentation
 */
import { describeValue } from '@curio/kernel';
import { Buffer } from 'node:buffer';
import type { Operation } from '@curio/kernel';
import { HttpError } from './errors.js';
import { HttpHeaders } from './headers.js';

/**
 * Where an {@link HttpBody}'s bytes come from: the connection the message arrives on. The
 * server and the client each implement it over their parser.
 *
 * @example
 * ```ts
 * import { HttpBody, HttpHeaders, type BodySource } from '@curio/http';
 * // A body held in memory (a test double for a connection):
 * class Fixed implements BodySource {
 *   trailers = HttpHeaders.EMPTY;
 *   constructor(private pieces: Uint8Array[]) {}
 *   *readBody(): Operation<Uint8Array | null> { return this.pieces.shift() ?? null; }
 * }
 * const body = new HttpBody(new Fixed([new TextEncoder().encode('hi')]), undefined, 1024);
 * ```
 */
export interface BodySource {
  /**
   * The next piece of the body, or `null` at its end. A piece is the reader's to keep: the
   * source never writes over memory it has handed out.
   */
  readBody(): Operation<Uint8Array | null>;
  /** The trailer fields, once the body has been read to its end (empty before, and for a body without any). */
  readonly trailers: HttpHeaders;
}

/**
 * A message body, streamed: {@link HttpBody.read} gives each piece as it arrives (so a large
 * upload is never held whole), {@link HttpBody.readAll}, {@link HttpBody.text} and
 * {@link HttpBody.json} collect it up to a limit. Reading waits for the peer: a slow sender
 * holds the reader back, and cancellation at any read loses nothing already received.
 *
 * Once the exchange is over (the server has answered the request, the client's response was
 * given up) the body is cut off from its connection: reads return the end.
 *
 * @example
 * ```ts
 * import type { HttpHandler } from '@curio/http';
 * const upload: HttpHandler = function* (req, res) {
 *   let bytes = 0;
 *   for (let piece = yield* req.body.read(); piece !== null; piece = yield* req.body.read()) bytes += piece.length;
 *   yield* res.send(200, `${bytes} bytes\n`);
 * };
 * ```
 */
export class HttpBody {
  /** The body's length from `Content-Length`, or `undefined` when it is chunked (or absent: then 0). */
  readonly length: number | undefined;
  private source: BodySource | null;
  private readonly limit: number;
  private ended = false;
  private ownTrailers: HttpHeaders = HttpHeaders.EMPTY;

  /**
   * @param source where the bytes come from
   * @param length the body's declared length (`Content-Length`), if any
   * @param limit the default limit of {@link HttpBody.readAll}, in bytes
   */
  constructor(source: BodySource, length: number | undefined, limit: number) {
    this.source = source;
    this.length = length;
    this.limit = limit;
    if (length === 0) this.ended = true;
  }

  /** True once the body has been read to its end (or cut off). */
  get done(): boolean {
    return this.ended;
  }

  /** The trailer fields of a chunked body, once it has been read to its end; empty before. */
  get trailers(): HttpHeaders {
    return this.ownTrailers;
  }

  /** The next piece of the body as it arrives, or `null` at the end. */
  *read(): Operation<Uint8Array | null> {
    if (this.ended) return null;
    const piece = yield* this.source!.readBody();
    if (piece === null) this.finish();
    return piece;
  }

  /**
   * The whole (rest of the) body in one Buffer.
   * @param limit the most bytes accepted (default: the server's `maxBodySize`, or the client's limit)
   * @throws HttpError 413 as soon as the body is known to be larger than `limit`
   */
  *readAll(limit: number = this.limit): Operation<Buffer> {
    if (!(limit >= 0)) throw new RangeError(`HttpBody.readAll(): limit must be a non-negative number of bytes, got ${describeValue(limit)}`);
    if (this.length !== undefined && this.length > limit) throw tooLarge(`is ${this.length} bytes`, limit);
    const pieces: Uint8Array[] = [];
    let size = 0;
    for (let piece = yield* this.read(); piece !== null; piece = yield* this.read()) {
      size += piece.length;
      if (size > limit) throw tooLarge('is larger than that', limit);
      pieces.push(piece);
    }
    return pieces.length === 1 ? asBuffer(pieces[0]!) : Buffer.concat(pieces, size);
  }

  /** The whole body decoded as UTF-8 (see {@link HttpBody.readAll} for `limit`). */
  *text(limit: number = this.limit): Operation<string> {
    return (yield* this.readAll(limit)).toString('utf8');
  }

  /**
   * The whole body parsed as JSON (see {@link HttpBody.readAll} for `limit`).
   * @throws HttpError 400 naming the problem when it is not JSON
   */
  *json(limit: number = this.limit): Operation<unknown> {
    const text = yield* this.text(limit);
    try {
      return JSON.parse(text) as unknown;
    } catch (e) {
      throw new HttpError(400, `the body is not valid JSON: ${(e as Error).message}`);
    }
  }

  /** @internal Cuts the body off from its connection: the exchange is over, later reads give the end. */
  _detach(): void {
    this.ended = true;
    this.source = null;
  }

  private finish(): void {
    this.ownTrailers = this.source!.trailers;
    this._detach();
  }
}

function tooLarge(what: string, limit: number): HttpError {
  return new HttpError(413, `the body ${what}, over the limit of ${limit} bytes`);
}

function asBuffer(piece: Uint8Array): Buffer {
  return Buffer.isBuffer(piece) ? piece : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
}
