/**
 * A sans-I/O HTTP/1.1 request parser in the style of h11: bytes in with `feed`, events out
 * with `next`, no sockets. Strict per RFC 9112: anything that could be read two ways (the
 * root of request smuggling) is an {@link HttpParseError}.
 * @packageDocumentation
 */
import { Buffer } from 'node:buffer';
import { HttpParseError } from './errors.js';
import { COLON, CR, describeByte, FIELD_VALUE, HEX_VALUE, HTAB, LF, SP, TARGET, TOKEN } from './syntax.js';

/**
 * One header field as parsed: the name in lower case, the value with surrounding
 * whitespace removed, both as latin1 strings (bytes 0x80-0xFF stay one character each).
 *
 * @example
 * ```ts
 * import type { HeaderField } from '@curio/http';
 * const header = (fields: HeaderField[], name: string): string | undefined => fields.find(([n]) => n === name)?.[1];
 * ```
 */
export type HeaderField = [name: string, value: string];

/**
 * The limits of a {@link RequestParser}. Anything a peer sends is bounded by one of them.
 *
 * @example
 * ```ts
 * import { RequestParser, type ParserLimits } from '@curio/http';
 * const limits: ParserLimits = { maxHeaderSize: 8 * 1024, maxHeaders: 50, maxBodySize: 1 << 20 };
 * const parser = new RequestParser(limits);
 * ```
 */
export interface ParserLimits {
  /** Most bytes in a head (request line and header fields) or a trailer section; more is a 431. Default 16 KiB, as Node's `maxHeaderSize`. */
  maxHeaderSize?: number;
  /** Most header fields in a head or a trailer section; more is a 431. Default 100. */
  maxHeaders?: number;
  /** Most body bytes in one request; more is a 413. Default: no limit. */
  maxBodySize?: number;
}

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
 * A piece of the request body. `data` is a view of bytes the parser was fed (or of its own
 * storage), which the parser never writes over: it may be kept.
 *
 * @example
 * ```ts
 * import type { DataEvent } from '@curio/http';
 * const keep = (event: DataEvent): Uint8Array => Uint8Array.prototype.slice.call(event.data);
 * ```
 */
export interface DataEvent {
  readonly type: 'data';
  readonly data: Uint8Array;
}

/**
 * The end of a request; `trailers` holds a chunked body's trailer fields (else empty).
 *
 * @example
 * ```ts
 * import type { EndOfMessageEvent } from '@curio/http';
 * const checksum = (end: EndOfMessageEvent): string | undefined => end.trailers.find(([name]) => name === 'x-checksum')?.[1];
 * ```
 */
export interface EndOfMessageEvent {
  readonly type: 'end';
  readonly trailers: HeaderField[];
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

const enum State { Head, Length, ChunkSize, ChunkData, ChunkEnd, Trailers, Failed }

const DEFAULT_MAX_HEADER_SIZE = 16 * 1024;
const DEFAULT_MAX_HEADERS = 100;
/** A chunk-size line (size and extensions) longer than this is refused: extensions are unbounded otherwise. */
const MAX_CHUNK_LINE = 4096;
/** 2^53 - 1 has 16 digits; more could not be a safe integer, and no body is that large. */
const MAX_LENGTH_DIGITS = 15;
const EMPTY: HeaderField[] = [];

function bad(message: string): HttpParseError {
  return new HttpParseError(400, message);
}

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
export class RequestParser {
  private readonly maxHeaderSize: number;
  private readonly maxHeaders: number;
  private readonly maxBodySize: number;
  private buf: Buffer = Buffer.alloc(0);
  /** Whether `buf` is storage of our own (so it may be appended to), not a chunk we were fed. */
  private owned = false;
  /** Whether a body view of our own storage was handed out: its bytes may no longer be moved over. */
  private lent = false;
  /** The bytes not yet consumed are `buf[start, top)`. */
  private start = 0;
  private top = 0;
  /** Where to resume looking for the end of a head or trailer section, relative to `start`. */
  private scanned = 0;
  private lineStart = 0;
  private state = State.Head;
  private remaining = 0;
  private bodyBytes = 0;
  private eof = false;
  private failure: HttpParseError | undefined;

  constructor(limits: ParserLimits = {}) {
    this.maxHeaderSize = limits.maxHeaderSize ?? DEFAULT_MAX_HEADER_SIZE;
    this.maxHeaders = limits.maxHeaders ?? DEFAULT_MAX_HEADERS;
    this.maxBodySize = limits.maxBodySize ?? Infinity;
  }

