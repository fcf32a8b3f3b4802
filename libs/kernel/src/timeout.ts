/**
 * Timeouts with Curio's nesting rules.
 *
 * Each task keeps the deadlines of the timeout blocks it is in, outermost first; the
 * kernel keeps only the earliest in its time queue. When that expires the task gets a
 * TaskTimeout carrying the clock, and every block it unwinds through decides, from its
 * deadlines, what the exception means there:
 * 1. the outermost expired block is the one that timed out: it gets TaskTimeout;
 * 2. a block inside it is being cancelled by it: TimeoutCancellationError;
 * 3. if no block's deadline has expired the timeout escaped the block it belonged to:
 *    UncaughtTimeoutError.
 * @packageDocumentation
 */
import { TaskTimeout, TimeoutCancellationError, UncaughtTimeoutError, type CancelledError } from './errors.js';
import { toOperation, type Operation, type OperationOrBlock } from './operation.js';
import { describeValue } from './describe-value.js';
import { _requireTask } from './current.js';

/**
 * Options of {@link ignoreAfter} and {@link ignoreAt}.
 * @example
 * ```ts
 * const options: IgnoreOptions<string> = { timeoutResult: 'no answer' };
 * const reply = yield* ignoreAfter(1_000, ask('db.local'), options);
 * ```
 */
export interface IgnoreOptions<R> {
  /** What to return when time runs out (default `undefined`). */
  timeoutResult?: R;
}

/**
 * Runs `op` (an operation, or a block `function* () { ... }`) and throws
 * {@link TaskTimeout} into it if it is not done within `ms` milliseconds. `null` means
 * no timeout.
 * @example
 * ```ts
 * try {
 *   const data = yield* timeoutAfter(5_000, sock.recv(1000));
 * } catch (e) {
 *   if (e instanceof TaskTimeout) console.log('no data within 5 s');
 *   else throw e;
 * }
 * ```
 */
export function timeoutAfter<T>(ms: number | null, op: OperationOrBlock<T>): Operation<T> {
  return underDeadline('timeoutAfter', ms, false, op, false, undefined) as Operation<T>;
}

/**
 * Like {@link timeoutAfter} with an absolute deadline on the kernel clock.
 * @example
 * ```ts
 * const deadline = (yield* clock()) + 10_000;
 * yield* timeoutAt(deadline, step1());
 * yield* timeoutAt(deadline, step2());   // both within the same 10 s
 * ```
 */
export function timeoutAt<T>(clockMs: number | null, op: OperationOrBlock<T>): Operation<T> {
  return underDeadline('timeoutAt', clockMs, true, op, false, undefined) as Operation<T>;
}

/**
 * Runs `op` for at most `ms` milliseconds; if time runs out it is cancelled and
 * `timeoutResult` (default `undefined`) is returned instead of throwing.
 * @example
 * ```ts
 * const data = yield* ignoreAfter(1_000, sock.recv(100));
 * if (data === undefined) console.log('nothing within a second');
 * ```
 */
export function ignoreAfter<T, R = undefined>(ms: number | null, op: OperationOrBlock<T>, options: IgnoreOptions<R> = {}): Operation<T | R> {
  return underDeadline('ignoreAfter', ms, false, op, true, options.timeoutResult as R);
}

/**
 * Like {@link ignoreAfter} with an absolute deadline on the kernel clock.
 * @example
 * ```ts
 * const deadline = (yield* clock()) + 5_000;
 * const r = yield* ignoreAt(deadline, queue.get(), { timeoutResult: null });
 * ```
 */
export function ignoreAt<T, R = undefined>(clockMs: number | null, op: OperationOrBlock<T>, options: IgnoreOptions<R> = {}): Operation<T | R> {
  return underDeadline('ignoreAt', clockMs, true, op, true, options.timeoutResult as R);
}

function* underDeadline<T, R>(
  name: string,
  time: number | null,
  absolute: boolean,
  op: OperationOrBlock<T>,
  ignore: boolean,
  timeoutResult: R,
): Operation<T | R> {
  if (time !== null && (typeof time !== 'number' || Number.isNaN(time))) {
    throw new TypeError(`${name}(): expected a number of milliseconds or null, got ${describeValue(time)}`);
  }
  const task = _requireTask(name);
  const kernel = task.kernel;
  const gen = toOperation(name, op);
  const deadline = time === null ? null : absolute ? time : kernel.clock.now() + time;
  const deadlines = (task._deadlines ??= []);
  deadlines.push(deadline ?? Infinity);
  const prior = kernel._setTimeout(task, deadline);
  let result: T;
  try {
    result = yield* gen;
  } catch (error) {
    kernel._unsetTimeout(task, prior);
    try {
      if (!(error instanceof TaskTimeout || error instanceof TimeoutCancellationError)) throw error;
      // The outermost block whose deadline has passed is the one that timed out.
      const expired = deadlines.findIndex((d) => d <= error.clock);
      if (expired < 0) throw new UncaughtTimeoutError(`${name}(): a timeout escaped the block it belonged to (uncaught timeout received)`, { cause: error });
      if (expired < deadlines.length - 1) {
        // An enclosing block timed out: this one is just being cancelled.
        throw error instanceof TaskTimeout ? keepBytesSent(new TimeoutCancellationError(error.clock), error) : error;
      }
      if (ignore) return timeoutResult;
      throw error instanceof TimeoutCancellationError ? keepBytesSent(new TaskTimeout(error.clock), error) : error;
    } finally {
      deadlines.pop();
    }
  }
  kernel._unsetTimeout(task, prior);
  deadlines.pop();
  return result;
}

/** A timeout turned into another kind on its way out keeps what the cancelled send told (see CancelledError.bytesSent). */
function keepBytesSent<E extends CancelledError>(fresh: E, from: CancelledError): E {
  if (from.bytesSent !== undefined) fresh.bytesSent = from.bytesSent;
  return fresh;
}
