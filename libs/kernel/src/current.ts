/**
 * Which task is running right now. JavaScript runs one thing at a time, so while the
 * kernel steps a task this module-level slot names it; operations read it to find
 * their task without a trap.
 * @internal
 */
import { CurioError } from './errors.js';
import type { Task } from './task.js';
import type { Trap } from './traps.js';

let running: Task | null = null;

/** @internal The task being stepped, or null outside any task. */
export function _currentTask(): Task | null {
  return running;
}

/** @internal Swaps the running task; returns the previous one. */
export function _setCurrentTask(task: Task | null): Task | null {
  const prev = running;
  running = task;
  return prev;
}

const INSIDE_A_TASK = 'inside a task started by run(), kernel.run() or spawn()';

/** @internal The running task, or a clear error naming the operation misused outside one. */
export function _requireTask(operation: string): Task {
  if (running === null) {
    throw new CurioError(`${operation}() was called outside any task: call it ${INSIDE_A_TASK}, and wait on blocking operations with yield*`);
  }
  return running;
}

/**
 * For operation authors: throws the kernel's clear {@link CurioError}
 * (`recv() was called outside any task: ...`) unless a task is running. An operation
 * that can finish without a trap (its data already buffered) calls it first, so that
 * outside a task it fails the same way whether or not it would have had to wait.
 *
 * @example
 * ```ts
 * let buffered = Buffer.alloc(0);
 * function* take(n: number): Operation<Buffer> {
 *   requireTask('take');
 *   if (buffered.length >= n) {  // no trap needed
 *     const data = buffered.subarray(0, n);
 *     buffered = buffered.subarray(n);
 *     return data;
 *   }
 *   buffered = Buffer.concat([buffered, yield* sock.recv(65536)]);
 *   return yield* take(n);
 * }
 * ```
 */
export function requireTask(operation: string): void {
  if (running === null) _requireTask(operation);
}

/**
 * For operation authors: every trap is yielded through this, `yield traceTrap(trap)`,
 * from inside the operation's generator. With stack tracing on it records the task's
 * stack at its blocking point (the generator frames are gone once the kernel has the
 * trap); outside any task it throws the usual clear error instead of yielding.
 * @example
 * ```ts
 * function* waitTurn(queue: SchedFIFO): Operation<void> {
 *   yield traceTrap(queue.trap('TURN_WAIT'));   // the hot-path form of queue.suspend()
 * }
 * ```
 */
export function traceTrap<T extends Trap>(trap: T): T {
  const task = running;
  if (task === null) throw new CurioError(`an operation waiting in ${trap.name} was run outside any task: run it ${INSIDE_A_TASK}, and wait on it with yield*`);
  else if (task._kernel._traceStacks) task._stack = new Error().stack ?? null;
  return trap;
}
