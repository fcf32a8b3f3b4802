/**
 * {@link NodeWriter}: writes, as kernel operations, to any Node `Writable`, with
 * backpressure: a write that leaves Node's buffer over its high-water mark waits for
 * `'drain'`, so a slow reader cannot make the writer buffer without bound.
 * @packageDocumentation
 */
import { Buffer } from 'node:buffer';
import type { Writable } from 'node:stream';
import { CancelledError, SchedFIFO, WriteResourceBusy, type Operation, type Trap, requireTask, traceTrap, describeValue } from '@curio/kernel';
import { StreamOperation, WAIT } from './stream-operation.js';
import { ioError, ioFailure, type IOError } from '../io-error.js';

/**
 * Bytes to write: a Buffer or Uint8Array, or a string (written as UTF-8).
 * @example
 * ```ts
 * const data: BytesLike = 'hello\n';   // or a Buffer / Uint8Array
 * yield* stream.write(data);
 * ```
 */
export type BytesLike = Uint8Array | string;

/**
 * Options of {@link NodeWriter}.
 * @example
 * ```ts
 * const options: NodeWriterOptions = { describe: () => 'child stdin' };
 * const writer = new NodeWriter(child.stdin, options);
 * ```
 */
export interface NodeWriterOptions {
  /** Says what is being written to, for error messages (e.g. `'peer 127.0.0.1:80'`). */
  describe?: () => string;
  /**
   * Turns the {@link IOError} made from the stream's own failure into the error the
   * operation raises, e.g. an `SSLError` for a TLS stream (default: the IOError as is).
   * `operation` is the failing call's name (`'recv'`, `'readline'`, ...).
   */
  mapError?: (error: IOError, operation: string) => Error;
  /** The resource's kind in messages: `'the socket is closed'` (default `'stream'`). */
  kind?: string;
}

type WriterState = 'open' | 'closed' | 'detached';

/**
 * The largest piece of one write handed to Node at once. A bigger write goes in pieces,
 * each after the previous one drained, so a cancelled write leaves at most one piece
 * (plus Node's high-water mark) queued instead of the whole of it.
 */
const WRITE_PIECE = 64 * 1024;

/**
 * Writes to a Node `Writable` inside tasks. A write Node accepts without crossing its
 * high-water mark returns at once (no trap); otherwise the task waits in `WRITE_WAIT`
 * until `'drain'`. One task writes at a time: a second gets {@link WriteResourceBusy}.
 * Errors reach the writing task as an {@link IOError} with Node's `code`.
 *
 * @example
 * ```ts
 * const writer = new NodeWriter(child.stdin);
 * yield* writer.write(Buffer.from('hello\n'));
 * writer.end();
 * ```
 */
export class NodeWriter {
  /** The Node stream written to. */
  readonly writable: Writable;

  private busy = false;
  private failure: unknown = null;
  private state: WriterState = 'open';
  private readonly waiters = new SchedFIFO();
  private readonly describe: () => string;
  private readonly mapError: ((error: IOError, operation: string) => Error) | null;
  private readonly kind: string;

  constructor(writable: Writable, options: NodeWriterOptions = {}) {
    this.writable = writable;
    this.describe = options.describe ?? (() => '');
    this.mapError = options.mapError ?? null;
    this.kind = options.kind ?? 'stream';
    writable.on('drain', this.onDrain);
    writable.on('error', this.onError);
    writable.on('close', this.onDrain);
  }

  /**
   * Writes all of `data` (Python's `sendall`): returns once Node has accepted it and
   * its buffer is back under the high-water mark. If the buffer is already full from an
   * earlier (cancelled) write, waits for it to drain first, so a write cancelled before
   * it starts sends nothing. Data over 64 KiB is handed over in
   * pieces, each once the previous one drained: a write cancelled midway leaves at most
   * one piece queued in Node (which still sends it), the rest is not written; the
   * `CancelledError` then has `bytesSent`, the bytes handed on (see `Socket.sendall`).
   */
  write(data: BytesLike): Operation<void> {
    return this.writeAs('write', data);
  }

