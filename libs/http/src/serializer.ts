/**
 * The response side of the sans-I/O layer: a {@link ResponseWriter} turns a status, header
 * fields and body pieces into the bytes to send, choosing the framing RFC 9112 §6 requires.
 * @packageDocumentation
 */
import { describeValue } from '@curio/kernel';
import { Buffer } from 'node:buffer';
import { STATUS_CODES } from 'node:http';
import { allIn, FIELD_VALUE, TOKEN } from './syntax.js';

/**
 * A header field to send: a name and a value (latin1; CR, LF and other controls are refused).
 *
 * @example
 * ```ts
 * import type { OutgoingHeader } from '@curio/http';
 * const headers: OutgoingHeader[] = [['Content-Type', 'application/json'], ['Cache-Control', 'no-store']];
 * ```
 */
export type OutgoingHeader = readonly [name: string, value: string];

/**
 * How a response body is delimited: not at all (no body), by Content-Length, chunked, or by
 * closing the connection (an HTTP/1.0 client without a length).
 *
 * @example
 * ```ts
 * import { ResponseWriter, type ResponseFraming } from '@curio/http';
 * const writer = new ResponseWriter({ method: 'HEAD', version: '1.1' });
 * writer.head(200, [], { contentLength: 10 });
 * const framing: ResponseFraming = writer.framing; // 'none': a HEAD response has no body
 * ```
 */
export type ResponseFraming = 'none' | 'length' | 'chunked' | 'close';

/**
 * What {@link ResponseWriter.head} takes besides the status and header fields.
 *
 * @example
 * ```ts
 * import { ResponseWriter, type ResponseHeadOptions } from '@curio/http';
 * const options: ResponseHeadOptions = { contentLength: 0, reason: 'Gone Fishing', close: true };
 * new ResponseWriter({ method: 'GET', version: '1.1' }).head(503, [], options);
 * ```
 */
export interface ResponseHeadOptions {
  /** The body's length in bytes when known: sent as Content-Length. Unknown means chunked (or, for an HTTP/1.0 client, delimited by closing). */
  contentLength?: number;
  /** The reason phrase; default the standard one for the status (or none). */
  reason?: string;
  /** Add `Connection: close` and close after this response. */
  close?: boolean;
  /** A `Date` field value (RFC 9110 §6.6.1) to send unless `headers` hold one. */
  date?: string;
}

/**
 * The request a response answers: its method and version decide the framing. A
 * `RequestEvent` is one.
 *
 * @example
 * ```ts
 * import { ResponseWriter, type RequestLine } from '@curio/http';
 * const request: RequestLine = { method: 'GET', version: '1.0' };
 * console.log(new ResponseWriter(request).head(200) && 'sent'); // an HTTP/1.0 body without a length ends at close
 * ```
 */
export interface RequestLine {
  readonly method: string;
  readonly version: '1.0' | '1.1';
  /**
   * Whether the client asked to keep the connection (a `RequestEvent` knows). An HTTP/1.0
   * client that did gets `Connection: keep-alive`, one that did not (or when unknown) a
   * response after which the connection closes.
   */
  readonly keepAlive?: boolean;
}

const CRLF = Buffer.from('\r\n', 'latin1');
const NO_PIECES: Uint8Array[] = [];

function checkHeader(name: string, value: string): void {
  if (!allIn(TOKEN, name, true)) throw new TypeError(`invalid header name ${JSON.stringify(name)}: it must be a token (RFC 9110 §5.1)`);
  if (!allIn(FIELD_VALUE, value, false)) throw new TypeError(`invalid value for header '${name}': CR, LF, NUL, other controls and characters above U+00FF are not allowed`);
}

