/**
 * Asynchronous files: `aopen(path, mode)` gives an {@link AsyncFile} whose reads and
 * writes are operations, so a task waiting on a slow disk, a pipe or a FIFO lets the
 * others run. Regular files are read and written on Node's thread pool; FIFOs through
 * the event loop, so a wait for another process never holds a pool thread (see
 * `raw.ts`).
 * @packageDocumentation
 */
import { Buffer } from 'node:buffer';
import type { PathLike } from 'node:fs';
import { park, requireTask, ResourceBusy, ReadResourceBusy, WriteResourceBusy, type Operation, describeValue } from '@curio/kernel';
import { parseMode, type FileMode } from './mode.js';
import { textCodec, type TextCodec, type TextEncoding } from './codec.js';
import { ReadBuffer } from './buffer.js';
import { openRaw, type RawFile } from './raw.js';
import { ClosedFileError, UnsupportedOperation } from './errors.js';
import { ioError, ioFailure } from '../io-error.js';

/**
 * `whence` for {@link AsyncFile.seek}: from the start of the file.
 * @example
 * ```ts
 * yield* f.seek(0, SEEK_SET);   // back to the start
 * ```
 */
export const SEEK_SET = 0;
/**
 * `whence` for {@link AsyncFile.seek}: from the current position.
 * @example
 * ```ts
 * yield* f.seek(10, SEEK_CUR);   // skip 10 bytes
 * ```
 */
export const SEEK_CUR = 1;
/**
 * `whence` for {@link AsyncFile.seek}: from the end of the file.
 * @example
 * ```ts
 * yield* f.seek(-100, SEEK_END);   // the last 100 bytes
 * ```
 */
export const SEEK_END = 2;

/**
 * Options of {@link aopen}.
 * @example
 * ```ts
 * const options: AopenOptions = { encoding: 'latin1' };
 * using f = yield* aopen('legacy.txt', 'r', options);
 * ```
 */
export interface AopenOptions {
  /** Text mode only: the encoding, `'utf-8'` (default), `'utf-16le'` or `'latin1'`. */
  encoding?: string;
}

/**
 * A mode string with `'b'` in it: the file reads and writes `Buffer`s.
 * @example
 * ```ts
 * const mode: BinaryMode = 'rb';
 * using f = yield* aopen('image.png', mode);   // AsyncFile<Buffer>
 * ```
 */
export type BinaryMode = `${string}b${string}`;

/**
 * The usual spellings of a text mode: the file reads and writes strings.
 * @example
 * ```ts
 * const mode: TextMode = 'a+';
 * using f = yield* aopen('app.log', mode);   // AsyncFile<string>
 * ```
 */
export type TextMode = `${'r' | 'w' | 'a' | 'x'}${'' | '+'}${'' | 't'}` | `${'r' | 'w' | 'a' | 'x'}t+`;

/** Bytes asked of the OS per read when the caller wants fewer. */
const CHUNK = 64 * 1024;
/** Largest single read, so `read(hugeNumber)` does not allocate it all at once. */
const MAX_CHUNK = 16 * 1024 * 1024;

type OpKind = 'read' | 'write' | 'seek';

const noop = (): void => {};

/**
 * Opens a file; gives an {@link AsyncFile}. `mode` is Python's: exactly one of `'r'`
 * (read; the default), `'w'` (write, truncating or creating), `'a'` (append, creating),
 * `'x'` (create, failing if the file exists), optionally with `'+'` (read and write) and
 * `'b'` (binary: data is `Buffer`) or `'t'` (text, the default: data is `string`,
 * decoded with `options.encoding`, default UTF-8).
 *
 * @example
 * ```ts
 * const f = yield* aopen('/etc/hosts');
 * try {
 *   const text = yield* f.readAll();
 * } finally {
 *   f.close();
 * }
 * ```
 * @throws RangeError or TypeError for a bad mode or encoding; `IOError` with the
 * system's `code` (`ENOENT`, `EACCES`, `EEXIST`, `EISDIR`, ...) and the path in its
 * message if the OS refuses.
 */
