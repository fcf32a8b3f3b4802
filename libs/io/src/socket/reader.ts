/**
 * {@link NodeReader}: pull-based reads, as kernel operations, over any Node `Readable`
 * (a TCP or Unix socket, a TLS socket, a child process pipe).
 *
 * Received bytes live in a chunk list owned by the reader, never only in a wake-up
 * value, so a cancelled read loses nothing. Reads are paced by the reader: when no task
 * is waiting and the list holds a high-water mark's worth, the Node stream is paused
 * (and Node in turn stops reading from the kernel, so the peer's writes block).
 * @packageDocumentation
 */
import { Buffer } from 'node:buffer';
import type { Readable } from 'node:stream';
import { ReadResourceBusy, SchedFIFO, type Operation, type Trap, requireTask, traceTrap, describeValue } from '@curio/kernel';
import { StreamOperation, WAIT } from './stream-operation.js';
import { IncompleteReadError, LimitOverrunError, ioError, ioFailure, type IOError } from '../io-error.js';

/**
 * Options of {@link NodeReader}.
 * @example
 * ```ts
 * const options: NodeReaderOptions = { highWaterMark: 16 * 1024, describe: () => 'child stdout' };
 * const reader = new NodeReader(child.stdout, options);
 * ```
 */
export interface NodeReaderOptions {
  /**
   * Pause the Node stream when this many bytes are buffered and no task is reading
   * (default 64 KiB).
   */
  highWaterMark?: number;
  /**
   * The longest line {@link NodeReader.readline} returns, in bytes with its `\n`
   * (default 64 KiB, as asyncio's); a longer one raises {@link LimitOverrunError}.
   */
  maxLineLength?: number;
  /** Says what is being read, for error messages (e.g. `'peer 127.0.0.1:80'`). */
  describe?: () => string;
  /**
   * Turns the {@link IOError} made from the stream's own failure into the error the
   * operation raises, e.g. an `SSLError` for a TLS stream (default: the IOError as is).
   * `operation` is the failing call's name (`'recv'`, `'readline'`, ...).
   */
  mapError?: (error: IOError, operation: string) => Error;
  /** The resource's kind in messages: `'the socket is closed'` (default `'stream'`). */
  kind?: string;
  /**
   * Start reading into the reader's buffer at once (up to the high-water mark), not at
   * the first read. For streams whose owner discards data nobody listens for: Node
   * drains a child process's unread output pipes when the child exits.
   */
  readNow?: boolean;
  /**
   * @internal The stream's owner hands each chunk to {@link NodeReader._received}
   * itself (a socket reading through Node's `onread`, see onread.ts); the reader does
   * not listen for `'data'`. Starting and pausing still go through the stream.
   */
  delivered?: boolean;
}

const EMPTY = Buffer.alloc(0);
const NEWLINE = 0x0a;
const DEFAULT_HIGH_WATER = 64 * 1024;
const DEFAULT_MAX_LINE = 64 * 1024;

/** Why the reader stopped: still open, closed by its owner, or handed back to raw Node use. */
type ReaderState = 'open' | 'closed' | 'detached';

/**
 * Reads from a Node `Readable` inside tasks. Every read is an operation that returns at
 * once (no trap) when enough bytes are buffered and otherwise waits in `READ_WAIT`. One task reads at a time: a second gets {@link ReadResourceBusy}. A
 * stream error is reported (as an {@link IOError} carrying Node's `code`) only after the
 * bytes received before it have been read.
 *
 * `Socket` and `Stream` are built on it; use it directly to read a pipe:
 * @example
 * ```ts
 * const reader = new NodeReader(child.stdout);
 * const line = yield* reader.readline();
 * ```
 */
export class NodeReader {
  /** The Node stream read from. */
  readonly readable: Readable;

