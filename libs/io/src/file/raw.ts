/**
 * The descriptor under an {@link AsyncFile}, opened so that no wait ties up a thread of
 * Node's pool (it has four: four reads waiting on FIFOs used to hang every later file
 * operation and DNS look-up in the process).
 *
 * Every file is opened with `O_NONBLOCK`, so opening a FIFO never waits in `open(2)`:
 * - a regular file (or a block device) is read and written with positioned
 *   `fs.read`/`fs.write` on the pool ({@link FdFile}); those calls never wait for another
 *   process, and `O_NONBLOCK` changes nothing for them; a character device (a terminal)
 *   is reopened in blocking mode and used the same way, as before;
 * - a FIFO is read and written through the event loop ({@link PipeHandle}: a libuv pipe,
 *   as Node does for a child's stdio), so a read waiting for a writer costs no thread.
 *   Opening a FIFO for writing while it has no reader fails with `ENXIO` in non-blocking
 *   mode: the open is retried on a timer until a reader comes (or the task is cancelled).
 * @packageDocumentation
 */
import fs, { type PathLike, type Stats } from 'node:fs';
import net from 'node:net';
import { park, type Operation } from '@curio/kernel';
import { ioError } from '../io-error.js';

/** What {@link AsyncFile} needs of an open descriptor (a subset of `FileHandle`). */
export interface RawFile {
  /** The OS file descriptor. */
  readonly fd: number;
  /** Reads into `buffer`; `position` null reads at the current position. 0 bytes: end of file. */
  read(buffer: Buffer, offset: number, length: number, position: number | null): Promise<{ bytesRead: number }>;
  /** Writes from `buffer`; `position` null writes at the current position (or the end, appending). */
  write(buffer: Buffer, offset: number, length: number, position: number | null): Promise<{ bytesWritten: number }>;
  stat(): Promise<Stats>;
  truncate(length: number): Promise<void>;
  /** A read still waiting for data gives up with 0 bytes (the file is being closed). */
  stopReading(): void;
  /** Releases the descriptor. */
  close(): Promise<void>;
}

/** How long to wait before retrying to open a FIFO that has no reader yet (ms, doubling). */
const FIRST_RETRY_MS = 5;
const MAX_RETRY_MS = 200;

/**
 * Opens `path` with `flags` (plus `O_NONBLOCK`) and returns its descriptor wrapped for its
 * kind. If the task is cancelled while the open is in flight, the descriptor is closed
 * when it arrives.
 */
export function* openRaw(path: PathLike, flags: number, where: string): Operation<[RawFile, Stats]> {
  let delay = FIRST_RETRY_MS;
  for (;;) {
    const fd = yield* openFd(path, flags | fs.constants.O_NONBLOCK, where);
    if (fd !== null) {
      try {
        const stat = yield* park<Stats>('FILE_OPEN', (waker) => {
          fs.fstat(fd, (error, value) => (error ? waker.fail(ioError('aopen', where, error)) : waker.wake(value)));
        });
        if (stat.isFIFO()) return [new PipeHandle(fd, flags), stat];
        if (!stat.isCharacterDevice()) return [new FdFile(fd), stat];
        // A terminal read non-blocking would fail with EAGAIN: reopen it in blocking mode.
        const blocking = yield* openFd(path, flags, where);
        if (blocking === null) throw ioError('aopen', where, Object.assign(new Error('ENXIO: no such device or address'), { code: 'ENXIO' }));
        fs.close(fd, noop);
        return [new FdFile(blocking), stat];
      } catch (error) {
        // Failed or cancelled: the descriptor is not handed out, so it is closed here.
        fs.close(fd, noop);
        throw error;
      }
    }
    // A FIFO opened for writing with no reader yet: wait on a timer, not in open(2).
    yield* park<void>('FILE_OPEN', (waker) => {
      const timer = setTimeout(() => waker.wake(), delay);
      return () => clearTimeout(timer);
    });
    delay = Math.min(delay * 2, MAX_RETRY_MS);
  }
}

/** One `open(2)`: the descriptor, or null for `ENXIO` (a FIFO without a reader, opened to write). */
function openFd(path: PathLike, flags: number, where: string): Operation<number | null> {
  return park<number | null>('FILE_OPEN', (waker) => {
    let wanted = true;
    fs.open(path, flags, 0o666, (error, fd) => {
      if (!wanted) {
        if (!error) fs.close(fd, noop);
      } else if (!error) waker.wake(fd);
      else if (error.code === 'ENXIO') waker.wake(null);
      else waker.fail(ioError('aopen', where, error));
    });
    return () => {
      wanted = false;
    };
  });
}