/** @internal The field lines for `fields`; `refuse` sees each (lower-cased name, value) and names the problem if the field may not be sent here. */
export function fieldLines(fields: Iterable<OutgoingHeader>, refuse: (lowerName: string, value: string) => string | undefined): string {
  let text = '';
  for (const [name, value] of fields) {
    checkHeader(name, value);
    const problem = refuse(name.toLowerCase(), value);
    if (problem !== undefined) throw new TypeError(problem);
    text += `${name}: ${value}\r\n`;
  }
  return text;
}

/** How a {@link MessageWriter} sends body pieces: refused (no body), dropped (a HEAD response), by length, chunked, or as they are (the body ends at close). */
export type PieceFraming = 'none' | 'discard' | 'length' | 'chunked' | 'raw';

/**
 * The body half that the request and the response writer share: once the head has chosen
 * the framing (`beginBody`), `data` frames each piece and `end` ends the body, checking that
 * a Content-Length body is as long as it said. Not exported from the package: use
 * {@link ResponseWriter} or `RequestWriter`.
 */
export abstract class MessageWriter {
  private pieces: PieceFraming | undefined;
  private declared = 0;
  private written = 0;
  private finished = false;

  /** `noBody` is the error for a piece of a message that has no body. */
  constructor(private readonly noBody: string) {}

  /** The pieces that send `chunk` as (part of) the body. An empty chunk sends nothing (in chunked framing it would end the body). */
  data(chunk: Uint8Array): Uint8Array[] {
    if (this.pieces === undefined) throw new Error('data() before head()');
    if (this.finished) throw new Error('data() after end()');
    if (chunk.length === 0) return NO_PIECES;
    switch (this.pieces) {
      case 'none': throw new Error(this.noBody);
      case 'discard': return NO_PIECES;
      case 'length':
        if (this.written + chunk.length > this.declared) throw new RangeError(`the body is longer than its Content-Length (${this.declared} bytes)`);
        this.written += chunk.length;
        return [chunk];
      case 'chunked':
        return [Buffer.from(`${chunk.length.toString(16)}\r\n`, 'latin1'), chunk, CRLF];
      case 'raw':
        return [chunk];
    }
  }

  /** The bytes that end the body (the last chunk and any trailers, for a chunked body); empty for the other framings. */
  end(trailers: Iterable<OutgoingHeader> = []): Uint8Array {
    if (this.pieces === undefined) throw new Error('end() before head()');
    if (this.finished) throw new Error('end() called twice');
    this.finished = true;
    if (this.pieces === 'chunked') {
      return Buffer.from(`0\r\n${fieldLines(trailers, (name) => (name === 'content-length' || name === 'transfer-encoding' || name === 'host' ? `'${name}' may not be a trailer field (RFC 9110 §6.5.1)` : undefined))}\r\n`, 'latin1');
    }
    for (const _ of trailers) throw new Error('trailers need a chunked body (no contentLength; for a response, an HTTP/1.1 client)');
    if (this.pieces === 'length' && this.written !== this.declared) throw new RangeError(`the body ended after ${this.written} of its ${this.declared} bytes (Content-Length)`);
    return new Uint8Array(0);
  }

  /** Called by `head` with the framing it chose (`declared` is the Content-Length). */
  protected beginBody(pieces: PieceFraming, declared = 0): void {
    this.pieces = pieces;
    this.declared = declared;
  }
}

/**
 * Serializes one response to one request: `head` once (after any number of
 * `informational` 1xx heads), then `data` for each body piece, then `end`. It sets the
 * framing itself: no body for HEAD, 1xx, 204 and 304 (RFC 9110 §6.4.1); Content-Length when
 * the length is known; chunked otherwise (trailers allowed); for an HTTP/1.0 client without a
 * length, the body ends when the connection closes (`mustClose`). Body bytes are returned,
 * never copied, as pieces to write in order.
 *
 * @example
 * ```ts
 * import { ResponseWriter } from '@curio/http';
 * const writer = new ResponseWriter({ method: 'GET', version: '1.1' });
 * const pieces = [writer.head(200, [['Content-Type', 'text/plain']]),
 *   ...writer.data(new TextEncoder().encode('hello')), writer.end([['X-Checksum', 'abc']])];
 * console.log(writer.framing, pieces.length); // chunked 5
 * ```
 */
