/**
 * Buffered byte streams (Curio's `SocketStream` / `FileStream`): {@link Stream} over
 * any Node `Readable`/`Writable` pair (a child process's pipes, say) and
 * {@link SocketStream} over a connected {@link Socket}.
 * @packageDocumentation
 */
import { Buffer } from 'node:buffer';
import type { Readable, Writable } from 'node:stream';
import type { Operation } from '@curio/kernel';
import { NodeReader, type NodeReaderOptions } from './reader.js';
import { NodeWriter, checkBytes, type BytesLike } from './writer.js';
import { ioFailure } from '../io-error.js';
import type { Socket } from './socket.js';
import { describeValue } from '@curio/kernel';

/** How much `read()` with no size (or a negative one) takes at most. */
const MAX_READ = 64 * 1024;
const EMPTY = Buffer.alloc(0);

/**
 * What {@link Stream.forEachLine} calls per line: a generator function or a plain one; returning `false` stops.
 * @example
 * ```ts
 * const echo: LineHandler = function* (line) {
 *   if (line.toString() === 'quit\n') return false;   // stops the loop
 *   yield* stream.write(line);
 * };
 * yield* stream.forEachLine(echo);
 * ```
 */
export type LineHandler = (line: Buffer) => Operation<boolean | void> | boolean | void;

/**
 * A buffered byte stream whose reads and writes are operations. Reads come from a
 * {@link NodeReader}, writes go through a {@link NodeWriter}; either side may be
 * missing (a read-only or write-only stream). Reads never lose data to cancellation:
 * `readExactly`, `readline`, `readAll` and `readlines` take nothing from the buffer
 * until they can return.
 *
 * @example
 * ```ts
 * const s = Stream.fromNode(child.stdout, child.stdin);
 * yield* s.write('ping\n');
 * const reply = yield* s.readline();
 * ```
 */
export class Stream {
  /** The read side, or null for a write-only stream. */
  protected readonly reader: NodeReader | null;
  /** The write side, or null for a read-only stream. */
  protected readonly writer: NodeWriter | null;

  /** A stream over an existing reader and writer (either may be null). */
  constructor(reader: NodeReader | null, writer: NodeWriter | null) {
    this.reader = reader;
    this.writer = writer;
  }

  /**
   * A stream over a Node `Readable` and/or `Writable` (pass null for a missing side; pass
   * the same Duplex twice for a two-way stream). The stream takes them over.
   */
  static fromNode(readable: Readable | null, writable: Writable | null, options: NodeReaderOptions = {}): Stream {
    return new NodeStream(readable, writable, options);
  }

  /**
   * Reads at most `n` bytes; with no `n` (or a negative one) whatever is available, up
   * to 64 KiB. Waits only when nothing is buffered. An empty Buffer means end of stream.
   */
  *read(n = -1): Operation<Buffer> {
    const reader = this.readSide('read');
    if (n === 0) return EMPTY;
    return yield* reader.read(n < 0 ? MAX_READ : n);
  }

  /**
   * Reads until the end of the stream and returns all of it. No limit unless `maxBytes`
   * is given: then more than `maxBytes` bytes raise {@link LimitOverrunError} and stay
   * buffered.
   */
  *readAll(maxBytes = Infinity): Operation<Buffer> {
    return yield* this.readSide('readAll').readAll(maxBytes);
  }

  /**
   * Reads exactly `n` bytes. Up to `n` bytes are buffered until they have all arrived,
   * so check an `n` that comes from the peer (a length prefix) before passing it.
   * @throws IncompleteReadError (carrying the partial data in `partial`) if the stream ends first.
   */
  *readExactly(n: number): Operation<Buffer> {
    return yield* this.readSide('readExactly').readExactly(n);
  }

  /**
   * Reads a line, up to and including `\n`. At the end of the stream returns the last
   * partial line, then empty Buffers, so a loop ends on an empty line:
   * `for (;;) { const line = yield* s.readline(); if (!line.length) break; ... }`.
   * @throws LimitOverrunError for a line longer than {@link Stream.maxLineLength}
   * (default 64 KiB): nothing is taken, the bytes stay buffered and the stream usable.
   */
  *readline(): Operation<Buffer> {
    return yield* this.readSide('readline').readline();
  }

  /**
   * The longest line {@link Stream.readline} returns, in bytes with its `\n` (default
   * 64 KiB, as asyncio's); settable (a positive integer or `Infinity`).
   */
  get maxLineLength(): number {
    return this.readSide('maxLineLength').maxLineLength;
  }

  set maxLineLength(limit: number) {
    this.readSide('maxLineLength').maxLineLength = limit;
  }

