/**
 * The low-level way for I/O layers to block a task on something outside the kernel
 * (a Node callback, a promise): park it, and wake it from the callback.
 * @packageDocumentation
 */
import { ParkTrap, type ParkRegistration } from './traps.js';
import { type Operation } from './operation.js';
import { _requireTask, traceTrap } from './current.js';

/**
 * Parks the running task in state `state` (e.g. `'READ_WAIT'`) until the registration
 * resumes it. `register` is called once, with a {@link Waker}; arrange for
 * `waker.wake(value)` or `waker.fail(error)` to be called, and return a function that
 * undoes the arrangement. That function is called if the wait is cancelled or times out
 * (then later calls on the waker are ignored). If `register` throws, the operation
 * fails with that error.
 *
 * @example
 * ```ts
 * const data = yield* park<Buffer>('READ_WAIT', (waker) => {
 *   readable.once('data', onData);
 *   function onData(chunk: Buffer) { waker.wake(chunk); }
 *   return () => readable.off('data', onData);
 * });
 * ```
 */
export function* park<T>(state: string, register: ParkRegistration<T>): Operation<T> {
  _requireTask('park');
  return (yield traceTrap(new ParkTrap(state, register as ParkRegistration<unknown>))) as T;
}
