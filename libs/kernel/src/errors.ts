/**
 * Curio's exception hierarchy. Every error the kernel raises is a {@link CurioError}.
 * Cancellation is delivered into a task as a {@link CancelledError} subclass, so
 * `catch (e) { if (e instanceof CancelledError) ... }` sees every kind of it.
 * @packageDocumentation
 */

/**
 * Base class of every error Curio raises.
 * @example
 * ```ts
 * try {
 *   yield* lock.acquire();
 * } catch (e) {
 *   if (e instanceof CurioError) console.log('Curio refused:', e.message);
 *   else throw e;
 * }
 * ```
 */
export class CurioError extends Error {
  constructor(message?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * Base class of the exceptions the kernel throws into a task to stop what it is doing.
 * @example
 * ```ts
 * try {
 *   yield* sleep(60_000);
 * } catch (e) {
 *   if (e instanceof CancelledError) console.log('cancelled or timed out; cleaning up');
 *   throw e;                        // always re-throw a cancellation
 * }
 * ```
 */
export class CancelledError extends CurioError {
  /**
   * Set by an operation that sends (`sendall`, a stream's `write` in `@curio/io`) when it
   * is the one cancelled: how many bytes of its data it had handed on before it stopped
   * (Curio's `bytes_sent`). Undefined when the cancellation hit anything else.
   *
   * @example
   * ```ts
   * try {
   *   yield* timeoutAfter(1000, sock.sendall(data));
   * } catch (e) {
   *   if (e instanceof CancelledError && e.bytesSent !== undefined) console.log(`the peer got ${e.bytesSent} of ${data.length} bytes`);
   *   throw e;
   * }
   * ```
   */
  declare bytesSent?: number;
}

/**
 * Thrown into a task by {@link Task.cancel} (the default cancellation exception).
 * @example
 * ```ts
 * const t = yield* spawn(function* () {
 *   try { yield* sleep(60_000); } catch (e) { console.log(e instanceof TaskCancelled); throw e; }   // true
 * });
 * yield* t.cancel();
 * ```
 */
export class TaskCancelled extends CancelledError {
  constructor(message = 'task cancelled', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * Thrown into a task when the deadline of the `timeoutAfter` it is running under expires.
 * @example
 * ```ts
 * try {
 *   yield* timeoutAfter(1_000, sock.recv(100));
 * } catch (e) {
 *   if (!(e instanceof TaskTimeout)) throw e;
 *   console.log('no data within a second');
 * }
 * ```
 */
export class TaskTimeout extends CancelledError {
  /** The kernel clock (ms) at which the timeout was delivered. */
  readonly clock: number;
  constructor(clock: number, message = `timed out (clock ${clock.toFixed(3)} ms)`) {
    super(message);
    this.clock = clock;
  }
}

/**
 * Seen by an inner timeout block when an *outer* timeout expired: the inner block is
 * being cancelled, but its own deadline did not pass.
 * @example
 * ```ts
 * yield* timeoutAfter(1_000, function* () {
 *   try {
 *     yield* timeoutAfter(5_000, sleep(10_000));   // the outer second runs out first
 *   } catch (e) {
 *     console.log(e instanceof TimeoutCancellationError);   // true: not our deadline
 *     throw e;
 *   }
 * });
 * ```
 */
export class TimeoutCancellationError extends CancelledError {
  /** The kernel clock (ms) at which the outer timeout was delivered. */
  readonly clock: number;
  constructor(clock: number, message = `cancelled by an enclosing timeout (clock ${clock.toFixed(3)} ms)`) {
    super(message);
    this.clock = clock;
  }
}

/**
 * A timeout escaped the block it belonged to (nobody caught it) and reached a block
 * whose own deadline has not expired: an operational error in the program.
 * @example
 * ```ts
 * // A bug: the inner TaskTimeout escapes into a block whose deadline has not passed.
 * yield* timeoutAfter(10_000, function* () {
 *   const inner = yield* spawn(timeoutAfter, 10, sleep(1_000));
 *   yield* inner.wait();
 *   throw inner.exception;          // rethrowing a TaskTimeout here is reported as UncaughtTimeoutError
 * });
 * ```
 */
export class UncaughtTimeoutError extends CurioError {}

/**
 * Raised by {@link Task.join} when the joined task failed; the failure is in `cause`.
 * @example
 * ```ts
 * const t = yield* spawn(function* () { throw new Error('boom'); });
 * try {
 *   yield* t.join();
 * } catch (e) {
 *   if (e instanceof TaskError) console.log('task failed with', e.cause);   // Error: boom
 * }
 * ```
 */
export class TaskError extends CurioError {
  /** The exception the task ended with. */
  declare readonly cause: unknown;
  constructor(message: string, cause: unknown) {
    super(message, { cause });
  }
}

/**
 * A resource (socket, file, ...) is already being waited on by another task.
 * @example
 * ```ts
 * try {
 *   yield* sock.recv(100);
 * } catch (e) {
 *   if (e instanceof ResourceBusy) console.log('another task is already using this socket');
 *   else throw e;
 * }
 * ```
 */
export class ResourceBusy extends CurioError {}

/**
 * Two tasks tried to read from the same resource at the same time.
 * @example
 * ```ts
 * yield* spawn(function* () { yield* sock.recv(100); });
 * yield* sleep(0);
 * yield* sock.recv(100);            // throws ReadResourceBusy: the other task is reading
 * ```
 */
export class ReadResourceBusy extends ResourceBusy {}

/**
 * Two tasks tried to write to the same resource at the same time.
 * @example
 * ```ts
 * // Two tasks writing to one stream at the same time: the second gets WriteResourceBusy.
 * yield* spawn(function* () { yield* stream.write(bigBuffer); });
 * yield* sleep(0);
 * yield* stream.write('more');
 * ```
 */
export class WriteResourceBusy extends ResourceBusy {}
