/**
 * `runInThread` and `runInProcess`: run a function on the default pools, sized to the
 * machine's cores unless {@link configureWorkerPools} says otherwise.
 * @packageDocumentation
 */
import { describeValue } from '@curio/kernel';
import type { Operation } from '@curio/kernel';
import type { Runnable } from './function-ref.js';
import type { WorkerArgs, WorkerResult } from './pool.js';
import { ThreadPool } from './thread-pool.js';
import { ProcessPool } from './process-pool.js';

let threads: ThreadPool | null = null;
let processes: ProcessPool | null = null;
let threadSize: number | undefined;
let processSize: number | undefined;

/**
 * The pool {@link runInThread} uses, started on first use.
 *
 * @example
 * ```ts
 * console.log(defaultThreadPool().stats());
 * ```
 */
export function defaultThreadPool(): ThreadPool {
  return (threads ??= new ThreadPool({ size: threadSize }));
}

/**
 * The pool {@link runInProcess} uses, started on first use.
 *
 * @example
 * ```ts
 * await defaultProcessPool().close(); // stop the children now
 * ```
 */
export function defaultProcessPool(): ProcessPool {
  return (processes ??= new ProcessPool({ size: processSize }));
}

/**
 * Sizes of the default pools: see {@link configureWorkerPools}.
 *
 * @example
 * ```ts
 * const sizes: WorkerPoolSizes = { threads: 8 };
 * await configureWorkerPools(sizes);
 * ```
 */
export interface WorkerPoolSizes {
  /** The most worker threads {@link runInThread} uses at once (default: the cores). */
  threads?: number;
  /** The most child processes {@link runInProcess} uses at once (default: the cores). */
  processes?: number;
}

/**
 * Sets the sizes of the default pools. A pool already started is closed (its running jobs
 * fail with `PoolClosed`) and the next call starts one of the new size. Resolves when
 * the old pools have stopped.
 *
 * @example
 * ```ts
 * await configureWorkerPools({ threads: 8, processes: 2 });
 * ```
 * @throws RangeError if a size is not an integer >= 1.
 */
export async function configureWorkerPools(sizes: WorkerPoolSizes): Promise<void> {
  if (sizes === null || typeof sizes !== 'object') throw new TypeError(`configureWorkerPools(): expected { threads?, processes? }, got ${describeValue(sizes)}`);
  for (const key of ['threads', 'processes'] as const) {
    const n = sizes[key];
    if (n !== undefined && (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1)) {
      throw new RangeError(`configureWorkerPools(): ${key} must be an integer >= 1, got ${describeValue(n)}`);
    }
  }
  const closing: Promise<void>[] = [];
  if (sizes.threads !== undefined) {
    threadSize = sizes.threads;
    if (threads !== null) closing.push(threads.close());
    threads = null;
  }
  if (sizes.processes !== undefined) {
    processSize = sizes.processes;
    if (processes !== null) closing.push(processes.close());
    processes = null;
  }
  await Promise.all(closing);
}

/**
 * Runs `fn(...args)` in a worker thread of the default pool and returns its result (an
 * async function's result is awaited there). `fn` crosses by reference: mark it with
 * {@link workerFunction} in its own module, or pass a {@link functionRef}. Arguments and
 * the result are copied by structured clone; wrap a buffer in {@link transfer} to move it.
 * An exception in `fn` comes back as {@link WorkerError} (class name, message, remote
 * stack). Cancelling the task (or its timeout) terminates the thread running the job.
 * A Curio resource (a `Socket`, a stream, a file) or a kernel object (a `Task`, an
 * `Event`, ...) among the arguments is a TypeError at the call: its copy would have none
 * of its methods, and what it stands for stays in this thread.
 *
 * @example
 * ```ts
 * export const fib = workerFunction(import.meta.url, function fib(n: number): number {
 *   return n < 2 ? n : fib(n - 1) + fib(n - 2);
 * });
 * export function* fibWithin(ms: number, n: number) {
 *   return yield* timeoutAfter(ms, runInThread(fib, n));
 * }
 * ```
 */
export function runInThread<A extends unknown[], R>(fn: Runnable<A, R>, ...args: WorkerArgs<A>): Operation<WorkerResult<R>> {
  return defaultThreadPool().run(fn, ...args);
}

/**
 * Like {@link runInThread}, in a child process of the default process pool: for work
 * that may crash or leak, or must not share this process's memory. Cancelling the task
 * kills the child (SIGKILL); a child that dies fails only its own job ({@link WorkerCrashed}).
 *
 * @example
 * ```ts
 * const month = '2026-11';
 * const report = yield* runInProcess(functionRef<[string], string>(new URL('./report.js', import.meta.url), 'build'), month);
 * ```
 */
export function runInProcess<A extends unknown[], R>(fn: Runnable<A, R>, ...args: WorkerArgs<A>): Operation<WorkerResult<R>> {
  return defaultProcessPool().run(fn, ...args);
}
