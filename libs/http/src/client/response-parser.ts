/**
 * The client's side of the sans-I/O layer: a {@link ResponseParser} reads the responses that
 * arrive on one connection, as strictly as the request parser reads requests.
 * @packageDocumentation
 */
import {
  bad, framingFields, framingOf, MessageParser, persistent,
  type BodyFraming, type DataEvent, type EndOfMessageEvent, type HeaderField, type ParserLimits,
} from '../message-parser.js';
import { CR, describeByte, FIELD_VALUE, LF, SP } from '../syntax.js';

/**
 * A final response head (status 200 to 999): the first event of each response.
 *
 * @example
 * ```ts
 * import type { ResponseEvent } from '@curio/http';
 * const describe = (head: ResponseEvent): string => `HTTP/${head.version} ${head.status} ${head.reason} (${head.framing} body)`;
 * ```
 */
export interface ResponseEvent {
  readonly type: 'response';
  readonly status: number;
  /** The reason phrase, as sent (may be empty; RFC 9112 §4 tells clients to ignore it). */
  readonly reason: string;
  readonly version: '1.0' | '1.1';
  /** The header fields in the order sent (names lower-cased). */
  readonly headers: HeaderField[];
  /**
   * How the body is framed: none (a response to HEAD, a 204 or a 304), by Content-Length,
   * chunked, or by the server closing the connection (neither length nor chunked).
   */
  readonly framing: BodyFraming;
  /** The Content-Length when `framing` is `'length'`, else `undefined`. */
  readonly contentLength: number | undefined;
  /** Whether the connection can carry another request after this response's body (by version, `Connection`, framing). */
  readonly keepAlive: boolean;
}

/**
 * An interim 1xx response (such as 100 Continue or 103 Early Hints): it has no body, and the
 * final response to the same request follows.
 *
 * @example
 * ```ts
 * import type { InformationalEvent } from '@curio/http';
 * const hints = (event: InformationalEvent): string[] => (event.status === 103 ? event.headers.filter(([n]) => n === 'link').map(([, v]) => v) : []);
 * ```
 */
export interface InformationalEvent {
  readonly type: 'informational';
  readonly status: number;
  readonly reason: string;
  readonly headers: HeaderField[];
}

/**
 * What {@link ResponseParser.next} returns: an interim or final head, body data, or the end
 * of a response.
 *
 * @example
 * ```ts
 * import type { ResponseParserEvent } from '@curio/http';
 * const isFinal = (event: ResponseParserEvent): boolean => event.type === 'response';
 * ```
 */
export type ResponseParserEvent = ResponseEvent | InformationalEvent | DataEvent | EndOfMessageEvent;

/** More interim responses than this to one request is a server that will not get to the point. */
const MAX_INFORMATIONAL = 16;
const HTTP_SLASH = 'HTTP/1.';

/**
 * Parses the responses that arrive on one connection, in the order of the requests they
 * answer: call {@link ResponseParser.expect} with each request's method as it is sent (a
 * response to HEAD has no body whatever its headers say). Then feed bytes as they arrive and
 * call `next()` until it returns `null`. Each response is any number of `informational`
 * events, one `response` event, any number of `data` events and an `end` event; a body
 * framed by neither Content-Length nor chunked ends when `end()` says the server closed.
 *
 * Strict as the request parser (RFC 9112): both Content-Length and Transfer-Encoding,
 * differing lengths, a bad chunk size, obs-fold, a bare CR or LF, invalid bytes and bytes
 * nobody asked for are `HttpParseError`s; the connection must then be closed. The
 * error's `status` sorts the problem: 400 malformed, 413 a body over `maxBodySize`, 431 a
 * head over `maxHeaderSize` or `maxHeaders`, 501 a transfer coding other than chunked.
 *
 * @example
 * ```ts
 * import { ResponseParser } from '@curio/http';
 * const parser = new ResponseParser({ maxBodySize: 1 << 20 });
 * parser.expect('GET');
 * parser.feed(new TextEncoder().encode('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi'));
 * for (let event = parser.next(); event !== null; event = parser.next()) {
 *   if (event.type === 'response') console.log(event.status, event.reason);
 *   else if (event.type === 'data') console.log(new TextDecoder().decode(event.data));
 * }
 * ```
 */
export class ResponseParser extends MessageParser<ResponseEvent | InformationalEvent> {
  /** The methods of the requests sent and not yet answered, oldest first. */
  private readonly methods: string[] = [];
  private informational = 0;

