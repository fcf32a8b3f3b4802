/**
 * `logcrash`: crash reports through pino.
 * @packageDocumentation
 */
import type { Activation, Task } from '@curio/kernel';
import { flushLogger, resolveOptions, taskFields, type DiagnosticOptions } from './options.js';

/**
 * Takes over the kernel's crash reports (see `CrashReporter` in `@curio/kernel`: a task
 * other than the main one dying of a non-cancellation error that nobody joins, waits on
 * or collects in a group): each becomes one record, when the task dies, with `taskId`,
 * `taskName`, `parentId` and the error serialised by pino under `err` (`type`,
 * `message`, `stack`). Tasks the filter leaves out are not reported at all. Default level
 * `error`.
 *
 * @example
 * ```ts
 * import { pino } from 'pino';
 * const logger = pino();
 * await run(program, { activations: [logcrash({ logger })] });
 * // {"level":50,"taskId":4,"taskName":"worker","parentId":1,"err":{"type":"Error","message":"boom","stack":"Error: boom\n    at worker ..."},"msg":"task 4 (worker) crashed: boom"}
 * ```
 */
export function logcrash(options?: DiagnosticOptions): Activation {
  const { logger, level, matches } = resolveOptions(options, 'logcrash()', 'error');
  const report = (task: Task, error: unknown) => {
    if (!matches(task)) return;
    const what = error instanceof Error ? error.message : String(error);
    logger[level]({ ...taskFields(task), err: error }, `task ${task.id} (${task.name}) crashed: ${what}`);
  };
  return {
    activate: (kernel) => { kernel.crashReporter = report; },
    shutdown: () => flushLogger(logger),
  };
}