  /**
   * The buffered bytes: `first` (EMPTY when nothing is buffered), then `more[head..tail)`.
   * A server reads each chunk before the next arrives, so the common case touches one
   * field and no array (a cache line less per read with thousands of connections).
   * Slots of `more` are reused, never truncated (no reallocation per read).
   */
  private first: Buffer = EMPTY;
  private size = 0;
  private more: Buffer[] = [];
  private head = 0;
  private tail = 0;
  /** How many buffered bytes the waiting task needs before it is worth waking. */
  private need = 1;
  private started = false;
  private paused = false;
  private eof = false;
  private failure: unknown = null;
  private state: ReaderState = 'open';
  private busy = false;
  private readonly waiters = new SchedFIFO();
  private readonly highWater: number;
  private lineLimit: number;
  private readonly describe: () => string;
  private readonly mapError: ((error: IOError, operation: string) => Error) | null;
  private readonly kind: string;
  private readonly listens: boolean;

  constructor(readable: Readable, options: NodeReaderOptions = {}) {
    this.readable = readable;
    this.listens = options.delivered !== true;
    this.highWater = options.highWaterMark ?? DEFAULT_HIGH_WATER;
    this.lineLimit = checkLimit('NodeReader(): maxLineLength', options.maxLineLength ?? DEFAULT_MAX_LINE);
    this.describe = options.describe ?? (() => '');
    this.mapError = options.mapError ?? null;
    this.kind = options.kind ?? 'stream';
    readable.on('end', this.onEnd);
    readable.on('error', this.onError);
    readable.on('close', this.onClose);
    if (readable.readableEnded) this.eof = true;
    else if (readable.destroyed) this.onClose();
    else if (options.readNow === true) this.start();
  }

  /** Bytes received and buffered here, not yet read. */
  get buffered(): number {
    return this.size;
  }

  /**
   * The longest line {@link NodeReader.readline} returns, in bytes with its `\n`
   * (default 64 KiB). Settable; a positive integer or `Infinity`.
   */
  get maxLineLength(): number {
    return this.lineLimit;
  }

  set maxLineLength(limit: number) {
    this.lineLimit = checkLimit('maxLineLength', limit);
  }

  /** True once the end of the stream has been seen (more bytes may still be buffered). */
  get atEof(): boolean {
    return this.eof;
  }

  /**
   * Reads at most `n` bytes: whatever is buffered (up to `n`) at once, otherwise waits
   * for data. Returns an empty Buffer at the end of the stream (and for `n = 0`).
   */
  read(n: number): Operation<Buffer> {
    return this.readAs('read', n);
  }

  /** @internal {@link NodeReader.read} named `operation` in messages (`recv`, `recvfrom`). */
  readAs(operation: string, n: number): Operation<Buffer> {
    // Hand-written, not a function*: this is every server's hot path (see stream-operation.ts).
    return new StreamOperation<Buffer>(this, operation, n);
  }

  /** @internal The first step of a read: the bytes at once, or WAIT (the reader is then busy until `_release`). */
  _start(op: StreamOperation<Buffer>): Buffer | typeof WAIT {
    const operation = op.operation;
    const n = op.arg as number;
    requireTask(operation);
    if (this.busy) throw this.busyError(operation);
    if (!Number.isInteger(n) || n < 1) return checkedEmpty(operation, n);
    return this._resume(op);
  }

  /** @internal A read's step after a wake-up: the bytes, an empty Buffer at the end, or WAIT. */
  _resume(op: StreamOperation<Buffer>): Buffer | typeof WAIT {
    if (this.size > 0) return this.take(op.arg as number);
    if (this.ended(op.operation)) return EMPTY;
    this.busy = true;
    this.need = 1;
    if (this.paused || !this.started) this.flow();
    return WAIT;
  }

  /** @internal The trap a waiting read parks on. */
  _trap(): Trap {
    return this.waiters.trap('READ_WAIT');
  }

  /** @internal A read that waited is over. */
  _release(): void {
    this.busy = false;
  }

  /**
   * Reads into `target` and returns how many bytes were stored (at most its length);
   * 0 at the end of the stream.
   */
  readInto(target: Uint8Array): Operation<number> {
    return this.readIntoAs('readInto', target);
  }