export function aopen(path: PathLike, mode: BinaryMode, options?: AopenOptions): Operation<AsyncFile<Buffer>>;
export function aopen(path: PathLike, mode?: TextMode, options?: AopenOptions): Operation<AsyncFile<string>>;
export function aopen(path: PathLike, mode: string, options?: AopenOptions): Operation<AsyncFile>;
export function* aopen(path: PathLike, mode: string = 'r', options: AopenOptions = {}): Operation<AsyncFile> {
  const parsed = parseMode(mode);
  if (typeof path !== 'string' && !Buffer.isBuffer(path) && !(path instanceof URL)) {
    throw new TypeError(`aopen(): path must be a string, Buffer or URL, got ${describeValue(path)}`);
  }
  let codec: TextCodec | null = null;
  if (!parsed.binary) codec = textCodec(options.encoding ?? 'utf-8');
  else if (options.encoding !== undefined) throw new TypeError(`aopen(): binary mode ('${mode}') takes no encoding; drop 'b' from the mode to read text`);
  const name = path instanceof URL ? path.pathname : path.toString();
  const where = `'${name}'`;
  const [fh, stat] = yield* openRaw(path, parsed.flags, where);
  if (stat.isDirectory()) {
    fh.close().catch(noop);
    throw ioFailure('aopen', where, 'EISDIR', 'is a directory');
  }
  const seekable = stat.isFile() || stat.isBlockDevice();
  return new AsyncFile(fh, name, parsed, codec, seekable, parsed.append ? stat.size : 0);
}

/** Waits for a promise in a named state (for tracing and the monitor). */
function* waitFor<T>(state: string, promise: Promise<T>): Operation<T> {
  promise.catch(noop); // a task cancelled before it parks never sees the promise
  return yield* park<T>(state, (waker) => {
    promise.then(
      (value) => waker.wake(value),
      (error: unknown) => waker.fail(error),
    );
  });
}

/**
 * An open file, from {@link aopen}. `T` is `string` in text mode and `Buffer` in binary
 * mode. Every method that touches the file is an operation (`yield*` it).
 *
 * Reads go through a buffer the file owns, so `readline` is cheap and a read that is
 * cancelled loses nothing: bytes it had fetched, even ones still in flight when it was
 * cancelled, are returned by the next read. Writes are not buffered: when `write`
 * returns, the OS has the data; a cancelled write has written what the OS accepted
 * before the cancellation (the rest is not written). One operation runs at a time:
 * a second task reading while one reads gets `ReadResourceBusy` (writing:
 * `WriteResourceBusy`; seeking: `ResourceBusy`).
 *
 * Text mode decodes only whole characters (a character split across two reads is kept
 * until its last byte arrives), does no newline translation (`'\r\n'` stays), and uses
 * byte offsets for `seek` and `tell`.
 * @example
 * ```ts
 * using f: AsyncFile<string> = yield* aopen('/etc/hosts');
 * for (let line; (line = yield* f.readline()).length > 0; ) console.log(line.trimEnd());
 * ```
 */
export class AsyncFile<T extends string | Buffer = string | Buffer> {
  /** The path the file was opened with. */
  readonly name: string;
  /** The mode string it was opened with. */
  readonly mode: string;
  /** The text encoding, or null in binary mode. */
  readonly encoding: TextEncoding | null;

  private fh: RawFile | null;
  private readonly fd: number;
  private readonly m: FileMode;
  private readonly codec: TextCodec | null;
  private readonly seekable: boolean;
  private readonly buf = new ReadBuffer();
  /** File offset just past the buffered bytes; null: the end of the file (after an append). */
  private rawPos: number | null;
  /** The OS operation in progress, which may outlive the task that started it. */
  private inflight: Promise<void> | null = null;
  /** The error of an operation whose task was cancelled before it could see it. */
  private deferred: { error: unknown } | null = null;
  private busy: string | null = null;
  private closing: Promise<void> | null = null;

  /** @internal Use {@link aopen}. */
  constructor(fh: RawFile, name: string, mode: FileMode, codec: TextCodec | null, seekable: boolean, position: number) {
    this.fh = fh;
    this.fd = fh.fd;
    this.name = name;
    this.mode = mode.text;
    this.m = mode;
    this.codec = codec;
    this.encoding = codec === null ? null : codec.encoding;
    this.seekable = seekable;
    this.rawPos = position;
  }