  /** Reads until the end of the stream and returns the lines (each keeps its `\n`). */
  *readlines(): Operation<Buffer[]> {
    const all = yield* this.readSide('readlines').readAllAs('readlines');
    const lines: Buffer[] = [];
    let start = 0;
    while (start < all.length) {
      const nl = all.indexOf(0x0a, start);
      const end = nl < 0 ? all.length : nl + 1;
      lines.push(all.subarray(start, end));
      start = end;
    }
    return lines;
  }

  /**
   * Calls `body` with each line until the end of the stream, or until `body` returns
   * `false`. `body` may be a generator function (it can then block) or a plain one.
   *
   * ```ts
   * yield* s.forEachLine(function* (line) {
   *   yield* s.write(line.toString().toUpperCase());
   * });
   * ```
   */
  *forEachLine(body: LineHandler): Operation<void> {
    if (typeof body !== 'function') throw new TypeError(`forEachLine(): expected a function, got ${describeValue(body)}`);
    for (;;) {
      const line = yield* this.readline();
      if (line.length === 0) return;
      const result = body(line);
      const outcome = isOperation(result) ? yield* result : result;
      if (outcome === false) return;
    }
  }

  /** Writes all of `data`, waiting for Node's buffer to drain if it is full. */
  *write(data: BytesLike): Operation<void> {
    yield* this.writeSide('write').write(data);
  }

  /** Writes each of `lines` in turn (no separators are added). */
  *writelines(lines: Iterable<BytesLike>): Operation<void> {
    const writer = this.writeSide('writelines');
    if (lines === null || typeof (lines as Iterable<BytesLike>)[Symbol.iterator] !== 'function') {
      throw new TypeError('writelines(): expected an iterable of Buffers or strings');
    }
    for (const line of lines) {
      checkBytes('writelines', line);
      yield* writer.writeAs('writelines', line);
    }
  }

  /** Waits until what was written has left Node's buffer (down to its high-water mark). */
  *flush(): Operation<void> {
    yield* this.writeSide('flush').flush();
  }

  /** Closes the stream: written data is flushed, then the underlying resource is released. Idempotent. */
  close(): void {
    this.reader?.close();
    this.writer?.close();
  }

  /** `using s = sock.asStream()` closes it at the end of the block. */
  [Symbol.dispose](): void {
    this.close();
  }

  private readSide(operation: string): NodeReader {
    if (this.reader === null) throw ioFailure(`${operation}()`, '', 'EBADF', 'the stream is not readable');
    return this.reader;
  }

  private writeSide(operation: string): NodeWriter {
    if (this.writer === null) throw ioFailure(`${operation}()`, '', 'EBADF', 'the stream is not writable');
    return this.writer;
  }
}

/** A stream that owns its Node streams and releases them when closed. */
class NodeStream extends Stream {
  private closed = false;

  constructor(
    private readonly readable: Readable | null,
    private readonly writable: Writable | null,
    options: NodeReaderOptions,
  ) {
    super(readable === null ? null : new NodeReader(readable, options), writable === null ? null : new NodeWriter(writable, { describe: options.describe, kind: options.kind }));
  }

  override close(): void {
    if (this.closed) return;
    this.closed = true;
    super.close();
    const r: unknown = this.readable;
    const w = this.writable;
    if (w !== null && !w.destroyed) {
      w.end();
      // A Duplex is destroyed once its written data has been flushed.
      if (r === w) w.once('finish', () => w.destroy());
    }
    const readable = this.readable;
    if (readable !== null && r !== w && !readable.destroyed) readable.destroy();
  }
}

/**
 * The stream interface of a connected {@link Socket}, from {@link Socket.asStream}. It
 * shares the socket's receive buffer (mixing `sock.recv` and stream reads is safe, and
 * one task reads at a time across both). Closing the stream closes the socket.
 * @example
 * ```ts
 * const stream: SocketStream = client.asStream();
 * const line = yield* stream.readline();
 * yield* stream.write(line.toString().toUpperCase());
 * ```
 */
export class SocketStream extends Stream {
  /** The socket underneath. */
  readonly socket: Socket;

  /** @internal Made by {@link Socket.asStream}. */
  constructor(socket: Socket, reader: NodeReader, writer: NodeWriter) {
    super(reader, writer);
    this.socket = socket;
  }

  /** Closes the socket (flushing what was written). Idempotent. */
  override close(): void {
    this.socket.close();
  }
}

function isOperation(value: unknown): value is Operation<boolean | void> {
  return typeof value === 'object' && value !== null && typeof (value as Operation<unknown>).next === 'function' && typeof (value as Operation<unknown>).throw === 'function';
}