  /** @internal {@link NodeWriter.write} named `operation` in messages (`sendall`, `writelines`). */
  writeAs(operation: string, data: BytesLike): Operation<void> {
    // A string of up to WRITE_PIECE / 3 characters is at most WRITE_PIECE bytes of UTF-8.
    if ((typeof data === 'string' || data instanceof Uint8Array) && data.length > (typeof data === 'string' ? WRITE_PIECE / 3 : WRITE_PIECE)) {
      return this.writeLarge(operation, data);
    }
    // Hand-written, not a function*: this is every server's hot path (see stream-operation.ts).
    return new StreamOperation<void>(this, operation, data);
  }

  /**
   * @internal The first step of a write of at most one piece: done (undefined) if Node
   * took it under its high-water mark, or WAIT (the writer is then busy until
   * `_release`).
   */
  _start(op: StreamOperation<void>): undefined | typeof WAIT {
    const operation = op.operation;
    requireTask(operation);
    if (this.busy) throw this.busyError(operation);
    checkBytes(operation, op.arg);
    return this._resume(op);
  }

  /** @internal A write's step after a wake-up: done (undefined), or WAIT for `'drain'`. */
  _resume(op: StreamOperation<void>): undefined | typeof WAIT {
    const w = this.writable;
    for (;;) {
      this.check(op.operation);
      if (w.writableNeedDrain) break;
      if (op.written) return undefined;
      op.written = true;
      if (w.write(op.arg as BytesLike)) return undefined;
    }
    this.busy = true;
    return WAIT;
  }

  /** @internal The trap a waiting write parks on. */
  _trap(): Trap {
    return this.waiters.trap('WRITE_WAIT');
  }

  /** @internal A write that waited is over. */
  _release(): void {
    this.busy = false;
  }

  /** @internal A waiting write was interrupted by `error`: a cancellation learns how much it had handed on. */
  _interrupted(op: StreamOperation<void>, error: unknown): void {
    if (error instanceof CancelledError) error.bytesSent = op.written ? byteLength(op.arg as BytesLike) : 0;
  }

  /** A write of more than one piece: requireTask and the checks, then {@link NodeWriter.writeInPieces}. */
  private *writeLarge(operation: string, data: BytesLike): Operation<void> {
    requireTask(operation);
    if (this.busy) throw this.busyError(operation);
    return yield* this.writeInPieces(typeof data === 'string' ? Buffer.from(data) : data, operation);
  }

  /**
   * Writes `data` once Node's buffer has room, without waiting for it to drain
   * afterwards (Python's `send`). Returns the number of bytes accepted: all of them.
   */
  send(data: BytesLike): Operation<number> {
    return this.sendAs('send', data);
  }

  /** @internal {@link NodeWriter.send} named `operation` in messages. */
  *sendAs(operation: string, data: BytesLike): Operation<number> {
    requireTask(operation);
    if (this.busy) throw this.busyError(operation);
    checkBytes(operation, data);
    const w = this.writable;
    const length = byteLength(data);
    if (this.failure === null && this.state === 'open' && w.writable && !w.writableNeedDrain) {
      w.write(data);
      return length;
    }
    this.busy = true;
    try {
      yield* this.drained(operation);
      w.write(data);
      return length;
    } finally {
      this.busy = false;
    }
  }

  /** Waits until Node's write buffer is under its high-water mark. */
  *flush(): Operation<void> {
    const operation = 'flush';
    requireTask(operation);
    if (this.busy) throw this.busyError(operation);
    if (this.failure === null && this.state === 'open' && !this.writable.writableNeedDrain) return;
    this.busy = true;
    try {
      yield* this.drained(operation);
    } finally {
      this.busy = false;
    }
  }