  /** @internal {@link NodeReader.readInto} named `operation` in messages (`recvInto`). */
  *readIntoAs(operation: string, target: Uint8Array): Operation<number> {
    requireTask(operation);
    if (this.busy) throw this.busyError(operation);
    if (!(target instanceof Uint8Array)) throw new TypeError(`${operation}(): expected a Buffer or Uint8Array to read into, got ${describeValue(target)}`);
    if (target.length === 0) return 0;
    if (this.size > 0) return this.copyInto(target);
    this.busy = true;
    try {
      for (;;) {
        if (this.size > 0) return this.copyInto(target);
        if (this.ended(operation)) return 0;
        yield* this.wait(1);
      }
    } finally {
      this.busy = false;
    }
  }

  /**
   * Reads exactly `n` bytes. Nothing is taken until all `n` have arrived, so a cancelled
   * call leaves every byte buffered.
   * @throws IncompleteReadError (with the bytes that did arrive) if the stream ends first.
   */
  *readExactly(n: number): Operation<Buffer> {
    const operation = 'readExactly';
    requireTask(operation);
    if (this.busy) throw this.busyError(operation);
    if (!Number.isInteger(n) || n < 1) return checkedEmpty(operation, n);
    if (this.size >= n) return this.take(n);
    this.busy = true;
    try {
      for (;;) {
        if (this.size >= n) return this.take(n);
        if (this.ended(operation)) throw new IncompleteReadError(this.takeAll(), n, operation);
        yield* this.wait(n);
      }
    } finally {
      this.busy = false;
    }
  }

  /**
   * Reads one line, ending with `\n` (kept). At the end of the stream returns what is
   * left (a last line without `\n`), then empty Buffers. Nothing is taken until the line
   * is complete, so a cancelled call loses nothing.
   * @throws LimitOverrunError if the line (with its `\n`) is longer than
   * {@link NodeReader.maxLineLength}: the reader stops buffering at the limit (plus a
   * chunk) and takes nothing, so the bytes stay readable and the stream usable.
   */
  *readline(): Operation<Buffer> {
    const operation = 'readline';
    requireTask(operation);
    if (this.busy) throw this.busyError(operation);
    const limit = this.lineLimit;
    let end = this.size > 0 ? this.indexOf(NEWLINE, 0) : -1;
    if (end >= 0 && end < limit) return this.take(end + 1);
    this.busy = true;
    try {
      for (;;) {
        if (end >= 0) {
          if (end >= limit) throw this.lineTooLong(end + 1, limit);
          return this.take(end + 1);
        }
        // No newline in more than `limit` bytes: the line cannot fit.
        if (this.size > limit) throw this.lineTooLong(this.size, limit);
        if (this.ended(operation)) return this.takeAll();
        const scanned = this.size;
        yield* this.wait(scanned + 1);
        end = this.indexOf(NEWLINE, scanned);
      }
    } finally {
      this.busy = false;
    }
  }

  /**
   * Reads until the end of the stream and returns everything. The bytes stay buffered
   * until the end arrives, so a cancelled call loses nothing. There is no limit unless
   * `maxBytes` is given.
   * @throws LimitOverrunError once more than `maxBytes` bytes are buffered (they stay
   * buffered: nothing is taken).
   */
  readAll(maxBytes = Infinity): Operation<Buffer> {
    return this.readAllAs('readAll', maxBytes);
  }

  /** @internal {@link NodeReader.readAll} named `operation` in messages (`readlines`). */
  *readAllAs(operation: string, maxBytes = Infinity): Operation<Buffer> {
    requireTask(operation);
    if (this.busy) throw this.busyError(operation);
    checkLimit(`${operation}(): maxBytes`, maxBytes);
    this.busy = true;
    try {
      for (;;) {
        if (this.size > maxBytes) {
          throw new LimitOverrunError(`${operation}(): more than ${maxBytes} bytes before the end of the stream (the limit given); they stay buffered`, this.size, maxBytes);
        }
        if (this.ended(operation)) return this.takeAll();
        yield* this.wait(maxBytes === Infinity ? Infinity : maxBytes + 1);
      }
    } finally {
      this.busy = false;
    }
  }

