/**
 * `traptrace`: each trap a task blocks on, with what it waits for.
 * @packageDocumentation
 */
import type { Activation, Kernel, Task, Trap } from '@curio/kernel';
import { flushLogger, resolveOptions, taskFields, type DiagnosticOptions } from './options.js';

/**
 * Logs each trap a task blocks on: a record with `taskId`, `taskName`, `parentId`,
 * `trap` (its name: `READ_WAIT`, `TIME_SLEEP`, `QUEUE_GET`, ...) and what it waits on:
 * `sleepMs` (how long a sleep has left), `timeoutMs` (how long until the timeout in
 * force), and `where` (the user's line that blocked, `file:line`, when the kernel records
 * stacks: `traceStacks: true`). Default level `info`.
 *
 * @example
 * ```ts
 * await run(program, { traceStacks: true, activations: [traptrace()] });
 * // {"level":30,"taskId":2,"taskName":"echoClient","parentId":1,"trap":"READ_WAIT","where":"/srv/echo.js:31","msg":"task 2 (echoClient) waits in READ_WAIT"}
 * ```
 */
export function traptrace(options?: DiagnosticOptions): Activation {
  const { logger, level, matches } = resolveOptions(options, 'traptrace()', 'info');
  let kernel: Kernel | null = null;
  return {
    activate: (k) => { kernel = k; },
    suspended: (task: Task, trap: Trap | null) => {
      if (trap === null || !matches(task)) return;
      const record: Record<string, unknown> = { ...taskFields(task), trap: trap.name };
      const now = kernel === null ? 0 : kernel.clock.now();
      if (task.sleepUntil !== null) record.sleepMs = Math.max(0, task.sleepUntil - now);
      if (task.timeout !== null) record.timeoutMs = Math.max(0, task.timeout - now);
      const frame = task.where();
      if (frame !== null) record.where = `${frame.file}:${frame.line}`;
      logger[level](record, `task ${task.id} (${task.name}) waits in ${trap.name}`);
    },
    shutdown: () => flushLogger(logger),
  };
}
