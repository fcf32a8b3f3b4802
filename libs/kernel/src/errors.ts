/**
 * Curio's exception hierarchy. Every error the kernel raises is a {@link CurioError}.
 * Cancellation is delivered into a task as a {@link CancelledError} subclass, so
 * `catch (e) { if (e instanceof CancelledError) ... }` sees every kind of it.
 * @packageDocumentation
 */

/** Base class of every error Curio raises. */
export class CurioError extends Error {
  constructor(message?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Base class of the exceptions the kernel throws into a task to stop what it is doing. */
export class CancelledError extends CurioError {}

/** Thrown into a task by {@link Task.cancel} (the default cancellation exception). */
export class TaskCancelled extends CancelledError {
  constructor(message = 'task cancelled', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Thrown into a task when the deadline of the `timeoutAfter` it is running under expires. */
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
 */
export class UncaughtTimeoutError extends CurioError {}

/** Raised by {@link Task.join} when the joined task failed; the failure is in `cause`. */
export class TaskError extends CurioError {
  /** The exception the task ended with. */
  declare readonly cause: unknown;
  constructor(message: string, cause: unknown) {
    super(message, { cause });
  }
}

/** A resource (socket, file, ...) is already being waited on by another task. */
export class ResourceBusy extends CurioError {}

/** Two tasks tried to read from the same resource at the same time. */
export class ReadResourceBusy extends ResourceBusy {}

/** Two tasks tried to write to the same resource at the same time. */
export class WriteResourceBusy extends ResourceBusy {}