  /**
   * Stops reading for good (Python's `shutdown(SHUT_RD)`): buffered bytes are dropped
   * and every later read returns an empty Buffer.
   */
  shutdown(): void {
    if (this.state !== 'open') return;
    this.eof = true;
    this.discard();
    this.stop();
    this.waiters.wake(Infinity);
  }

  /**
   * Marks the reader closed: buffered bytes are dropped, a waiting read fails and later
   * reads fail with `EBADF`. The Node stream itself is left to its owner to end or
   * destroy; the reader keeps an `'error'` listener on it so late errors are swallowed.
   */
  close(): void {
    if (this.state !== 'open') return;
    this.state = 'closed';
    this.discard();
    this.stop();
    this.waiters.wake(Infinity);
  }

  /**
   * Hands the stream back to plain Node use: removes the reader's listeners, pushes the
   * buffered bytes back into the stream (`unshift`) and leaves it paused. A waiting read
   * fails with `EBADF`. Used to layer TLS over a connected socket.
   */
  detach(): Readable {
    if (this.state !== 'open') return this.readable;
    this.state = 'detached';
    const r = this.readable;
    this.stop();
    r.off('end', this.onEnd);
    r.off('error', this.onError);
    r.off('close', this.onClose);
    if (this.size > 0 && !this.eof) r.unshift(this.takeAll());
    this.discard();
    this.waiters.wake(Infinity);
    return r;
  }

  // ---------------------------------------------------------------- Node events