  /** True once {@link AsyncFile.close} (or `aclose`, or dispose) has been called. */
  get closed(): boolean {
    return this.fh === null;
  }

  /**
   * The OS file descriptor.
   * @throws ClosedFileError if the file is closed.
   */
  fileno(): number {
    this.handle('fileno');
    return this.fd;
  }

  /**
   * Reads `n` characters (text) or bytes (binary), fewer only at the end of the file;
   * with `n` negative or omitted, reads to the end of the file. Gives an empty
   * string/Buffer at the end of the file.
   */
  *read(n = -1): Operation<T> {
    if (typeof n !== 'number' || !Number.isInteger(n)) throw new TypeError(`read(): n must be an integer (negative: read to the end), got ${describeValue(n)}`);
    return yield* this.guard('read', 'read', () => (n < 0 ? this.readToEnd() : this.readSome(n)));
  }

  /** Reads everything from the current position to the end of the file. */
  *readAll(): Operation<T> {
    return yield* this.guard('readAll', 'read', () => this.readToEnd());
  }

  /**
   * Reads one line, up to and including its `'\n'`; at the end of the file, what is left
   * (the last line may have no newline); then an empty string/Buffer. Walk a file
   * line by line with:
   *
   * ```ts
   * for (;;) {
   *   const line = yield* f.readline();
   *   if (line.length === 0) break; // end of file
   *   // ...
   * }
   * ```
   * or with {@link AsyncFile.forEachLine}.
   */
  *readline(): Operation<T> {
    return yield* this.guard('readline', 'read', () => this.readOneLine());
  }

  /** Reads the remaining lines (each with its `'\n'`, the last one maybe without). */
  *readlines(): Operation<T[]> {
    return yield* this.guard('readlines', 'read', function* (this: AsyncFile<T>) {
      const lines: T[] = [];
      for (;;) {
        const line = yield* this.readOneLine();
        if (line.length === 0) return lines;
        lines.push(line);
      }
    }.bind(this));
  }

  /**
   * Calls `fn` with each remaining line, in order, until the end of the file or until
   * `fn` returns `false`. `fn` may be a generator function: its operation is waited on
   * (and its result checked) before the next line is read. The file is free between
   * lines, so `fn` may use it (`tell`, `seek`, ...).
   *
   * ```ts
   * yield* f.forEachLine(function* (line) {
   *   yield* out.write(line.toUpperCase());
   * });
   * ```
   */
  *forEachLine(fn: (line: T) => unknown): Operation<void> {
    if (typeof fn !== 'function') throw new TypeError(`forEachLine(): expected a function, got ${describeValue(fn)}`);
    for (;;) {
      const line = yield* this.readline();
      if (line.length === 0) return;
      let result: unknown = fn(line);
      if (isOperation(result)) result = yield* result;
      if (result === false) return;
    }
  }

  /**
   * Writes `data` (a string in text mode, a Buffer or Uint8Array in binary mode);
   * returns how many characters (text) or bytes (binary) it wrote: all of them.
   * In `'a'` mode every write goes to the end of the file.
   */
  *write(data: T): Operation<number> {
    return yield* this.guard('write', 'write', function* (this: AsyncFile<T>) {
      const bytes = this.toBytes(data, 'write');
      yield* this.writeBytes(bytes);
      return typeof data === 'string' ? data.length : bytes.length;
    }.bind(this));
  }

  /** Writes each item of `lines` (no newlines are added), in one write. */
  *writelines(lines: Iterable<T>): Operation<void> {
    if (lines === null || typeof (lines as Partial<Iterable<T>>)[Symbol.iterator] !== 'function') {
      throw new TypeError(`writelines(): expected an iterable of ${this.codec === null ? 'Buffers' : 'strings'}, got ${describeValue(lines)}`);
    }
    yield* this.guard('writelines', 'write', function* (this: AsyncFile<T>) {
      const parts = Array.from(lines, (line) => this.toBytes(line, 'writelines'));
      yield* this.writeBytes(Buffer.concat(parts));
    }.bind(this));
  }

