/**
 * Operations: what a task waits on with `yield*` (a generator of kernel traps), task
 * bodies, and the helpers that accept "an operation, or a block (a generator function)
 * that makes one" and describe values in error messages.
 * @packageDocumentation
 */
import { Buffer } from 'node:buffer';
import type { Trap } from './traps.js';
import { isFunctionGenerator } from './resume.js';

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

/**
 * @internal A short description of a value as given, for error messages: strings quoted
 * (`string "10"`, so they never pass for numbers), `undefined` once, containers by kind.
 */
export function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (isThenable(value)) return 'a Promise (is it an async function? tasks are generator functions: function*)';
  switch (typeof value) {
    case 'string':
      return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
    case 'bigint':
      return `bigint ${value}n`;
    case 'symbol':
      return value.toString();
    case 'function':
      return `function ${value.name || '<anonymous>'}`;
    case 'object':
      if (Array.isArray(value)) return `an Array of length ${value.length}`;
      if (Buffer.isBuffer(value)) return `a Buffer of ${value.length} bytes`;
      return `an object (${(value as object).constructor?.name ?? Object.prototype.toString.call(value)})`;
    default:
      return `${typeof value} ${String(value)}`;
  }
}

/**
 * @internal A value as given, for "got ..." in range errors: a number bare (`2.5`),
 * anything else described (a string quoted, so `"10"` never passes for a number).
 */
export function shown(value: unknown): string {
  return typeof value === 'number' ? String(value) : describe(value);
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
      ? `${name}(): expected an operation or a generator function, got ${describe(gen)} from the block: the block must be a generator function (function*)`
      : `${name}(): expected an operation or a generator function, got ${describe(op)}`,
  );
}
