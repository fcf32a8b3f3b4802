/**
 * A sans-I/O HTTP/1.1 request parser in the style of h11: bytes in with `feed`, events out
 * with `next`, no sockets. Strict per RFC 9112: anything that could be read two ways (the
 * root of request smuggling) is an {@link HttpParseError}.
 * @packageDocumentation
 */
import { HttpParseError } from './errors.js';
import {
  bad, framingFields, framingOf, MessageParser, persistent,
  type DataEvent, type EndOfMessageEvent, type HeaderField, type ParserLimits,
} from './message-parser.js';
import { CR, describeByte, LF, SP, TARGET, TOKEN } from './syntax.js';

// The types both parsers use, exported here as before the response parser shared them.
export type { DataEvent, EndOfMessageEvent, HeaderField, ParserLimits } from './message-parser.js';

/**
 * A request head: the first event of each request.
 *
 * @example
 * ```ts
 * import type { RequestEvent } from '@curio/http';
 * const describe = (head: RequestEvent): string => `${head.method} ${head.target} HTTP/${head.version} (${head.framing} body)`;
 * ```
 */
export interface RequestEvent {
  readonly type: 'request';
  /** The method, as sent (methods are case-sensitive). */
  readonly method: string;
  /** The request-target, as sent: `/path?query`, an absolute URL, `*` or an authority. */
  readonly target: string;
  readonly version: '1.0' | '1.1';
  /** The header fields in the order sent (names lower-cased). */
  readonly headers: HeaderField[];
  /** How the body is framed: none, by Content-Length, or chunked. */
  readonly framing: 'none' | 'length' | 'chunked';
  /** The Content-Length when `framing` is `'length'`, else `undefined`. */
  readonly contentLength: number | undefined;
  /** Whether the client lets the connection stay open after this request (by version and `Connection`). */
  readonly keepAlive: boolean;
  /** Whether the client sent `Expect: 100-continue` and waits for a 100 before sending the body. */
  readonly expectContinue: boolean;
}

/**
 * What {@link RequestParser.next} returns: a head, body data, or the end of a message.
 *
 * @example
 * ```ts
 * import type { ParserEvent } from '@curio/http';
 * const size = (event: ParserEvent): number => (event.type === 'data' ? event.data.length : 0);
 * ```
 */
export type ParserEvent = RequestEvent | DataEvent | EndOfMessageEvent;

/**
 * Parses the requests that arrive on one connection, one after another (pipelined requests
 * included). Feed it bytes as they arrive, then call `next()` until it returns `null` (it
 * needs more bytes). Each request is a `request` event, any number of `data` events and an
 * `end` event. A rejected request throws an {@link HttpParseError} whose `status` is the
 * answer to send; the connection must then be closed, and `next()` throws it again.
 *
 * The parser does not copy the bytes it is fed unless a request spans two chunks: don't
 * modify a chunk after feeding it.
 *
 * @example
 * ```ts
 * import { RequestParser } from '@curio/http';
 * const parser = new RequestParser({ maxHeaderSize: 8192 });
 * parser.feed(new TextEncoder().encode('POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi'));
 * for (let event = parser.next(); event !== null; event = parser.next()) {
 *   if (event.type === 'request') console.log(event.method, event.target);
 *   else if (event.type === 'data') console.log(new TextDecoder().decode(event.data));
 *   else console.log('end');
 * }
 * ```
 */
export class RequestParser extends MessageParser<RequestEvent> {
  constructor(limits: ParserLimits = {}) {
    super(limits, 'request');
  }

  /**
   * RFC 9112 §2.2: a server SHOULD ignore empty lines (CRLF) received before a request-line.
   * False when a lone CR is all there is: it may be the start of one more.
   */
  protected headMayStart(): boolean {
    if (this.scanned !== 0) return true;
    while (this.top - this.start >= 2 && this.buf[this.start] === CR && this.buf[this.start + 1] === LF) this.start += 2;
    if (this.start < this.top && this.buf[this.start] === LF) throw bad('a bare LF before the request line (only CRLF empty lines may precede it)');
    return !(this.top - this.start === 1 && this.buf[this.start] === CR);
  }

  protected parseHead(from: number, headEnd: number): RequestEvent {
    const { buf } = this;
    const lineEnd = buf.indexOf(LF, from) - 1;
    let i = from;
    while (TOKEN[buf[i]!] === 1) i++;
    if (i === from) throw bad(`the request line starts with ${describeByte(buf[i]!)}, not a method`);
    if (buf[i] !== SP) throw bad(`${describeByte(buf[i]!)} in the method`);
    const method = buf.toString('latin1', from, i);
    const targetStart = ++i;
    while (TARGET[buf[i]!] === 1) i++;
    if (i === targetStart) throw bad(`the request-target is empty or starts with ${describeByte(buf[i]!)}`);
    if (i === lineEnd) throw bad('the request line has no HTTP version (HTTP/0.9 is not supported)');
    if (buf[i] !== SP) throw bad(`${describeByte(buf[i]!)} in the request-target`);
    const target = buf.toString('latin1', targetStart, i);
    checkTargetForm(method, target);
    const version = parseVersion(buf.toString('latin1', i + 1, lineEnd));

    const headers: HeaderField[] = [];
    this.parseFields(lineEnd + 2, headEnd - 2, headers);
    return this.frame(method, target, version, headers);
  }

  /** Works out the body's framing from the header fields (RFC 9112 §6.3) and moves to the body state. */
  private frame(method: string, target: string, version: '1.0' | '1.1', headers: HeaderField[]): RequestEvent {
    let hosts = 0;
    let expect: string | undefined;
    for (const [name, value] of headers) {
      if (name === 'host') hosts++;
      else if (name === 'expect') expect = value;
    }
    if (version === '1.1' && hosts === 0) throw bad('an HTTP/1.1 request without a Host header (RFC 9112 §3.2)');
    if (hosts > 1) throw bad('more than one Host header (RFC 9112 §3.2)');

    const fields = framingFields(headers);
    const { framing, length } = framingOf(fields, version, 'request', 'none');
    this.beginBody(framing, length);
    const expectContinue = version === '1.1' && expect !== undefined && expect.toLowerCase() === '100-continue';
    return { type: 'request', method, target, version, headers, framing, contentLength: length, keepAlive: persistent(version, fields.connection), expectContinue };
  }
}

/** RFC 9112 §3.2: origin-form, absolute-form, authority-form (CONNECT only) or asterisk-form (OPTIONS only). */
function checkTargetForm(method: string, target: string): void {
  if (target.charCodeAt(0) === 0x2f) return;
  if (target === '*') {
    if (method === 'OPTIONS') return;
    throw bad(`the request-target '*' is only for OPTIONS, not ${method}`);
  }
  if (method === 'CONNECT') return;
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(target)) throw bad(`the request-target '${target.slice(0, 64)}' is neither a path nor an absolute URL`);
}

function parseVersion(text: string): '1.0' | '1.1' {
  if (text.charCodeAt(0) === SP) throw bad('more than one space before the HTTP version (RFC 9112 §3: a single SP)');
  if (text === 'HTTP/1.1') return '1.1';
  if (text === 'HTTP/1.0') return '1.0';
  if (/^HTTP\/[0-9]\.[0-9]$/.test(text)) throw new HttpParseError(505, `HTTP version ${text.slice(5)} is not supported`);
  throw bad(`the request line does not end in HTTP/1.1 or HTTP/1.0 (got '${text.slice(0, 32)}')`);
}

