/**
 * What the request and the response parser share (RFC 9112): the buffer they are fed, the
 * search for the end of a head or trailer section, header field lines, the body framings
 * (Content-Length, chunked with trailers, until close) and the limits on all of them.
 * {@link RequestParser} and `ResponseParser` add only their start line and framing rules.
 * @packageDocumentation
 */
import { Buffer } from 'node:buffer';
import { HttpParseError } from './errors.js';
import { COLON, CR, describeByte, FIELD_VALUE, HEX_VALUE, HTAB, LF, SP, TOKEN } from './syntax.js';

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
 * The limits of a {@link RequestParser} (and a `ResponseParser`). Anything a peer sends is
 * bounded by one of them.
 *
 * @example
 * ```ts
 * import { RequestParser, type ParserLimits } from '@curio/http';
 * const limits: ParserLimits = { maxHeaderSize: 8 * 1024, maxHeaders: 50, maxBodySize: 1 << 20 };
 * const parser = new RequestParser(limits);
 * ```
 */
export interface ParserLimits {
  /** Most bytes in a head (start line and header fields) or a trailer section; more is a 431. Default 16 KiB, as Node's `maxHeaderSize`. */
  maxHeaderSize?: number;
  /** Most header fields in a head or a trailer section; more is a 431. Default 100. */
  maxHeaders?: number;
  /** Most body bytes in one message; more is a 413. Default: no limit. */
  maxBodySize?: number;
}

/**
 * A piece of a message body. `data` is a view of bytes the parser was fed (or of its own
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
 * The end of a message; `trailers` holds a chunked body's trailer fields (else empty).
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

/** How a body is delimited: no body, Content-Length, chunked, or the end of the connection (responses only). */
export type BodyFraming = 'none' | 'length' | 'chunked' | 'close';

/** The header fields that frame a message, gathered and checked (RFC 9112 §6). @internal */
export interface FramingFields {
  /** The one Content-Length value (a repeated or differing one was refused). */
  contentLength: string | undefined;
  /** All Transfer-Encoding values joined with ', '. */
  transferEncoding: string | undefined;
  /** The Connection options, lower case. */
  connection: string[];
}

const enum State { Head, Length, ChunkSize, ChunkData, ChunkEnd, Trailers, UntilClose, Failed }

const DEFAULT_MAX_HEADER_SIZE = 16 * 1024;
const DEFAULT_MAX_HEADERS = 100;
/** A chunk-size line (size and extensions) longer than this is refused: extensions are unbounded otherwise. */
const MAX_CHUNK_LINE = 4096;
/** 2^53 - 1 has 16 digits; more could not be a safe integer, and no body is that large. */
const MAX_LENGTH_DIGITS = 15;
const EMPTY: HeaderField[] = [];

/** A malformed message: a 400 (on the server side the status to answer with). @internal */
export function bad(message: string): HttpParseError {
  return new HttpParseError(400, message);
}

/**
 * The parsing machinery of one connection's messages, one after another: `feed` bytes,
 * call `next()` until it returns `null`. A subclass reads the head (`readHead`, which calls
 * `beginBody` with the framing it worked out); this class reads the body and the trailers.
 * Not exported from the package: use {@link RequestParser} or `ResponseParser`.
 */
export abstract class MessageParser<Head> {
  private readonly maxHeaderSize: number;
  protected readonly maxHeaders: number;
  private readonly maxBodySize: number;
  protected buf: Buffer = Buffer.alloc(0);
  /** Whether `buf` is storage of our own (so it may be appended to), not a chunk we were fed. */
  private owned = false;
  /** Whether a body view of our own storage was handed out: its bytes may no longer be moved over. */
  private lent = false;
  /** The bytes not yet consumed are `buf[start, top)`. */
  protected start = 0;
  protected top = 0;
  /** Where to resume looking for the end of a head or trailer section, relative to `start`. */
  protected scanned = 0;
  private lineStart = 0;
  private state = State.Head;
  private remaining = 0;
  private bodyBytes = 0;
  protected eof = false;
  private failure: HttpParseError | undefined;

