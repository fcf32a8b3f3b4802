/**
 * Errors raised by {@link AsyncFile} for misuse (as opposed to the operating system's
 * own errors, which pass through as Node's errors with `code`, `syscall` and `path`).
 * @packageDocumentation
 */
import { CurioError } from '@curio/kernel';

/**
 * The file was not opened for this: reading a file opened write-only, writing one
 * opened read-only, seeking in a pipe. Python's `io.UnsupportedOperation`.
 * @example
 * ```ts
 * using f = yield* aopen('/tmp/out.txt', 'w');
 * try { yield* f.read(); } catch (e) { console.log(e instanceof UnsupportedOperation); }   // true: opened for writing
 * ```
 */
export class UnsupportedOperation extends CurioError {}

/**
 * An operation on a file that has been closed.
 * @example
 * ```ts
 * const f = yield* aopen('/etc/hosts');
 * f.close();
 * try { yield* f.read(); } catch (e) { console.log(e instanceof ClosedFileError); }   // true
 * ```
 */
export class ClosedFileError extends CurioError {}
