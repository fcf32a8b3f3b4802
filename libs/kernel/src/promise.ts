/**
 * Interop with promise-based code, in both directions (`run` covers the other one).
 * @packageDocumentation
 */
import { type Operation } from './operation.js';
import { describeValue } from './describe-value.js';
import { park } from './park.js';

/**
 * Waits for a promise inside a task and returns its value (or throws its rejection).
 * Cancelling the task stops the wait; the promise itself runs on (use {@link call} for
 * work that can be aborted).
 * @example
 * ```ts
 * import { readFile } from 'node:fs/promises';
 * const text = yield* awaitPromise(readFile('config.json', 'utf8'));
 * ```
 */
export function* awaitPromise<T>(promise: PromiseLike<T> | T): Operation<T> {
  if (promise === null || typeof promise !== 'object' || typeof (promise as PromiseLike<T>).then !== 'function') {
    if (typeof promise === 'function') throw new TypeError(`awaitPromise(): expected a promise, got ${describeValue(promise)}; did you mean call()?`);
    return promise as T;
  }
  return yield* park<T>('FUTURE_WAIT', (waker) => {
    (promise as PromiseLike<T>).then(
      (value) => waker.wake(value),
      (error: unknown) => waker.fail(error),
    );
  });
}

/**
 * Calls promise-returning `fn` with an `AbortSignal` and waits for its result. If the
 * task is cancelled (or times out) while waiting, the signal is aborted with the
 * cancellation exception as its reason.
 *
 * @example
 * ```ts
 * const res = yield* call((signal) => fetch(url, { signal }));
 * ```
 */
export function* call<T>(fn: (signal: AbortSignal) => PromiseLike<T> | T): Operation<T> {
  if (typeof fn !== 'function') throw new TypeError(`call(): expected a function taking an AbortSignal, got ${describeValue(fn)}`);
  const controller = new AbortController();
  try {
    return yield* awaitPromise(fn(controller.signal));
  } catch (error) {
    // Cancelled, timed out, or fn failed: whatever fn started should stop.
    if (!controller.signal.aborted) controller.abort(error);
    throw error;
  }
}