  /** `what` names the messages in errors: 'request' or 'response'. */
  constructor(limits: ParserLimits, private readonly what: string) {
    this.maxHeaderSize = limits.maxHeaderSize ?? DEFAULT_MAX_HEADER_SIZE;
    this.maxHeaders = limits.maxHeaders ?? DEFAULT_MAX_HEADERS;
    this.maxBodySize = limits.maxBodySize ?? Infinity;
  }

  /** Adds bytes received from the peer. */
  feed(chunk: Uint8Array): void {
    if (this.eof) throw new Error(`${this.constructor.name}.feed() after end()`);
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

  /** Tells the parser the peer closed its side: `next()` then throws if a message was cut off. */
  end(): void {
    this.eof = true;
  }

  /** True between messages with no bytes of the next one received: a connection closed now loses nothing. */
  get idle(): boolean {
    return this.state === State.Head && this.start === this.top;
  }

  /**
   * The next event, or `null` when more bytes are needed.
   * @throws HttpParseError for a message that breaks RFC 9112 or a limit (and on every call after).
   */
  next(): Head | DataEvent | EndOfMessageEvent | null {
    if (this.failure !== undefined) throw this.failure;
    try {
      const event = this.step();
      if (event === null && this.eof && !this.idle) throw bad(`the connection closed in the middle of a ${this.what}${this.cutOff()}`);
      return event;
    } catch (e) {
      if (e instanceof HttpParseError) {
        this.failure = e;
        this.state = State.Failed;
      }
      throw e;
    }
  }

  /** Whether a head may start at `start` (false: more bytes are needed first); throws for bytes that cannot start one. */
  protected abstract headMayStart(): boolean;

  /** Parses the head in [from, headEnd) (its section end known), calling `beginBody` with the framing it works out. */
  protected abstract parseHead(from: number, headEnd: number): Head;

  /** Moves to reading a body framed by `framing` (`length` is the Content-Length). */
  protected beginBody(framing: BodyFraming, length = 0): void {
    this.bodyBytes = 0;
    switch (framing) {
      case 'none':
        this.state = State.Length;
        this.remaining = 0;
        break;
      case 'length':
        if (length > this.maxBodySize) throw new HttpParseError(413, `Content-Length ${length} is larger than maxBodySize (${this.maxBodySize} bytes)`);
        this.state = State.Length;
        this.remaining = length;
        break;
      case 'chunked':
        this.state = State.ChunkSize;
        break;
      case 'close':
        this.state = State.UntilClose;
        break;
    }
  }

  /** Where a message was cut off, for the error. */
  private cutOff(): string {
    switch (this.state) {
      case State.Head: return ` (in its head)`;
      case State.Length: return ` (after ${this.bodyBytes} of its ${this.bodyBytes + this.remaining} body bytes)`;
      default: return ` (in its chunked body, after ${this.bodyBytes} bytes)`;
    }
  }

  private step(): Head | DataEvent | EndOfMessageEvent | null {
    for (;;) {
      switch (this.state) {
        case State.Head: {
          if (!this.headMayStart()) return null;
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
          if (this.state === State.Length) this.bodyBytes += n;
          this.remaining -= n;
          return this.take(n);
        }
        case State.UntilClose: {
          const n = this.top - this.start;
          if (n === 0) {
            if (!this.eof) return null;
            this.state = State.Head;
            return { type: 'end', trailers: EMPTY };
          }
          this.bodyBytes += n;
          if (this.bodyBytes > this.maxBodySize) throw new HttpParseError(413, `the body is larger than maxBodySize (${this.maxBodySize} bytes)`);
          return this.take(n);
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

  private take(n: number): DataEvent {
    const data = this.buf.subarray(this.start, this.start + n);
    if (this.owned) this.lent = true;
    this.start += n;
    return { type: 'data', data };
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

  /** Parses the field lines in [from, to): `to` is the start of the section's final CRLF. Each line is known to end in CRLF. */
  protected parseFields(from: number, to: number, into: HeaderField[]): void {
    const { buf } = this;
    let line = from;
    while (line < to) {
      const cr = buf.indexOf(LF, line) - 1;
      const first = buf[line]!;
      if (first === SP || first === HTAB) throw bad('a header line starts with whitespace (obs-fold, which RFC 9112 §5.2 lets a recipient reject)');
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

/** Gathers the framing fields of a head, refusing a repeated or differing Content-Length. @internal */
export function framingFields(headers: HeaderField[]): FramingFields {
  let contentLength: string | undefined;
  let transferEncoding: string | undefined;
  let connection = '';
  for (const [name, value] of headers) {
    switch (name) {
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
    }
  }
  return { contentLength, transferEncoding, connection: connection.toLowerCase().split(',').map((t) => t.trim()) };
}

/** Whether the sender lets the connection stay open after this message (by version and `Connection`, RFC 9112 §9.3). @internal */
export function persistent(version: '1.0' | '1.1', connection: string[]): boolean {
  return connection.includes('close') ? false : version === '1.1' || connection.includes('keep-alive');
}

/**
 * The framing of a body by its header fields (RFC 9112 §6.3): chunked, or by
 * Content-Length, or `otherwise` when there is neither (no body for a request, until close
 * for a response). Anything that could be read two ways is refused. @internal
 */
export function framingOf<O extends 'none' | 'close'>(fields: FramingFields, version: '1.0' | '1.1', what: 'request' | 'response', otherwise: O): { framing: 'length' | 'chunked' | O; length: number | undefined } {
  const { contentLength, transferEncoding } = fields;
  if (transferEncoding !== undefined) {
    if (contentLength !== undefined) throw bad(`both Content-Length and Transfer-Encoding (the body could be read two ways: ${what === 'request' ? 'request smuggling' : 'response splitting'})`);
    if (version === '1.0') throw bad(`Transfer-Encoding in an HTTP/1.0 ${what} (RFC 9112 §6.1: the framing is faulty)`);
    checkTransferEncoding(transferEncoding);
    return { framing: 'chunked', length: undefined };
  }
  if (contentLength !== undefined) return { framing: 'length', length: parseContentLength(contentLength) };
  return { framing: otherwise, length: undefined };
}

/** Content-Length = 1*DIGIT (RFC 9110 §8.6): no sign, no spaces inside, no hex. */
function parseContentLength(text: string): number {
  if (!/^[0-9]+$/.test(text)) throw bad(`Content-Length '${text.slice(0, 32)}' is not a decimal number`);
  if (text.length > MAX_LENGTH_DIGITS) throw bad(`Content-Length ${text.slice(0, 32)} is too large`);
  return Number(text);
}

/** The only transfer coding decoded here is chunked, once, last (RFC 9112 §6.1, §7). */
function checkTransferEncoding(value: string): void {
  const codings = value.split(',').map((c) => c.trim().toLowerCase());
  // RFC 9110 §5.6.1 would have empty list elements ignored; llhttp refuses them, and so do we:
  // a framing header that two parsers could read two ways is how messages are smuggled.
  if (codings.includes('')) throw bad(`Transfer-Encoding '${value.slice(0, 64)}' has an empty list element`);
  const last = codings[codings.length - 1];
  if (last !== 'chunked') throw bad(`Transfer-Encoding '${value.slice(0, 64)}' does not end in chunked (RFC 9112 §6.3)`);
  if (codings.length > 1) {
    if (codings.indexOf('chunked') < codings.length - 1) throw bad(`Transfer-Encoding '${value.slice(0, 64)}' applies chunked more than once`);
    throw new HttpParseError(501, `Transfer-Encoding '${value.slice(0, 64)}': only chunked is implemented`);
  }
}

/** RFC 9110 §6.5.1: the framing fields cannot come after the body they frame. */
function checkTrailers(trailers: HeaderField[]): void {
  for (const [name] of trailers) {
    if (name === 'content-length' || name === 'transfer-encoding') throw bad(`${name} in the trailer section (a framing field, RFC 9110 §6.5.1)`);
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