export class ResponseWriter extends MessageWriter {
  /** The framing chosen by `head` (`'none'` before it). */
  framing: ResponseFraming = 'none';
  /** True when the connection must close after this response (asked for, or the framing needs it). */
  mustClose = false;
  private readonly request: RequestLine;
  private started = false;

  constructor(request: RequestLine) {
    super('this response has no body (204 or 304)');
    this.request = request;
  }

  /** A 1xx interim response (such as 100 Continue), sent before the final head. */
  informational(status: number, headers: Iterable<OutgoingHeader> = []): Uint8Array {
    if (this.started) throw new Error('informational() after head()');
    if (!Number.isInteger(status) || status < 100 || status > 199 || status === 101) throw new RangeError(`informational status must be 1xx (not 101), got ${describeValue(status)}`);
    return Buffer.from(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n${fieldLines(headers, () => undefined)}\r\n`, 'latin1');
  }

  /**
   * The status line and header fields, with the framing fields added. Content-Length and
   * Transfer-Encoding may not be among `headers` (pass `contentLength`); a `Connection: close`
   * among them sets `mustClose`.
   */
  head(status: number, headers: Iterable<OutgoingHeader> = [], options: ResponseHeadOptions = {}): Uint8Array {
    if (this.started) throw new Error('head() called twice');
    if (!Number.isInteger(status) || status < 200 || status > 999) throw new RangeError(`a final response status must be an integer from 200 to 999, got ${describeValue(status)}`);
    const { contentLength } = options;
    if (contentLength !== undefined && !(Number.isSafeInteger(contentLength) && contentLength >= 0)) throw new RangeError(`contentLength must be a non-negative integer, got ${describeValue(contentLength)}`);
    const reason = options.reason ?? STATUS_CODES[status] ?? '';
    if (/[\r\n]/.test(reason) || !allIn(FIELD_VALUE, reason, false)) throw new TypeError(`invalid reason phrase ${JSON.stringify(reason)}`);
    this.started = true;
    this.mustClose = options.close === true || (this.request.version === '1.0' && this.request.keepAlive !== true);
    let date = options.date;
    let text = `HTTP/1.1 ${status} ${reason}\r\n${fieldLines(headers, (name, value) => {
      if (name === 'content-length' || name === 'transfer-encoding') return `set the body length with the contentLength option, not a ${name} header`;
      if (name === 'connection' && /(^|,)\s*close\s*(,|$)/i.test(value)) this.mustClose = true;
      if (name === 'date') date = undefined;
      return undefined;
    })}`;
    if (date !== undefined) text += `Date: ${date}\r\n`;
    const bodiless = status === 204 || status === 304;
    if (bodiless || this.request.method === 'HEAD') {
      this.framing = 'none';
      this.beginBody(bodiless ? 'none' : 'discard');
      // A HEAD response may say what a GET's Content-Length would be (RFC 9110 §9.3.2).
      if (!bodiless && contentLength !== undefined) text += `Content-Length: ${contentLength}\r\n`;
    } else if (contentLength !== undefined) {
      this.framing = 'length';
      this.beginBody('length', contentLength);
      text += `Content-Length: ${contentLength}\r\n`;
    } else if (this.request.version === '1.1') {
      this.framing = 'chunked';
      this.beginBody('chunked');
      text += 'Transfer-Encoding: chunked\r\n';
    } else {
      this.framing = 'close';
      this.beginBody('raw');
      this.mustClose = true;
    }
    if (this.mustClose) {
      if (!/^connection:[^\r]*\bclose\b/im.test(text)) text += 'Connection: close\r\n';
    } else if (this.request.version === '1.0') {
      text += 'Connection: keep-alive\r\n';
    }
    return Buffer.from(`${text}\r\n`, 'latin1');
  }
}
