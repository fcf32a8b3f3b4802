/**
 * {@link ServerResponse}: how a handler answers, over a {@link ResponseWriter}.
 * @packageDocumentation
 * @internal
 */
import { describeValue } from '@curio/kernel';
import { Buffer } from 'node:buffer';
import type { Operation } from '@curio/kernel';
import { headerList, type OutgoingHeaders } from '../headers.js';
import type { RequestEvent } from '../parser.js';
import { ResponseWriter, type OutgoingHeader } from '../serializer.js';
import { httpDate } from './date.js';
import type { HttpResponse } from './types.js';

/** @internal What a response needs of its connection. */
export interface ResponseChannel {
  /** Sends bytes to the client (backpressure: waits while the client is slow to read). */
  send(data: Uint8Array): Operation<void>;
  /** Whether the connection is to close after this response; asked as the head is made (again if making it failed). */
  closeAfterResponse(): boolean;
}

const EMPTY = new Uint8Array(0);
/** Pieces of a chunked write up to this size are joined into one write; past it the copy would cost more than the extra writes. */
const JOIN_LIMIT = 64 * 1024;

/** @internal An {@link HttpResponse} to one request. */
export class ServerResponse implements HttpResponse {
  headersSent = false;
  finished = false;
  /** Whether the connection closes after this response (known once the head is made). */
  closes = false;
  private readonly channel: ResponseChannel;
  private readonly request: RequestEvent;
  private writer: ResponseWriter | null = null;
  /**
   * A streamed response's head, made and sent with the first piece of the body: so they go
   * in one write, and a 100 Continue can still go before it if the handler reads the body
   * after `start()`.
   */
  private pending: { status: number; headers: readonly OutgoingHeader[]; contentLength: number | undefined } | null = null;

  constructor(channel: ResponseChannel, request: RequestEvent) {
    this.channel = channel;
    this.request = request;
  }

  send(status: number, body?: string | Uint8Array, headers?: OutgoingHeaders): Operation<void> {
    this.checkNotStarted('send');
    const bytes = toBytes(body, 'send');
    const writer = new ResponseWriter(this.request);
    const { fields, contentLength } = splitContentLength(headerList(headers, 'send()'), 'send()');
    // A Content-Length of its own must be the body's, but for HEAD, which tells the length of a body it does not send.
    if (contentLength !== undefined && contentLength !== bytes.length && !(this.request.method === 'HEAD' && bytes.length === 0)) {
      throw new TypeError(`HttpResponse.send(): content-length ${contentLength} is not the body's length (${bytes.length} bytes)`);
    }
    const head = this.makeHead(writer, status, fields, contentLength ?? bytes.length);
    this.finished = true;
    // A HEAD, 204 or 304 response goes without its body.
    return this.channel.send(writer.framing === 'none' || bytes.length === 0 ? head : Buffer.concat([head, bytes]));
  }

  *start(status: number, headers?: OutgoingHeaders): Operation<void> {
    this.checkNotStarted('start');
    const { fields, contentLength } = splitContentLength(headerList(headers, 'start()'), 'start()');
    // Made and sent with the first piece of the body (a bad status or header fails there).
    this.writer = new ResponseWriter(this.request);
    this.pending = { status, headers: fields, contentLength };
    this.headersSent = true;
  }

  *write(chunk: string | Uint8Array): Operation<void> {
    const writer = this.streaming('write');
    const head = this.pendingHead(writer);
    yield* this.flush(head, writer.data(toBytes(chunk, 'write')), null);
  }

  *end(trailers?: OutgoingHeaders): Operation<void> {
    const writer = this.streaming('end');
    const head = this.pendingHead(writer);
    const last = writer.end(headerList(trailers, 'end()'));
    this.finished = true;
    yield* this.flush(head, [], last);
  }

  /**
   * Forgets a streamed response whose head has not gone out yet (`start()` without a
   * write), so that an error response can take its place; true if it did. A body read
   * that fails after `start()` (a bad chunk, past maxBodySize) still gets its 400 or 413.
   */
  abandonUnsent(): boolean {
    if (this.pending === null) return false;
    this.pending = null;
    this.writer = null;
    this.headersSent = false;
    return true;
  }

  /** The head of a streamed response if it has not been sent yet. */
  private pendingHead(writer: ResponseWriter): Uint8Array | null {
    const pending = this.pending;
    if (pending === null) return null;
    const head = this.makeHead(writer, pending.status, pending.headers, pending.contentLength);
    // Only once it is made: a head that failed (a bad header) can still give way to a 500.
    this.pending = null;
    return head;
  }

  /** Sends `head` (if any), `pieces` and `last`, joined when small. */
  private *flush(head: Uint8Array | null, pieces: readonly Uint8Array[], last: Uint8Array | null): Operation<void> {
    const out: Uint8Array[] = [];
    if (head !== null) out.push(head);
    out.push(...pieces);
    if (last !== null && last.length > 0) out.push(last);
    let size = 0;
    for (const piece of out) size += piece.length;
    if (size === 0) return;
    if (out.length === 1 || size <= JOIN_LIMIT) {
      yield* this.channel.send(out.length === 1 ? out[0]! : Buffer.concat(out, size));
      return;
    }
    for (const piece of out) yield* this.channel.send(piece);
  }

  /** The head, with Date and the framing; whether the connection closes after it is decided here. */
  private makeHead(writer: ResponseWriter, status: number, headers: readonly OutgoingHeader[], contentLength: number | undefined): Uint8Array {
    const head = writer.head(status, headers, { contentLength, close: this.channel.closeAfterResponse(), date: httpDate() });
    // Set once the head is made: a handler whose head was refused still gets its 500.
    this.headersSent = true;
    this.closes = writer.mustClose;
    return head;
  }

  private checkNotStarted(operation: string): void {
    if (this.headersSent) throw new Error(`HttpResponse.${operation}(): the response has already been started`);
  }

  private streaming(operation: string): ResponseWriter {
    if (this.writer === null) throw new Error(`HttpResponse.${operation}(): call start() first`);
    if (this.finished) throw new Error(`HttpResponse.${operation}(): the response has already ended`);
    return this.writer;
  }
}

function toBytes(data: string | Uint8Array | undefined, operation: string): Uint8Array {
  if (data === undefined) return EMPTY;
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (data instanceof Uint8Array) return data;
  throw new TypeError(`HttpResponse.${operation}(): the body must be a string or a Uint8Array, got ${describeValue(data)}`);
}

/** The fields without a Content-Length a handler gave, and its value (checked: one, a number of bytes). */
function splitContentLength(list: readonly OutgoingHeader[], where: string): { fields: readonly OutgoingHeader[]; contentLength: number | undefined } {
  const at = list.findIndex(([name]) => name.toLowerCase() === 'content-length');
  if (at < 0) return { fields: list, contentLength: undefined };
  const text = list[at]![1].trim();
  if (!/^[0-9]{1,15}$/.test(text)) throw new TypeError(`${where}: content-length must be a number of bytes, got '${text}'`);
  if (list.findIndex(([name], i) => i > at && name.toLowerCase() === 'content-length') >= 0) throw new TypeError(`${where}: more than one content-length header`);
  return { fields: list.filter((_, i) => i !== at), contentLength: Number(text) };
}
