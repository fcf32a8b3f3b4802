/**
 * Errors of work done in another thread or process.
 * @packageDocumentation
 */
import { CurioError } from '@curio/kernel';

/**
 * How a worker describes an exception it caught, to rebuild it on the caller's side.
 * Not exported from the package, but not marked internal either: {@link WorkerError}'s
 * published declaration refers to it (stripInternal would leave a dangling name).
 */
export interface RemoteErrorInfo {
  className: string;
  message: string;
  stack: string;
  code?: string;
}

/**
 * A function run in a worker thread or child process threw: this carries its class name,
 * message and stack from the worker. `message` is the original message; `stack` ends with
 * the remote stack.
 *
 * @example
 * ```ts
 * try {
 *   yield* runInThread(parse, text);
 * } catch (e) {
 *   if (e instanceof WorkerError && e.className === 'SyntaxError') console.log('bad input:', e.message);
 *   else throw e;
 * }
 * ```
 */
export class WorkerError extends CurioError {
  /** The class name of the exception in the worker (`'RangeError'`, `'MyError'`, ...). */
  readonly className: string;
  /** The stack as the worker saw it. */
  readonly remoteStack: string;
  /** The exception's `code` property, if it had a string one (e.g. `'ENOENT'`). */
  readonly code: string | undefined;

  constructor(info: RemoteErrorInfo, where: string) {
    super(info.message);
    this.className = info.className;
    this.remoteStack = info.stack;
    this.code = info.code;
    this.stack = `${this.name} [${info.className} in ${where}]: ${info.message}\n${info.stack.split('\n').slice(1).join('\n')}\n    --- the call in this thread ---\n${(this.stack ?? '').split('\n').slice(1).join('\n')}`;
  }
}

/**
 * The worker thread or child process running a job died before finishing it (it exited,
 * was killed, or hit an error outside the function). Only that job fails; the pool starts
 * a new worker for the next ones.
 *
 * @example
 * ```ts
 * try { yield* runInProcess(risky, input); } catch (e) { if (e instanceof WorkerCrashed) console.log(e.message); }
 * ```
 */
export class WorkerCrashed extends CurioError {
  /** The exit code, if the worker exited. */
  readonly exitCode: number | null;
  /** The signal that killed the child process, if one did. */
  readonly signal: string | null;

  constructor(message: string, exitCode: number | null, signal: string | null, options?: { cause?: unknown }) {
    super(message, options);
    this.exitCode = exitCode;
    this.signal = signal;
  }
}

/**
 * The pool was closed: jobs still waiting for a worker fail with this, and so do new ones.
 *
 * @example
 * ```ts
 * await pool.close();
 * await pool.runAsync(fibonacci, [10]); // throws PoolClosed
 * ```
 */
export class PoolClosed extends CurioError {}

/**
 * `runCluster` gave up: its workers kept dying (more than `restart.maxRestarts` restarts
 * within `restart.windowMs`, or workers dying before they ever listen, 3 per worker in a
 * row). The message names the limit and how the last worker ended; the other workers were
 * stopped before it was thrown.
 *
 * @example
 * ```ts
 * try {
 *   await runCluster(server, { restart: { maxRestarts: 5 } });
 * } catch (e) {
 *   if (e instanceof ClusterGaveUp) console.error(e.message, e.exitCode, e.signal);
 *   process.exitCode = 1;
 * }
 * ```
 */
export class ClusterGaveUp extends CurioError {
  /** The exit code of the last worker that died, if it exited. */
  readonly exitCode: number | null;
  /** The signal that killed the last worker that died, if one did. */
  readonly signal: string | null;

  constructor(message: string, exitCode: number | null, signal: string | null) {
    super(message);
    this.exitCode = exitCode;
    this.signal = signal;
  }
}