function noop(): void {}

function callback<T>(resolve: (value: T) => void, reject: (error: unknown) => void): (error: Error | null, value: T) => void {
  return (error, value) => (error ? reject(error) : resolve(value));
}

/** A regular file (or device): positioned reads and writes on Node's thread pool. */
export class FdFile implements RawFile {
  constructor(readonly fd: number) {}

  read(buffer: Buffer, offset: number, length: number, position: number | null): Promise<{ bytesRead: number }> {
    return new Promise((resolve, reject) => fs.read(this.fd, buffer, offset, length, position, callback((bytesRead: number) => resolve({ bytesRead }), reject)));
  }

  write(buffer: Buffer, offset: number, length: number, position: number | null): Promise<{ bytesWritten: number }> {
    return new Promise((resolve, reject) => fs.write(this.fd, buffer, offset, length, position, callback((bytesWritten: number) => resolve({ bytesWritten }), reject)));
  }

  stat(): Promise<Stats> {
    return new Promise((resolve, reject) => fs.fstat(this.fd, callback(resolve, reject)));
  }

  truncate(length: number): Promise<void> {
    return new Promise((resolve, reject) => fs.ftruncate(this.fd, length, (error) => (error ? reject(error) : resolve())));
  }

  stopReading(): void {
    // A pool read on a regular file never waits for another process: nothing to stop.
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => fs.close(this.fd, (error) => (error ? reject(error) : resolve())));
  }
}

/**
 * A FIFO, read and written through the event loop: a libuv pipe over the descriptor
 * (a `net.Socket`, as Node uses for a child's stdio). Bytes the pipe read ahead wait in
 * its buffer for the next read, so nothing is lost between reads.
 */
export class PipeHandle implements RawFile {
  private readonly sock: net.Socket;
  private leftover: Buffer | null = null;
  private ended = false;
  private failure: unknown = null;
  private stopped = false;
  /** The read waiting for data, retried on each event of the pipe. */
  private waiting: (() => boolean) | null = null;

  constructor(
    readonly fd: number,
    flags: number,
  ) {
    const access = flags & (fs.constants.O_RDONLY | fs.constants.O_WRONLY | fs.constants.O_RDWR);
    const readable = access !== fs.constants.O_WRONLY;
    this.sock = new net.Socket({ fd, readable, writable: access !== fs.constants.O_RDONLY, allowHalfOpen: true });
    if (!readable) this.ended = true;
    const poke = (): void => {
      if (this.waiting?.()) this.waiting = null;
    };
    this.sock.on('readable', poke);
    this.sock.on('end', () => {
      this.ended = true;
      poke();
    });
    this.sock.on('error', (error: unknown) => {
      this.failure ??= error;
      poke();
    });
    this.sock.on('close', () => {
      this.ended = true;
      poke();
    });
  }

  read(buffer: Buffer, offset: number, length: number): Promise<{ bytesRead: number }> {
    return new Promise((resolve, reject) => {
      const attempt = (): boolean => {
        const chunk = this.leftover ?? (this.sock.read() as Buffer | null);
        this.leftover = null;
        if (chunk !== null) {
          const n = Math.min(length, chunk.length);
          chunk.copy(buffer, offset, 0, n);
          if (n < chunk.length) this.leftover = chunk.subarray(n);
          resolve({ bytesRead: n });
          return true;
        }
        if (this.failure !== null) reject(this.failure);
        else if (this.ended || this.stopped) resolve({ bytesRead: 0 });
        else return false;
        return true;
      };
      if (!attempt()) this.waiting = attempt;
    });
  }

  write(buffer: Buffer, offset: number, length: number): Promise<{ bytesWritten: number }> {
    return new Promise((resolve, reject) => {
      if (this.failure !== null) {
        reject(this.failure);
        return;
      }
      this.sock.write(buffer.subarray(offset, offset + length), (error) => (error ? reject(this.failure ?? error) : resolve({ bytesWritten: length })));
    });
  }

  stat(): Promise<Stats> {
    return new Promise((resolve, reject) => fs.fstat(this.fd, callback(resolve, reject)));
  }

  truncate(): Promise<void> {
    return Promise.reject(Object.assign(new Error('EINVAL: invalid argument, ftruncate (a FIFO cannot be truncated)'), { code: 'EINVAL', syscall: 'ftruncate' }));
  }

  stopReading(): void {
    this.stopped = true;
    if (this.waiting?.()) this.waiting = null;
  }

  close(): Promise<void> {
    this.stopReading();
    if (this.sock.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      this.sock.once('close', () => resolve());
      this.sock.destroy();
    });
  }
}
