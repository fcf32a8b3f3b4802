/**
 * Crash reports: a task that dies of an error nobody will look at leaves a trace when it
 * dies (Curio's `Task Crash` log), instead of vanishing silently.
 * @packageDocumentation
 */
import { CancelledError } from './errors.js';
import type { Task } from './task.js';

/**
 * Receives each crash: a task other than the main one that died of an error that is not
 * a cancellation, while no task was waiting on it and no task group collects it.
 * Called synchronously from the kernel at the moment the task dies, once per task.
 *
 * @example
 * ```ts
 * const kernel = new Kernel({ crashReporter: (task, error) => console.error(`task ${task.id} crashed:`, error) });
 * ```
 */
export type CrashReporter = (task: Task, error: unknown) => void;

/**
 * The default {@link CrashReporter}: one report on stderr with the task's id, name,
 * and the error with its stack.
 *
 * @example
 * ```ts
 * // Back to the default after an activation replaced it:
 * task.kernel.crashReporter = reportCrashToStderr;
 * ```
 */
export function reportCrashToStderr(task: Task, error: unknown): void {
  const detail = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
  process.stderr.write(`Task Crash: task ${task.id} (${task.name}) died: ${detail}\n`);
}

/** @internal Whether the end of `task` with `error` is a crash to report (see {@link CrashReporter}). */
export function _isUnwatchedCrash(task: Task, error: unknown): boolean {
  if (error instanceof CancelledError) return false;
  if (task._group !== null) return false;
  return task._joining === null || task._joining.length === 0;
}
