/**
 * The errors of the I/O layer. Node reports system errors (ECONNRESET, ECONNREFUSED,
 * EADDRINUSE, ...) asynchronously and without saying which call they belong to; these
 * carry Node's `code` and a message naming the operation and the address.
 * @packageDocumentation
 */
import { CurioError } from '@curio/kernel';

/**
 * Fields of an {@link IOError}.
 * @example
 * ```ts
 * const info: IOErrorInfo = { code: 'ECONNRESET', syscall: 'read' };
 * console.log(err.code === info.code);
 * ```
 */
export interface IOErrorInfo {
  /** The system error code, such as `'ECONNRESET'` (Node's `error.code`). */
  code: string;
  /** The numeric errno, when Node gave one. */
  errno?: number | undefined;
  /** The system call that failed (`'connect'`, `'read'`, ...), when known. */
  syscall?: string | undefined;
  /** The original error. */
  cause?: unknown;
}

/**
 * A failed system-level I/O operation (Python's `OSError`): the `code` is Node's
 * (`'ECONNREFUSED'`, `'EADDRINUSE'`, `'ECONNRESET'`, `'EPIPE'`, `'ENOTCONN'`, `'EBADF'`
 * for a closed socket, ...), the message names the operation and the address, and
 * `cause` holds Node's own error.
 *
 * @example
 * ```ts
 * try { yield* sock.connect(['127.0.0.1', port]); }
 * catch (e) { if (e instanceof IOError && e.code === 'ECONNREFUSED') console.log('nobody home'); else throw e; }
 * ```
 */
export class IOError extends CurioError {
  /** The system error code, such as `'ECONNRESET'`. */
  readonly code: string;
  /** The numeric errno, when known. */
  readonly errno: number | undefined;
  /** The system call that failed, when known. */
  readonly syscall: string | undefined;

  constructor(message: string, info: IOErrorInfo) {
    super(message, info.cause === undefined ? undefined : { cause: info.cause });
    this.code = info.code;
    this.errno = info.errno;
    this.syscall = info.syscall;
  }
}

/**
 * A read needed more bytes than the stream had before it ended (asyncio's
 * `IncompleteReadError`). What did arrive is in `partial`.
 * @example
 * ```ts
 * try {
 *   const header = yield* stream.readExactly(4);
 * } catch (e) {
 *   if (e instanceof IncompleteReadError) console.log(`stream ended after ${e.partial.length} of 4 bytes`);
 *   else throw e;
 * }
 * ```
 */
export class IncompleteReadError extends CurioError {
  /** The bytes read before the end of the stream. */
  readonly partial: Buffer;
  /** How many bytes were asked for. */
  readonly expected: number;

  constructor(partial: Buffer, expected: number, operation = 'readExactly') {
    super(`${operation}(): the stream ended after ${partial.length} of ${expected} bytes`);
    this.partial = partial;
    this.expected = expected;
  }
}

interface NodeErrorFields {
  code?: unknown;
  errno?: unknown;
  syscall?: unknown;
  errors?: unknown;
}

/** Node's error code of `error` (looking inside an AggregateError), or `'EIO'`. */
export function errorCode(error: unknown): string {
  if (typeof error !== 'object' || error === null) return 'EIO';
  const e = error as NodeErrorFields;
  if (typeof e.code === 'string') return e.code;
  if (Array.isArray(e.errors) && e.errors.length > 0) return errorCode(e.errors[e.errors.length - 1]);
  return 'EIO';
}

/**
 * Wraps Node's error in an {@link IOError} whose message reads
 * `"<operation> <where>: <Node's message>"`. An IOError passes through unchanged.
 */
export function ioError(operation: string, where: string, error: unknown): IOError {
  if (error instanceof IOError) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as NodeErrorFields;
  const detail = error instanceof Error ? error.message : String(error);
  return new IOError(`${operation}${where === '' ? '' : ` ${where}`}: ${detail}`, {
    code: errorCode(error),
    errno: typeof e.errno === 'number' ? e.errno : undefined,
    syscall: typeof e.syscall === 'string' ? e.syscall : undefined,
    cause: error,
  });
}

/** An {@link IOError} raised by this library itself (no Node error behind it). */
export function ioFailure(operation: string, where: string, code: string, reason: string): IOError {
  return new IOError(`${operation}${where === '' ? '' : ` ${where}`}: ${code}: ${reason}`, { code });
}

/**
 * A read would have to buffer more than its limit (asyncio's `LimitOverrunError`): a
 * line longer than the stream's `maxLineLength`, or a stream longer than `readAll`'s
 * `maxBytes`. Nothing is taken from the stream: the bytes stay buffered, so the stream
 * stays usable. Skip or take them with `read` / `readExactly` (`consumed` says how many
 * are buffered; for a line whose end was found, exactly the line with its `\n`), or close
 * the stream.
 *
 * @example
 * ```ts
 * try {
 *   const line = yield* s.readline();
 *   yield* handle(line);
 * } catch (e) {
 *   if (!(e instanceof LimitOverrunError)) throw e;
 *   yield* s.write('line too long\n');
 *   s.close();
 * }
 * ```
 */
export class LimitOverrunError extends CurioError {
  /** Bytes buffered when the limit was hit (for a line whose end was seen: the whole line). */
  readonly consumed: number;
  /** The limit that was exceeded, in bytes. */
  readonly limit: number;

  constructor(message: string, consumed: number, limit: number) {
    super(message);
    this.consumed = consumed;
    this.limit = limit;
  }
}