  /** Adds bytes received from the peer. */
  feed(chunk: Uint8Array): void {
    if (this.eof) throw new Error('RequestParser.feed() after end()');
    if (chunk.length === 0) return;
    const pending = this.top - this.start;
    if (pending === 0) {
      this.buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      this.owned = false;
      this.start = 0;
      this.top = chunk.length;
      return;
    }
    const needed = pending + chunk.length;
    if (this.owned && this.buf.length - this.top >= chunk.length) {
      this.buf.set(chunk, this.top);
    } else if (this.owned && !this.lent && this.buf.length >= needed) {
      this.buf.copyWithin(0, this.start, this.top);
      this.buf.set(chunk, pending);
      this.start = 0;
    } else {
      const grown = Buffer.allocUnsafe(Math.max(needed * 2, 4096));
      grown.set(this.buf.subarray(this.start, this.top), 0);
      grown.set(chunk, pending);
      this.buf = grown;
      this.owned = true;
      this.lent = false;
      this.start = 0;
    }
    this.top = this.start + needed;
  }

  /** Tells the parser the peer closed its side: `next()` then throws if a request was cut off. */
  end(): void {
    this.eof = true;
  }

  /** True between requests with no bytes of the next one received: a connection closed now loses nothing. */
  get idle(): boolean {
    return this.state === State.Head && this.start === this.top;
  }

  /**
   * The next event, or `null` when more bytes are needed.
   * @throws HttpParseError for a request that breaks RFC 9112 or a limit (and on every call after).
   */
  next(): ParserEvent | null {
    if (this.failure !== undefined) throw this.failure;
    try {
      const event = this.step();
      if (event === null && this.eof && !this.idle) throw bad('the connection closed in the middle of a request');
      return event;
    } catch (e) {
      if (e instanceof HttpParseError) {
        this.failure = e;
        this.state = State.Failed;
      }
      throw e;
    }
  }

  private step(): ParserEvent | null {
    for (;;) {
      switch (this.state) {
        case State.Head: {
          if (!this.skipEmptyLines()) return null;
          const headEnd = this.findSectionEnd('head');
          if (headEnd < 0) return null;
          const head = this.parseHead(this.start, headEnd);
          this.start = headEnd;
          return head;
        }
        case State.Length:
        case State.ChunkData: {
          if (this.remaining === 0) {
            if (this.state === State.ChunkData) { this.state = State.ChunkEnd; continue; }
            this.state = State.Head;
            return { type: 'end', trailers: EMPTY };
          }
          const n = Math.min(this.top - this.start, this.remaining);
          if (n === 0) return null;
          const data = this.buf.subarray(this.start, this.start + n);
          if (this.owned) this.lent = true;
          this.start += n;
          this.remaining -= n;
          return { type: 'data', data };
        }
        case State.ChunkSize:
          if (!this.readChunkSize()) return null;
          continue;
        case State.ChunkEnd: {
          const available = this.top - this.start;
          if (available === 0) return null;
          if (this.buf[this.start] !== CR || (available > 1 && this.buf[this.start + 1] !== LF)) {
            throw bad('chunk data is not followed by CRLF (the chunk is longer than its size says)');
          }
          if (available < 2) return null;
          this.start += 2;
          this.state = State.ChunkSize;
          continue;
        }
        case State.Trailers: {
          const sectionEnd = this.findSectionEnd('trailer section');
          if (sectionEnd < 0) return null;
          const trailers: HeaderField[] = [];
          this.parseFields(this.start, sectionEnd - 2, trailers);
          checkTrailers(trailers);
          this.start = sectionEnd;
          this.state = State.Head;
          return { type: 'end', trailers };
        }
        case State.Failed:
          throw this.failure;
      }
    }
  }

  /**
   * RFC 9112 §2.2: a server SHOULD ignore empty lines (CRLF) received before a request-line.
   * False when a lone CR is all there is: it may be the start of one more.
   */
  private skipEmptyLines(): boolean {
    if (this.scanned !== 0) return true;
    while (this.top - this.start >= 2 && this.buf[this.start] === CR && this.buf[this.start + 1] === LF) this.start += 2;
    if (this.start < this.top && this.buf[this.start] === LF) throw bad('a bare LF before the request line (only CRLF empty lines may precede it)');
    return !(this.top - this.start === 1 && this.buf[this.start] === CR);
  }

  /**
   * Finds the empty line that ends the head or trailer section starting at `start`, checking
   * on the way that each line ends in CRLF and that the section keeps to `maxHeaderSize`.
   * Returns the index just past it, or -1 for "need more bytes"; resumes where it stopped.
   */
  private findSectionEnd(what: string): number {
    const { buf, start, top: end } = this;
    for (;;) {
      const lf = buf.indexOf(LF, start + this.scanned);
      if (lf < 0 || lf >= end) {
        this.scanned = end - start;
        if (this.scanned > this.maxHeaderSize) throw new HttpParseError(431, `the ${what} is larger than maxHeaderSize (${this.maxHeaderSize} bytes)`);
        return -1;
      }
      const lineStart = start + this.lineStart;
      if (lf === lineStart || buf[lf - 1] !== CR) throw bad(`a line of the ${what} ends in a bare LF (RFC 9112 requires CRLF)`);
      const next = lf + 1;
      if (next - start > this.maxHeaderSize) throw new HttpParseError(431, `the ${what} is larger than maxHeaderSize (${this.maxHeaderSize} bytes)`);
      if (lf === lineStart + 1) {
        this.scanned = 0;
        this.lineStart = 0;
        return next;
      }
      this.scanned = next - start;
      this.lineStart = this.scanned;
    }
  }

