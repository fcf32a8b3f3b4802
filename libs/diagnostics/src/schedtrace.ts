/**
 * `schedtrace`: every scheduling event of a task, as a structured record.
 * @packageDocumentation
 */
import { CancelledError, type Activation, type Task, type Trap } from '@curio/kernel';
import { flushLogger, resolveOptions, taskFields, type DiagnosticOptions } from './options.js';

/**
 * Logs every scheduling event: `created`, `running`, `suspended` (with the trap's name)
 * and `terminated`, each a record with `event`, `taskId`, `taskName`, `parentId`,
 * `state`, `cycles` (and `trap` for a suspension, `outcome` for a termination).
 * Default level `info`. Verbose: one record per scheduling event.
 *
 * @example
 * ```ts
 * await run(program, { activations: [schedtrace({ filter: /^worker/ })] });
 * // {"level":30,"event":"suspended","taskId":3,"taskName":"worker","parentId":1,"state":"TIME_SLEEP","cycles":1,"trap":"TIME_SLEEP","msg":"task 3 (worker) suspended in TIME_SLEEP"}
 * ```
 */
export function schedtrace(options?: DiagnosticOptions): Activation {
  const { logger, level, matches } = resolveOptions(options, 'schedtrace()', 'info');
  const log = (task: Task, event: string, extra: Record<string, unknown>, msg: string) => {
    logger[level]({ event, ...taskFields(task), state: task.state, cycles: task.cycles, ...extra }, `task ${task.id} (${task.name}) ${msg}`);
  };
  return {
    created: (task) => { if (matches(task)) log(task, 'created', {}, 'created'); },
    running: (task) => { if (matches(task)) log(task, 'running', {}, 'running'); },
    suspended: (task: Task, trap: Trap | null) => {
      // A terminating task (trap null) gets its own 'terminated' record.
      if (trap !== null && matches(task)) log(task, 'suspended', { trap: trap.name }, `suspended in ${trap.name}`);
    },
    terminated: (task) => {
      if (!matches(task)) return;
      const outcome = outcomeOf(task);
      log(task, 'terminated', { outcome }, `terminated (${outcome})`);
    },
    shutdown: () => flushLogger(logger),
  };
}

/** @internal `returned`, `cancelled` (any CancelledError) or `failed`. */
export function outcomeOf(task: Task): 'returned' | 'cancelled' | 'failed' {
  const error = task.exception;
  if (error === null) return 'returned';
  return error instanceof CancelledError ? 'cancelled' : 'failed';
}
