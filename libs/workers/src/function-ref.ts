/**
 * How a function crosses to a worker thread or a child process: by reference (the URL of
 * its module and the name it is exported under), never by its code. The worker imports
 * the module and calls the export, so the function sees its own module's imports and
 * nothing of the caller's closure.
 * @packageDocumentation
 */
import { describeValue } from '@curio/kernel';
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Where a function lives: the module to import in the worker and the export to call.
 *
 * @example
 * ```ts
 * const ref: FunctionRef<[number], number> = functionRef(new URL('./fib.js', import.meta.url), 'fib');
 * ```
 */
export interface FunctionRef<A extends unknown[] = unknown[], R = unknown> {
  /** The module's URL (`file:///...`, as `import.meta.url` gives it). */
  readonly module: string;
  /** The name the function is exported under. */
  readonly name: string;
  /** @internal Type-only: the function's signature, so calls through the reference are checked. */
  readonly __signature?: (...args: A) => R;
}

/**
 * A function marked with {@link workerFunction}: callable as usual, and sendable to workers by reference.
 *
 * @example
 * ```ts
 * export const cube: WorkerFunction<[number], number> = workerFunction(import.meta.url, function cube(n: number) { return n * n * n; });
 * ```
 */
export type WorkerFunction<A extends unknown[] = unknown[], R = unknown> = ((...args: A) => R) & {
  /** Where the function lives, for the worker to import it. */
  readonly [WORKER_REF]: FunctionRef<A, R>;
};

/**
 * What {@link runInThread} and {@link runInProcess} accept as the function to run.
 *
 * @example
 * ```ts
 * function* timed<A extends unknown[], R>(fn: Runnable<A, R>, ...args: A) {
 *   const start = yield* clock();
 *   const result = yield* runInThread(fn, ...args);
 *   return { result, ms: (yield* clock()) - start };
 * }
 * ```
 */
export type Runnable<A extends unknown[] = unknown[], R = unknown> = WorkerFunction<A, R> | FunctionRef<A, R>;

/**
 * The property under which {@link workerFunction} stores a function's reference.
 *
 * @example
 * ```ts
 * console.log(fibonacci[WORKER_REF].module, fibonacci[WORKER_REF].name); // file:///.../fib.js fibonacci
 * ```
 */
export const WORKER_REF: unique symbol = Symbol.for('curio.workers.ref') as never;

/** `file:` URL of a module given as a URL, a `file:` URL string or an absolute path. */
function moduleUrl(caller: string, module: string | URL): string {
  if (module instanceof URL) return module.href;
  if (typeof module !== 'string' || module === '') {
    throw new TypeError(`${caller}: the module must be a URL (import.meta.url) or an absolute path, got ${describeValue(module)}`);
  }
  if (isAbsolute(module)) return pathToFileURL(module).href;
  try {
    return new URL(module).href;
  } catch {
    throw new TypeError(`${caller}: the module must be a URL (import.meta.url) or an absolute path, got ${describeValue(module)}`);
  }
}

function checkExportName(caller: string, name: unknown): string {
  if (typeof name !== 'string' || name === '') {
    throw new TypeError(`${caller}: the export name must be a non-empty string, got ${describeValue(name)}`);
  }
  return name;
}

/**
 * A reference to the function exported as `name` by `module`, to run with
 * {@link runInThread} or {@link runInProcess}. Use it for modules you do not control (or
 * plain `.js`/`.mjs` files); for your own functions {@link workerFunction} is shorter.
 *
 * @example
 * ```ts
 * const hash = functionRef<[Buffer], string>(new URL('./hash.mjs', import.meta.url), 'sha256');
 * const digest = yield* runInThread(hash, data);
 * ```
 * @throws TypeError if `module` is not a URL or absolute path, or `name` is empty.
 */
export function functionRef<A extends unknown[] = unknown[], R = unknown>(module: string | URL, name: string): FunctionRef<A, R> {
  return Object.freeze({ module: moduleUrl('functionRef()', module), name: checkExportName('functionRef()', name) });
}

/**
 * Marks `fn`, exported from the module at `module` (pass `import.meta.url`), as a function
 * that can run in a worker, and returns it unchanged otherwise. Export it under its own
 * name, or give the export name as `name`: the worker imports the module and calls that
 * export. A closure cannot cross (its captured variables stay behind); everything the
 * function needs comes through its arguments or its module's imports.
 *
 * @example
 * ```ts
 * // fib.ts
 * export const fib = workerFunction(import.meta.url, function fib(n: number): number {
 *   return n < 2 ? n : fib(n - 1) + fib(n - 2);
 * });
 * // a task, here or in a module that imports fib
 * export function* fibTask(n: number) {
 *   return yield* runInThread(fib, n);
 * }
 * ```
 * @throws TypeError if `fn` is not a function, is anonymous without `name`, or `module` is not a URL.
 */
export function workerFunction<A extends unknown[], R>(module: string | URL, fn: (...args: A) => R, name?: string): WorkerFunction<A, R> {
  if (typeof fn !== 'function') throw new TypeError(`workerFunction(): expected the exported function, got ${describeValue(fn)}`);
  const exportName = name ?? fn.name;
  if (exportName === '') {
    throw new TypeError('workerFunction(): the function is anonymous: give it a name (function fib(n) {...}) or pass the export name as the third argument');
  }
  const ref = functionRef<A, R>(module, checkExportName('workerFunction()', exportName));
  Object.defineProperty(fn, WORKER_REF, { value: ref, enumerable: false });
  return fn as WorkerFunction<A, R>;
}

/**
 * The reference of a runnable, or a TypeError that says why a plain function (a closure,
 * an arrow function, an unmarked export) cannot cross.
 * @internal
 */
export function toRef(caller: string, fn: unknown): FunctionRef {
  if (typeof fn === 'function') {
    const ref = (fn as Partial<WorkerFunction>)[WORKER_REF];
    if (ref !== undefined) return ref;
    throw new TypeError(
      `${caller}: ${describeValue(fn)} cannot cross to a worker: functions cross by reference, not by code (a closure's variables would stay behind). ` +
        'Export it from a module and mark it with workerFunction(import.meta.url, fn), or pass functionRef(moduleUrl, exportName)',
    );
  }
  if (typeof fn === 'object' && fn !== null && typeof (fn as FunctionRef).module === 'string' && typeof (fn as FunctionRef).name === 'string') {
    return fn as FunctionRef;
  }
  throw new TypeError(`${caller}: expected a function marked with workerFunction() or a functionRef(module, name), got ${describeValue(fn)}`);
}