  /**
   * Ends the writing side: what was written is flushed, then the peer sees the end of
   * the stream. Later writes fail with `EPIPE`.
   */
  end(): void {
    if (this.state === 'open' && !this.writable.writableEnded && !this.writable.destroyed) this.writable.end();
  }

  /**
   * Marks the writer closed: a waiting write fails and later writes fail with `EBADF`.
   * The Node stream is left to its owner; the writer's `'error'` listener stays on it.
   */
  close(): void {
    if (this.state !== 'open') return;
    this.state = 'closed';
    this.waiters.wake(Infinity);
  }

  /** Removes the writer's listeners and hands the stream back to plain Node use. */
  detach(): Writable {
    if (this.state === 'detached') return this.writable;
    this.state = 'detached';
    this.writable.off('drain', this.onDrain);
    this.writable.off('error', this.onError);
    this.writable.off('close', this.onDrain);
    this.waiters.wake(Infinity);
    return this.writable;
  }

  private readonly onDrain = (): void => {
    this.waiters.wake(Infinity);
  };

  private readonly onError = (error: unknown): void => {
    if (this.failure === null) this.failure = error;
    this.waiters.wake(Infinity);
  };

  /** Writes `bytes` one piece at a time, each once Node's buffer drained. */
  private *writeInPieces(bytes: Uint8Array, operation: string): Operation<void> {
    this.busy = true;
    let sent = 0;
    try {
      while (sent < bytes.length) {
        yield* this.drained(operation);
        const piece = bytes.subarray(sent, sent + WRITE_PIECE);
        this.writable.write(piece);
        sent += piece.length;
      }
      yield* this.drained(operation);
    } catch (error) {
      if (error instanceof CancelledError) error.bytesSent = sent;
      throw error;
    } finally {
      this.busy = false;
    }
  }

  /** Waits while Node's buffer is over its high-water mark; throws if writing cannot go on. */
  private *drained(operation: string): Operation<void> {
    for (;;) {
      this.check(operation);
      if (!this.writable.writableNeedDrain) return;
      yield traceTrap(this.waiters.trap('WRITE_WAIT'));
    }
  }

  /** Throws if writing cannot go on. Node's `writable` is false once the stream ended, was destroyed or failed. */
  private check(operation: string): void {
    if (this.state !== 'open' || this.failure !== null || !this.writable.writable) throw this.cannotWrite(operation);
  }

  /** Why writing cannot go on, most specific reason first (out of line: check() is on every write's path). */
  private cannotWrite(operation: string): Error {
    if (this.state !== 'open') return ioFailure(`${operation}()`, this.describe(), 'EBADF', `the ${this.kind} is closed`);
    if (this.failure !== null) return this.streamFailure(operation);
    if (this.writable.writableEnded) return ioFailure(`${operation}()`, this.describe(), 'EPIPE', `the ${this.kind} was shut down for writing`);
    return ioFailure(`${operation}()`, this.describe(), 'EPIPE', `the ${this.kind} was closed by the other side`);
  }

  /** The stream's failure as the error `operation` raises (see `mapError`). */
  private streamFailure(operation: string): Error {
    const error = ioError(`${operation}()`, this.describe(), this.failure);
    return this.mapError === null ? error : this.mapError(error, operation);
  }

  private busyError(operation: string): WriteResourceBusy {
    const where = this.describe();
    return new WriteResourceBusy(`${operation}(): another task is already writing to this ${this.kind}${where === '' ? '' : ` (${where})`}`);
  }
}

function byteLength(data: BytesLike): number {
  return typeof data === 'string' ? Buffer.byteLength(data) : data.length;
}

/** Throws a clear TypeError unless `data` is bytes or a string. */
export function checkBytes(operation: string, data: unknown): asserts data is BytesLike {
  if (typeof data !== 'string' && !(data instanceof Uint8Array)) {
    throw new TypeError(`${operation}(): expected a Buffer, Uint8Array or string, got ${describeValue(data)}`);
  }
}