  private readonly onData = (chunk: Buffer | string): void => {
    this._received(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  };

  /** @internal One chunk read from the stream (from `'data'`, or from the stream's owner). */
  _received(data: Buffer): void {
    if (this.state !== 'open' || data.length === 0) return;
    if (this.size === 0) this.first = data;
    else this.more[this.tail++] = data;
    this.size += data.length;
    if (this.waiters.length > 0) {
      // The reading task runs inside this callback (no setImmediate hop) when the kernel is idle.
      if (this.size >= this.need) this.waiters.wakeNow();
    } else if (this.size >= this.highWater) {
      this.paused = true;
      this.readable.pause();
    }
  }

  private readonly onEnd = (): void => {
    this.eof = true;
    this.waiters.wake(Infinity);
  };

  private readonly onError = (error: unknown): void => {
    if (this.failure === null) this.failure = error;
    this.waiters.wake(Infinity);
  };

  private readonly onClose = (): void => {
    // Destroyed without an end of stream (and without an error): nothing more will come.
    this.eof = true;
    this.waiters.wake(Infinity);
  };

  // ---------------------------------------------------------------- waiting

  /** Waits until `need` bytes are buffered, or the stream ends or fails. */
  private *wait(need: number): Operation<void> {
    this.need = need;
    if (this.paused || !this.started) this.flow();
    yield traceTrap(this.waiters.trap('READ_WAIT'));
  }

  /** Makes sure data flows in while a task waits for it. */
  private flow(): void {
    if (!this.started) this.start();
    else this.resume();
  }

  /**
   * With nothing (more) buffered to give: throws if the stream failed or was closed,
   * returns true at the end of the stream, false if more may come.
   */
  private ended(operation: string): boolean {
    if (this.state !== 'open') throw ioFailure(`${operation}()`, this.describe(), 'EBADF', `the ${this.kind} is closed`);
    if (this.failure !== null) throw this.streamFailure(operation);
    return this.eof;
  }

  private start(): void {
    this.started = true;
    if (this.listens) this.readable.on('data', this.onData);
    if (this.readable.readableFlowing !== true) this.readable.resume();
  }

  private resume(): void {
    this.paused = false;
    if (!this.eof) this.readable.resume();
  }

  private stop(): void {
    if (this.started) {
      this.started = false;
      if (this.listens) this.readable.off('data', this.onData);
    }
    this.paused = false;
    this.readable.pause();
  }

  private lineTooLong(consumed: number, limit: number): LimitOverrunError {
    return new LimitOverrunError(
      `readline(): no end of line in the first ${limit} bytes (the line limit; raise it with maxLineLength). ` +
        `Nothing was taken: the ${consumed} bytes stay buffered for read() or readExactly(), or close the stream`,
      consumed,
      limit,
    );
  }

  /** The stream's failure as the error `operation` raises (see `mapError`). */
  private streamFailure(operation: string): Error {
    const error = ioError(`${operation}()`, this.describe(), this.failure);
    return this.mapError === null ? error : this.mapError(error, operation);
  }

  private busyError(operation: string): ReadResourceBusy {
    const where = this.describe();
    return new ReadResourceBusy(`${operation}(): another task is already reading from this ${this.kind}${where === '' ? '' : ` (${where})`}`);
  }

  // ---------------------------------------------------------------- the chunk list

  /** Takes up to `n` buffered bytes (size > 0). */
  private take(n: number): Buffer {
    const first = this.first;
    let out: Buffer;
    if (first.length > n) {
      out = first.subarray(0, n);
      this.first = first.subarray(n);
      this.size -= n;
    } else if (first.length === n || this.head === this.tail) {
      out = first;
      this.shift();
      this.size -= first.length;
    } else {
      out = Buffer.allocUnsafe(Math.min(n, this.size));
      this.copyInto(out);
      return out;
    }
    if (this.paused && this.size < this.highWater) this.resume();
    return out;
  }

  /** Moves buffered bytes into `target` (as many as fit); returns how many. */
  private copyInto(target: Uint8Array): number {
    const total = Math.min(target.length, this.size);
    let done = 0;
    while (done < total) {
      const chunk = this.first;
      const k = Math.min(chunk.length, total - done);
      target.set(k === chunk.length ? chunk : chunk.subarray(0, k), done);
      done += k;
      if (k === chunk.length) this.shift();
      else this.first = chunk.subarray(k);
    }
    this.size -= total;
    if (this.paused && this.size < this.highWater) this.resume();
    return total;
  }

  private takeAll(): Buffer {
    if (this.size === 0) return EMPTY;
    return this.take(this.size);
  }

  /** Drops the first chunk: the next one in `more` becomes first. */
  private shift(): void {
    if (this.head === this.tail) {
      this.first = EMPTY;
      return;
    }
    this.first = this.more[this.head];
    this.more[this.head++] = EMPTY;
    if (this.head === this.tail) {
      this.head = this.tail = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.tail) {
      this.more = this.more.slice(this.head, this.tail);
      this.tail -= this.head;
      this.head = 0;
    }
  }

  private discard(): void {
    this.first = EMPTY;
    this.more = [];
    this.head = this.tail = 0;
    this.size = 0;
  }

  /** Offset of the first `byte` at or after `from` in the buffered bytes, or -1. */
  private indexOf(byte: number, from: number): number {
    let offset = 0;
    // i = head - 1 stands for `first`, then more[head..tail).
    for (let i = this.head - 1; i < this.tail; i++) {
      const chunk = i < this.head ? this.first : this.more[i];
      const end = offset + chunk.length;
      if (end > from) {
        const j = chunk.indexOf(byte, from > offset ? from - offset : 0);
        if (j >= 0) return offset + j;
      }
      offset = end;
    }
    return -1;
  }
}

/** A size of 0 reads nothing; anything else that is not a positive integer is an error. */
function checkedEmpty(operation: string, n: number): Buffer {
  if (n === 0) return EMPTY;
  throw new RangeError(`${operation}(): the byte count must be a non-negative integer (0 reads nothing), got ${describeValue(n)}`);
}

/** A byte limit is a positive integer or Infinity. */
function checkLimit(what: string, limit: number): number {
  if (limit === Infinity || (Number.isInteger(limit) && limit > 0)) return limit;
  throw new RangeError(`${what} must be a positive integer (bytes) or Infinity, got ${describeValue(limit)}`);
}