  /**
   * Moves the position to `offset` bytes from the start (`whence` {@link SEEK_SET}, the
   * default), from the current position ({@link SEEK_CUR}) or from the end
   * ({@link SEEK_END}); returns the new position. Text mode uses byte offsets too.
   * @throws RangeError for a bad `whence` or a negative resulting position;
   * UnsupportedOperation for a pipe, FIFO or terminal.
   */
  *seek(offset: number, whence: number = SEEK_SET): Operation<number> {
    if (typeof offset !== 'number' || !Number.isInteger(offset)) throw new TypeError(`seek(): offset must be an integer, got ${describeValue(offset)}`);
    if (whence !== SEEK_SET && whence !== SEEK_CUR && whence !== SEEK_END) {
      throw new RangeError(`seek(): invalid whence ${describeValue(whence)}: use SEEK_SET (0), SEEK_CUR (1) or SEEK_END (2)`);
    }
    return yield* this.guard('seek', 'seek', function* (this: AsyncFile<T>) {
      this.requireSeekable('seek');
      const current = yield* this.position();
      let base = 0;
      if (whence === SEEK_CUR) base = current;
      else if (whence === SEEK_END) base = yield* this.size();
      const target = base + offset;
      if (target < 0) throw new RangeError(`seek(): the position would be negative (${target})`);
      if (target !== current) {
        this.buf.clear();
        this.rawPos = target;
      }
      return target;
    }.bind(this));
  }

  /** The current position, in bytes from the start of the file. */
  *tell(): Operation<number> {
    return yield* this.guard('tell', 'seek', function* (this: AsyncFile<T>) {
      this.requireSeekable('tell');
      return yield* this.position();
    }.bind(this));
  }

  /**
   * Resizes the file to `size` bytes (default: the current position); the position
   * does not move. Returns the new size.
   */
  *truncate(size?: number): Operation<number> {
    if (size !== undefined && (typeof size !== 'number' || !Number.isInteger(size) || size < 0)) {
      throw new RangeError(`truncate(): size must be a non-negative integer, got ${describeValue(size)}`);
    }
    return yield* this.guard('truncate', 'write', function* (this: AsyncFile<T>) {
      const fh = this.handle('truncate');
      if (this.seekable) yield* this.dropReadAhead();
      const length = size ?? (yield* this.position());
      yield* this.io('truncate', 'WRITE_WAIT', fh.truncate(length), noop);
      return length;
    }.bind(this));
  }

  /**
   * Waits for any write still in progress (one whose task was cancelled) and reports
   * its error. Writes are not buffered, so there is nothing else to flush.
   */
  *flush(): Operation<void> {
    yield* this.guard('flush', 'write', nothing);
  }

  /**
   * Closes the file: a plain method, like every `close()` in Curio, so
   * `finally { f.close() }` cannot be skipped by a missing `yield*`. Safe to call more
   * than once. Writes are not buffered, so nothing is lost; the descriptor is released
   * once any operation still in progress (a cancelled write) ends. The error of a write
   * whose task was cancelled before it could see it is dropped here: `yield* f.flush()`
   * first, or close with {@link AsyncFile.aclose}, to see it.
   */
  close(): void {
    void this.startClose().catch(noop);
  }

  /**
   * The operation form of {@link AsyncFile.close}: closes the file and waits until the
   * descriptor is released (after any operation still in progress). The descriptor is
   * released even if this is cancelled.
   *
   * ```ts
   * yield* f.aclose();
   * ```
   * @throws the error of a write whose task was cancelled before it could see it
   * (reported to the first `aclose` only).
   */
  *aclose(): Operation<void> {
    const first = this.closing === null;
    const closing = this.startClose();
    yield* waitFor('FILE_CLOSE', first ? closing : closing.catch(noop));
  }

  /**
   * `using f = yield* aopen(...)` closes the file at the end of the block, as
   * {@link AsyncFile.close} does.
   */
  [Symbol.dispose](): void {
    this.close();
  }