  private parseHead(from: number, headEnd: number): RequestEvent {
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

  /** Parses the field lines in [from, to): `to` is the start of the section's final CRLF. Each line is known to end in CRLF. */
  private parseFields(from: number, to: number, into: HeaderField[]): void {
    const { buf } = this;
    let line = from;
    while (line < to) {
      const cr = buf.indexOf(LF, line) - 1;
      const first = buf[line]!;
      if (first === SP || first === HTAB) throw bad('a header line starts with whitespace (obs-fold, which RFC 9112 §5.2 lets a server reject)');
      let i = line;
      while (TOKEN[buf[i]!] === 1) i++;
      const byte = buf[i]!;
      if (byte !== COLON) {
        const name = buf.toString('latin1', line, i);
        if (byte === SP || byte === HTAB) throw bad(`whitespace before the colon in header '${name}' (RFC 9112 §5.1)`);
        if (i === cr) throw bad(`the header line '${name}' has no colon`);
        throw bad(`${describeByte(byte)} in the header name '${name}'`);
      }
      if (i === line) throw bad('a header line has an empty name');
      if (into.length >= this.maxHeaders) throw new HttpParseError(431, `more than ${this.maxHeaders} header fields (maxHeaders)`);
      const name = buf.toString('latin1', line, i).toLowerCase();
      // OWS may be a tab, but llhttp refuses one around a length: a length that one parser on
      // the path ignores and another reads is a desync, so we refuse it too.
      if (name === 'content-length' && buf.subarray(i + 1, cr).includes(HTAB)) throw bad('a tab in Content-Length');
      let v = i + 1;
      while (v < cr && (buf[v] === SP || buf[v] === HTAB)) v++;
      let ve = cr;
      while (ve > v && (buf[ve - 1] === SP || buf[ve - 1] === HTAB)) ve--;
      for (let k = v; k < ve; k++) {
        if (FIELD_VALUE[buf[k]!] === 0) throw bad(`${describeByte(buf[k]!)} in the value of header '${name}'`);
      }
      into.push([name, buf.toString('latin1', v, ve)]);
      line = cr + 2;
    }
  }

  /** Works out the body's framing from the header fields (RFC 9112 §6.3) and moves to the body state. */
  private frame(method: string, target: string, version: '1.0' | '1.1', headers: HeaderField[]): RequestEvent {
    let hosts = 0;
    let contentLength: string | undefined;
    let transferEncoding: string | undefined;
    let connection = '';
    let expect: string | undefined;
    for (const [name, value] of headers) {
      switch (name) {
        case 'host': hosts++; break;
        case 'content-length':
          for (const part of value.split(',')) {
            const length = part.trim();
            if (contentLength !== undefined) {
              throw bad(length === contentLength ? `Content-Length is repeated (${length})` : `Content-Length values differ (${contentLength} and ${length})`);
            }
            contentLength = length;
          }
          break;
        case 'transfer-encoding': transferEncoding = transferEncoding === undefined ? value : `${transferEncoding}, ${value}`; break;
        case 'connection': connection = connection === '' ? value : `${connection}, ${value}`; break;
        case 'expect': expect = value; break;
      }
    }
    if (version === '1.1' && hosts === 0) throw bad('an HTTP/1.1 request without a Host header (RFC 9112 §3.2)');
    if (hosts > 1) throw bad('more than one Host header (RFC 9112 §3.2)');

    let framing: RequestEvent['framing'] = 'none';
    let length: number | undefined;
    if (transferEncoding !== undefined) {
      if (contentLength !== undefined) throw bad('both Content-Length and Transfer-Encoding (the body could be read two ways: request smuggling)');
      if (version === '1.0') throw bad('Transfer-Encoding in an HTTP/1.0 request (RFC 9112 §6.1: the framing is faulty)');
      checkTransferEncoding(transferEncoding);
      framing = 'chunked';
      this.state = State.ChunkSize;
      this.bodyBytes = 0;
    } else if (contentLength !== undefined) {
      length = parseContentLength(contentLength);
      if (length > this.maxBodySize) throw new HttpParseError(413, `Content-Length ${length} is larger than maxBodySize (${this.maxBodySize} bytes)`);
      framing = 'length';
      this.state = State.Length;
      this.remaining = length;
    } else {
      this.state = State.Length;
      this.remaining = 0;
    }
    const tokens = connection.toLowerCase().split(',').map((t) => t.trim());
    const keepAlive = tokens.includes('close') ? false : version === '1.1' || tokens.includes('keep-alive');
    const expectContinue = version === '1.1' && expect !== undefined && expect.toLowerCase() === '100-continue';
    return { type: 'request', method, target, version, headers, framing, contentLength: length, keepAlive, expectContinue };
  }

  /** Reads a chunk-size line: `1*HEXDIG *( ";" ext-name [ "=" ext-value ] ) CRLF`. False for "need more bytes". */
  private readChunkSize(): boolean {
    const { buf, start, top: end } = this;
    const lf = buf.indexOf(LF, start);
    if (lf < 0 || lf >= end) {
      if (end - start > MAX_CHUNK_LINE) throw bad(`a chunk-size line is longer than ${MAX_CHUNK_LINE} bytes`);
      return false;
    }
    if (lf === start || buf[lf - 1] !== CR) throw bad('a chunk-size line ends in a bare LF (RFC 9112 requires CRLF)');
    const cr = lf - 1;
    let size = 0;
    let i = start;
    for (; i < cr; i++) {
      const digit = HEX_VALUE[buf[i]!]!;
      if (digit < 0) break;
      if (size > (Number.MAX_SAFE_INTEGER - digit) / 16) throw bad('the chunk size overflows');
      size = size * 16 + digit;
    }
    if (i === start) throw bad(`the chunk size is not hexadecimal (it starts with ${describeByte(buf[i]!)})`);
    if (i < cr) checkChunkExtensions(buf.toString('latin1', i, cr));
    this.bodyBytes += size;
    if (this.bodyBytes > this.maxBodySize) throw new HttpParseError(413, `the chunked body is larger than maxBodySize (${this.maxBodySize} bytes)`);
    this.start = lf + 1;
    this.remaining = size;
    this.state = size === 0 ? State.Trailers : State.ChunkData;
    return true;
  }
}

/** RFC 9110 §6.5.1: the framing fields cannot come after the body they frame. */
function checkTrailers(trailers: HeaderField[]): void {
  for (const [name] of trailers) {
    if (name === 'content-length' || name === 'transfer-encoding') throw bad(`${name} in the trailer section (a framing field, RFC 9110 §6.5.1)`);
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

/** Content-Length = 1*DIGIT (RFC 9110 §8.6): no sign, no spaces inside, no hex. */
function parseContentLength(text: string): number {
  if (!/^[0-9]+$/.test(text)) throw bad(`Content-Length '${text.slice(0, 32)}' is not a decimal number`);
  if (text.length > MAX_LENGTH_DIGITS) throw bad(`Content-Length ${text.slice(0, 32)} is too large`);
  return Number(text);
}

/** The only transfer coding this parser decodes is chunked, once, last (RFC 9112 §6.1, §7). */
function checkTransferEncoding(value: string): void {
  const codings = value.split(',').map((c) => c.trim().toLowerCase());
  // RFC 9110 §5.6.1 would have empty list elements ignored; llhttp refuses them, and so do we:
  // a framing header that two parsers could read two ways is how requests are smuggled.
  if (codings.includes('')) throw bad(`Transfer-Encoding '${value.slice(0, 64)}' has an empty list element`);
  const last = codings[codings.length - 1];
  if (last !== 'chunked') throw bad(`Transfer-Encoding '${value.slice(0, 64)}' does not end in chunked (RFC 9112 §6.3)`);
  if (codings.length > 1) {
    if (codings.indexOf('chunked') < codings.length - 1) throw bad(`Transfer-Encoding '${value.slice(0, 64)}' applies chunked more than once`);
    throw new HttpParseError(501, `Transfer-Encoding '${value.slice(0, 64)}': only chunked is implemented`);
  }
}

const CHUNK_EXTENSIONS = /^(?:;[!#$%&'*+\-.^_`|~0-9A-Za-z]+(?:=(?:[!#$%&'*+\-.^_`|~0-9A-Za-z]+|"(?:[\t !#-[\]-~\x80-\xff]|\\[\t -~\x80-\xff])*"))?)*$/;

/**
 * chunk-ext (RFC 9112 §7.1.1): ignored, but it must be well-formed. The grammar allows
 * whitespace (BWS) around `;` and `=`; we refuse it, as llhttp does since whitespace after a
 * chunk size let requests be smuggled past parsers that stopped reading the size there.
 */
function checkChunkExtensions(text: string): void {
  if (!CHUNK_EXTENSIONS.test(text)) throw bad(`malformed chunk size or extension '${text.slice(0, 64)}'`);
}
