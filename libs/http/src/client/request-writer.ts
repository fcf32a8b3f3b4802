/**
 * The client's serializer: a {@link RequestWriter} turns a method, a target, header fields
 * and body pieces into the bytes of one HTTP/1.1 request (RFC 9112).
 * @packageDocumentation
 */
import { describeValue } from '@curio/kernel';
import { Buffer } from 'node:buffer';
import { fieldLines, MessageWriter, type OutgoingHeader } from '../serializer.js';
import { allIn, TARGET, TOKEN } from '../syntax.js';

/**
 * How {@link RequestWriter.head} frames the body: `contentLength` for a body whose length is
 * known, `chunked` for one streamed as it is made; neither for a request without a body.
 *
 * @example
 * ```ts
 * import { RequestWriter, type RequestBodyFraming } from '@curio/http';
 * const upload: RequestBodyFraming = { chunked: true };
 * new RequestWriter().head('PUT', '/upload', [['Host', 'example.com']], upload);
 * ```
 */
export interface RequestBodyFraming {
  /** The body's length in bytes: sent as Content-Length. */
  contentLength?: number;
  /** Send the body chunked (`Transfer-Encoding: chunked`), trailers allowed. */
  chunked?: boolean;
}

/**
 * Serializes one request: `head` once, then `data` for each body piece, then `end`. The
 * framing fields are its own (pass {@link RequestBodyFraming}, never a Content-Length or
 * Transfer-Encoding header); a Host header is required (RFC 9112 §3.2). Names, values, the
 * method and the target are checked, so no CR or LF can split the request. Body bytes are
 * returned, never copied, as pieces to write in order.
 *
 * @example
 * ```ts
 * import { RequestWriter } from '@curio/http';
 * const writer = new RequestWriter();
 * const body = new TextEncoder().encode('{"a":1}');
 * const pieces = [writer.head('POST', '/items', [['Host', 'example.com'], ['Content-Type', 'application/json']], { contentLength: body.length }),
 *   ...writer.data(body), writer.end()];
 * console.log(writer.framing, pieces.length); // length 3
 * ```
 */
export class RequestWriter extends MessageWriter {
  /** The framing chosen by `head` (`'none'` before it, and for a request without a body). */
  framing: 'none' | 'length' | 'chunked' = 'none';
  private started = false;

  constructor() {
    super('this request has no body (head() was given neither contentLength nor chunked)');
  }

  /** The request line and header fields, with the framing field added. */
  head(method: string, target: string, headers: Iterable<OutgoingHeader>, body: RequestBodyFraming = {}): Uint8Array {
    if (this.started) throw new Error('head() called twice');
    if (!allIn(TOKEN, method, true)) throw new TypeError(`invalid method ${JSON.stringify(method)}: it must be a token (RFC 9110 §9.1)`);
    if (!allIn(TARGET, target, true)) throw new TypeError(`invalid request-target ${JSON.stringify(target)}: it must be visible ASCII, without spaces (percent-encode the rest)`);
    const { contentLength, chunked = false } = body;
    if (contentLength !== undefined && !(Number.isSafeInteger(contentLength) && contentLength >= 0)) throw new RangeError(`contentLength must be a non-negative integer, got ${describeValue(contentLength)}`);
    if (contentLength !== undefined && chunked) throw new TypeError('a request body is framed by contentLength or chunked, not both');
    let hosts = 0;
    let text = `${method} ${target} HTTP/1.1\r\n${fieldLines(headers, (name) => {
      if (name === 'content-length' || name === 'transfer-encoding') return `frame the body with the contentLength or chunked option, not a ${name} header`;
      if (name === 'host') hosts++;
      return undefined;
    })}`;
    if (hosts !== 1) throw new TypeError(`an HTTP/1.1 request needs exactly one Host header (RFC 9112 §3.2), got ${hosts}`);
    if (contentLength !== undefined) {
      this.framing = 'length';
      text += `Content-Length: ${contentLength}\r\n`;
    } else if (chunked) {
      this.framing = 'chunked';
      text += 'Transfer-Encoding: chunked\r\n';
    }
    this.started = true;
    this.beginBody(this.framing, contentLength);
    return Buffer.from(`${text}\r\n`, 'latin1');
  }
}