  /** For `await using` in promise code: closes the file; settles when it is closed. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.startClose();
  }

  /** `AsyncFile('/tmp/x', 'r')`. */
  toString(): string {
    return `AsyncFile('${this.name}', '${this.mode}'${this.closed ? ', closed' : ''})`;
  }

  // ---------------------------------------------------------------- internals

  private startClose(): Promise<void> {
    if (this.closing === null) {
      const fh = this.fh;
      this.fh = null;
      this.buf.clear();
      // A read still waiting for a FIFO's writer gives up; a write in progress is waited for.
      fh?.stopReading();
      const before = this.inflight ?? Promise.resolve();
      this.closing = before
        .then(() => fh?.close())
        .catch((error: unknown) => Promise.reject(ioError('close', `'${this.name}'`, error)))
        .then(() => {
          const deferred = this.deferred;
          this.deferred = null;
          if (deferred !== null) throw deferred.error;
        });
      this.closing.catch(noop);
    }
    return this.closing;
  }

  /** Runs `body` as the file's one operation, after checking the file allows it. */
  private *guard<R>(op: string, kind: OpKind, body: () => Operation<R>): Operation<R> {
    requireTask(op);
    this.handle(op);
    if (kind === 'read' && !this.m.readable) throw new UnsupportedOperation(`${op}(): '${this.name}' is not readable: it was opened with mode '${this.mode}' (use 'r' or add '+')`);
    if (kind === 'write' && !this.m.writable && op !== 'flush') throw new UnsupportedOperation(`${op}(): '${this.name}' is not writable: it was opened with mode '${this.mode}' (use 'w', 'a', 'x' or add '+')`);
    if (this.busy !== null) {
      const message = `${op}(): '${this.name}' is busy: another task is in ${this.busy}()`;
      throw kind === 'read' ? new ReadResourceBusy(message) : kind === 'write' ? new WriteResourceBusy(message) : new ResourceBusy(message);
    }
    this.busy = op;
    try {
      yield* this.settle(kind === 'write' ? 'WRITE_WAIT' : 'READ_WAIT');
      return yield* body();
    } finally {
      this.busy = null;
    }
  }

  /** The handle, or a clear error if the file is closed. */
  private handle(op: string): RawFile {
    if (this.fh === null) throw new ClosedFileError(`${op}(): I/O operation on closed file '${this.name}'`);
    return this.fh;
  }

  private requireSeekable(op: string): void {
    if (!this.seekable) throw new UnsupportedOperation(`${op}(): '${this.name}' is not seekable (a pipe, FIFO, socket or terminal)`);
  }

  /**
   * Starts an OS operation whose result `apply` records in the file itself (so it
   * counts even if the task is cancelled meanwhile), then waits for it.
   */
  private *io<V>(op: string, state: string, promise: Promise<V>, apply: (value: V) => void): Operation<void> {
    const done: Promise<void> = promise
      .then(apply, (error: unknown) => {
        this.deferred ??= { error: ioError(op, `'${this.name}'`, error) };
      })
      .catch((error: unknown) => {
        this.deferred ??= { error };
      })
      .then(() => {
        if (this.inflight === done) this.inflight = null;
      });
    this.inflight = done;
    yield* this.settle(state);
  }

  /** Waits for the operation in progress and throws its error, if any. */
  private *settle(state: string): Operation<void> {
    while (this.inflight !== null) yield* waitFor(state, this.inflight);
    const deferred = this.deferred;
    if (deferred !== null) {
      this.deferred = null;
      throw deferred.error;
    }
  }

  /** Reads at least one more byte into the buffer (asking for `want`); false at the end of the file. */
  private *fill(want: number): Operation<boolean> {
    const fh = this.handle('read');
    if (this.rawPos === null) yield* this.size();
    const size = Math.min(Math.max(want, CHUNK), MAX_CHUNK);
    const target = Buffer.allocUnsafe(size);
    let got = 0;
    yield* this.io('read', 'READ_WAIT', fh.read(target, 0, size, this.seekable ? this.rawPos : null), ({ bytesRead }) => {
      got = bytesRead;
      if (bytesRead === 0) return;
      // Keep a small result in a right-sized buffer, not the whole allocation.
      this.buf.append(bytesRead >= size / 2 ? target.subarray(0, bytesRead) : Buffer.from(target.subarray(0, bytesRead)));
      if (this.rawPos !== null) this.rawPos += bytesRead;
    });
    this.handle('read'); // closed by another task meanwhile
    return got > 0;
  }

