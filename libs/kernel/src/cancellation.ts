/**
 * Control over when cancellation may be delivered to the running task.
 * @packageDocumentation
 */
import { toOperation, type Operation, type OperationOrBlock } from './operation.js';
import { _requireTask } from './current.js';

/**
 * Runs `op` (an operation or a block) with cancellation held back: a cancellation or
 * timeout that arrives meanwhile stays pending and is delivered at the first blocking
 * call after the block. Inside, {@link checkCancellation} tells whether one is pending.
 * @example
 * ```ts
 * yield* disableCancellation(function* () {
 *   yield* saveEverything();   // a cancellation arriving now waits...
 * });
 * yield* sleep(1);             // ...and is delivered here
 * ```
 */
export function* disableCancellation<T>(op: OperationOrBlock<T>): Operation<T> {
  const task = _requireTask('disableCancellation');
  const gen = toOperation('disableCancellation', op);
  const previous = task._allowCancel;
  task._allowCancel = false;
  try {
    return yield* gen;
  } finally {
    task._allowCancel = previous;
  }
}

/**
 * Looks at the pending cancellation of the running task. If cancellation is allowed
 * and one is pending, throws it now. If it is not allowed (inside
 * {@link disableCancellation}), returns it (or null) and leaves it pending.
 * With `excType`, only a pending exception of that type counts: it is returned and
 * cleared.
 * @example
 * ```ts
 * yield* disableCancellation(function* () {
 *   for (const chunk of chunks) {
 *     yield* writeChunk(chunk);
 *     if ((yield* checkCancellation()) !== null) break;   // stop early, cleanly
 *   }
 * });
 * ```
 */
export function* checkCancellation(excType?: abstract new (...args: never[]) => Error): Operation<Error | null> {
  const task = _requireTask('checkCancellation');
  const pending = task._cancelPending;
  if (excType !== undefined && !(pending instanceof excType)) return null;
  if (pending !== null && task._allowCancel) {
    task._cancelPending = null;
    throw pending;
  }
  if (excType !== undefined) task._cancelPending = null;
  return pending;
}

/**
 * Sets (or with null clears) the running task's pending cancellation exception and
 * returns the previous one. It is delivered at the next blocking call where
 * cancellation is allowed.
 * @example
 * ```ts
 * yield* disableCancellation(function* () {
 *   const pending = yield* setCancellation(null);   // take a pending cancellation...
 *   yield* finishWrite();
 *   yield* setCancellation(pending);                 // ...and put it back
 * });
 * ```
 */
export function* setCancellation(exc: Error | null): Operation<Error | null> {
  const task = _requireTask('setCancellation');
  const previous = task._cancelPending;
  task._cancelPending = exc;
  return previous;
}