  constructor(limits: ParserLimits = {}) {
    super(limits, 'response');
  }

  /** Says a request with `method` was sent: the next response not yet matched answers it. */
  expect(method: string): void {
    if (method === 'CONNECT') throw new TypeError('ResponseParser: CONNECT (a tunnel) is not supported');
    this.methods.push(method);
  }

  /** How many requests sent have not had their final response head yet. */
  get outstanding(): number {
    return this.methods.length;
  }

  /** Bytes that no request waits for are refused, and so is a peer that does not speak HTTP/1, at its first bytes (not after maxHeaderSize of them). */
  protected headMayStart(): boolean {
    if (this.start === this.top) return false;
    if (this.methods.length === 0) throw bad('the server sent bytes while no request was waiting for a response');
    if (this.scanned >= HTTP_SLASH.length) return true;
    const n = Math.min(this.top - this.start, HTTP_SLASH.length);
    for (let k = 0; k < n; k++) {
      if (this.buf[this.start + k] !== HTTP_SLASH.charCodeAt(k)) {
        throw bad(`the response does not start with HTTP/1.1 or HTTP/1.0 (got '${this.excerpt(this.start)}')`);
      }
    }
    return true;
  }

  /** Up to 32 bytes from `from`, to the end of their line, for an error message. */
  private excerpt(from: number): string {
    let to = from;
    while (to < this.top && to < from + 32 && this.buf[to] !== CR && this.buf[to] !== LF) to++;
    return this.buf.toString('latin1', from, to);
  }

  protected parseHead(from: number, headEnd: number): ResponseEvent | InformationalEvent {
    const { buf } = this;
    const lineEnd = buf.indexOf(LF, from) - 1;
    // status-line = HTTP-version SP 3DIGIT SP [ reason-phrase ] (RFC 9112 §4)
    if (buf.toString('latin1', from, from + HTTP_SLASH.length) !== HTTP_SLASH || (buf[from + 7] !== 0x30 && buf[from + 7] !== 0x31) || buf[from + 8] !== SP) {
      throw bad(`the response does not start with HTTP/1.1 or HTTP/1.0 (got '${this.excerpt(from)}')`);
    }
    const version = buf[from + 7] === 0x31 ? '1.1' : '1.0';
    const code = buf.toString('latin1', from + 9, from + 12);
    if (!/^[1-9][0-9][0-9]$/.test(code)) throw bad(`the status code '${this.excerpt(from + 9)}' is not three digits`);
    const status = Number(code);
    let reason = '';
    // Servers that leave out the SP after a status without a reason are common and harmless.
    if (from + 12 < lineEnd) {
      if (buf[from + 12] !== SP) throw bad(`${describeByte(buf[from + 12]!)} after the status code`);
      for (let k = from + 13; k < lineEnd; k++) {
        const byte = buf[k]!;
        if (FIELD_VALUE[byte] === 0) throw bad(`${describeByte(byte)} in the reason phrase`);
      }
      reason = buf.toString('latin1', from + 13, lineEnd);
    }
    const headers: HeaderField[] = [];
    this.parseFields(lineEnd + 2, headEnd - 2, headers);
    if (status < 200) return this.interim(status, reason, headers);
    return this.frame(this.methods.shift()!, status, reason, version, headers);
  }

  private interim(status: number, reason: string, headers: HeaderField[]): InformationalEvent {
    if (status === 101) throw bad('101 Switching Protocols, but no protocol upgrade was asked for');
    if (++this.informational > MAX_INFORMATIONAL) throw bad(`more than ${MAX_INFORMATIONAL} interim (1xx) responses to one request`);
    return { type: 'informational', status, reason, headers };
  }

  /** Works out the body's framing (RFC 9112 §6.3) and moves to the body state. */
  private frame(method: string, status: number, reason: string, version: '1.0' | '1.1', headers: HeaderField[]): ResponseEvent {
    this.informational = 0;
    const fields = framingFields(headers);
    // The framing fields are checked even where they frame nothing, since another parser on the path reads them.
    let { framing, length }: { framing: BodyFraming; length: number | undefined } = framingOf(fields, version, 'response', 'close');
    // These have no body whatever the framing fields say (RFC 9110 §6.4.1).
    if (method === 'HEAD' || status === 204 || status === 304) [framing, length] = ['none', undefined];
    this.beginBody(framing, length);
    const keepAlive = framing !== 'close' && persistent(version, fields.connection);
    return { type: 'response', status, reason, version, headers, framing, contentLength: length, keepAlive };
  }
}