  private *readSome(n: number): Operation<T> {
    const codec = this.codec;
    if (codec === null) {
      while (this.buf.length < n && (yield* this.fill(n - this.buf.length)));
      return this.buf.take(n) as T;
    }
    for (;;) {
      const { bytes, chars } = codec.measure(this.buf.peek(n * 4), n);
      if (chars >= n) return codec.decode(this.buf.take(bytes)) as T;
      // At the end of the file an incomplete character is decoded as U+FFFD.
      if (!(yield* this.fill(n - chars))) return codec.decode(this.buf.takeAll()) as T;
    }
  }

  private *readToEnd(): Operation<T> {
    let want = CHUNK;
    while (yield* this.fill(want)) want = Math.min(want * 2, MAX_CHUNK);
    return this.decode(this.buf.takeAll());
  }

  private *readOneLine(): Operation<T> {
    const unit = this.codec === null ? 1 : this.codec.unit;
    let from = 0;
    for (;;) {
      const end = this.buf.lineEnd(unit, from);
      if (end >= 0) return this.decode(this.buf.take(end));
      from = Math.max(0, this.buf.length - unit);
      if (!(yield* this.fill(CHUNK))) return this.decode(this.buf.takeAll());
    }
  }

  private *writeBytes(bytes: Buffer): Operation<void> {
    const fh = this.handle('write');
    if (this.seekable) yield* this.dropReadAhead();
    let written = 0;
    while (written < bytes.length) {
      const position = this.m.append || !this.seekable ? null : this.rawPos;
      yield* this.io('write', 'WRITE_WAIT', fh.write(bytes, written, bytes.length - written, position), ({ bytesWritten }) => {
        written += bytesWritten;
        if (this.m.append) this.rawPos = null;
        else if (this.rawPos !== null) this.rawPos += bytesWritten;
      });
      this.handle('write');
    }
  }

  /** Forgets read-ahead so the OS position is the logical one (before a write or truncate). */
  private *dropReadAhead(): Operation<void> {
    if (this.buf.length === 0) return;
    if (this.rawPos === null) yield* this.size();
    this.rawPos = (this.rawPos ?? 0) - this.buf.length;
    this.buf.clear();
  }

  /** The logical position: what the caller has consumed. */
  private *position(): Operation<number> {
    if (this.rawPos === null) yield* this.size();
    return (this.rawPos ?? 0) - this.buf.length;
  }

  /** The file's size; also resolves an unknown position (after an append) to it. */
  private *size(): Operation<number> {
    const fh = this.handle('stat');
    let size = 0;
    yield* this.io('stat', 'FUTURE_WAIT', fh.stat(), (stat) => {
      size = stat.size;
      this.rawPos ??= stat.size;
    });
    return size;
  }

  private decode(bytes: Buffer): T {
    return (this.codec === null ? bytes : this.codec.decode(bytes)) as T;
  }

  private toBytes(data: unknown, op: string): Buffer {
    if (this.codec !== null) {
      if (typeof data === 'string') return this.codec.encode(data);
      throw new TypeError(`${op}(): '${this.name}' is open in text mode ('${this.mode}') and takes strings, got ${describeValue(data)}; add 'b' to the mode to write bytes`);
    }
    if (Buffer.isBuffer(data)) return data;
    if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    throw new TypeError(`${op}(): '${this.name}' is open in binary mode ('${this.mode}') and takes a Buffer or Uint8Array, got ${describeValue(data)}; drop 'b' from the mode to write strings`);
  }
}

function* nothing(): Operation<void> {}

function isOperation(value: unknown): value is Operation<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as Operation<unknown>).next === 'function' && typeof (value as Operation<unknown>).throw === 'function';
}
