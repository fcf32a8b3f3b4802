/**
 * Operations: what a task waits on with `yield*` (a generator of kernel traps), task
 * bodies, and the helpers that accept "an operation, or a block (a generator function)
 * that makes one".
 * @packageDocumentation
 */
import type { Trap } from './traps.js';
import { isFunctionGenerator } from './resume.js';
import { describeValue } from './describe-value.js';

/**
 * A blocking call. Wait on it with `yield*` inside a task:
 * `const data = yield* sock.recv(1000)`.
 * @example
 * ```ts
 * function* fetchLine(stream: SocketStream): Operation<string> {
 *   return (yield* stream.readline()).toString();
 * }
 * const line = yield* fetchLine(stream);
 * ```
 */
export type Operation<T> = Generator<Trap, T, unknown>;

/**
 * A task body: a generator function, or a generator object already created.
 * @example
 * ```ts
 * function* worker(n: number): Operation<number> { yield* sleep(n); return n; }
 * const body: TaskBody<number, [number]> = worker;
 * const t = yield* spawn(body, 10);
 * ```
 */
export type TaskBody<T, A extends unknown[] = []> = ((...args: A) => Operation<T>) | Operation<T>;

/** @internal True for a generator object (what an operation is), judged by its shape. */
export function isGenerator(value: unknown): value is Operation<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  // A function* generator needs no (megamorphic) property reads; see resume.ts.
  if (isFunctionGenerator(value)) return true;
  return (
    typeof (value as Operation<unknown>).next === 'function' &&
    typeof (value as Operation<unknown>).throw === 'function' &&
    typeof (value as Operation<unknown>)[Symbol.iterator] === 'function'
  );
}

/** @internal True for a promise or anything else with a `then` method. */
export function isThenable(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}

/** @internal A hint for a task body or block that made a promise instead of an operation. */
export function asyncHint(value: unknown): string {
  return isThenable(value) ? ' (is it an async function? tasks are generator functions: function*)' : '';
}

/**
 * An operation, or a block: a generator function (`function* () { ... }`) that makes one.
 * `timeoutAfter`, `disableCancellation`, `withLock` and `TaskLocal.withValue` take either.
 *
 * @example
 * ```ts
 * yield* timeoutAfter(1000, sock.recv(100));          // an operation
 * yield* timeoutAfter(1000, function* () {            // a block
 *   yield* sock.sendall(request);
 *   return yield* sock.recv(100);
 * });
 * ```
 */
export type OperationOrBlock<T> = Operation<T> | (() => Operation<T>);

/**
 * @internal The operation `op` stands for: `op` itself, or what the block returns when
 * called. `name` is the API that was given it, for the error.
 * @throws TypeError if `op` is neither an operation nor a block returning one.
 */
export function toOperation<T>(name: string, op: OperationOrBlock<T>): Operation<T> {
  const gen: unknown = typeof op === 'function' ? op() : op;
  if (isGenerator(gen)) return gen as Operation<T>;
  throw new TypeError(
    typeof op === 'function'
      ? `${name}(): expected an operation or a generator function, got ${describeValue(gen)}${asyncHint(gen)} from the block: the block must be a generator function (function*)`
      : `${name}(): expected an operation or a generator function, got ${describeValue(op)}`,
  );
}
