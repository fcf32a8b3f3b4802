/**
 * `longblock`: tasks that keep the CPU too long without blocking.
 * @packageDocumentation
 */
import { describeValue } from '@curio/kernel';
import type { Activation, Task, Trap } from '@curio/kernel';
import { flushLogger, resolveOptions, taskFields, type DiagnosticOptions } from './options.js';

/**
 * Options of {@link longblock}.
 *
 * @example
 * ```ts
 * longblock({ maxTime: 20, level: 'error', filter: /^handler/ });
 * ```
 */
export interface LongBlockOptions extends DiagnosticOptions {
  /** Report a task that ran longer than this many milliseconds without blocking (default 50). */
  maxTime?: number;
  /** Where time comes from (ms); default `performance.now`. Tests pass their own. */
  now?: () => number;
}

/**
 * Reports a task that ran longer than `maxTime` ms without blocking, holding up every
 * other task (and Node's I/O): a record with `taskId`, `taskName`, `parentId`, `ms` (how
 * long it ran), `trap` (where it finally blocked, or null if it ended) and `where` (the
 * user's line, when the kernel records stacks). Reported when it gives the CPU back: a
 * task that never does is a job for `@curio/monitor`. Default level `warn`.
 *
 * @example
 * ```ts
 * await run(program, { activations: [longblock({ maxTime: 20 })] });
 * // {"level":40,"taskId":5,"taskName":"resize","parentId":1,"ms":212.4,"trap":"READ_WAIT","msg":"task 5 (resize) ran 212.4 ms without blocking"}
 * ```
 */
export function longblock(options: LongBlockOptions = {}): Activation {
  const { logger, level, matches } = resolveOptions(options, 'longblock()', 'warn');
  const maxTime = options.maxTime ?? 50;
  if (typeof maxTime !== 'number' || !(maxTime >= 0)) throw new RangeError(`longblock(): maxTime must be a number of milliseconds >= 0; got ${describeValue(maxTime)}`);
  const now = options.now ?? (() => performance.now());
  // One task runs at a time: one start time is all the state needed. Reading the clock is
  // the dearest part of these hooks, so it is read once per step: within a drain, a step
  // starts when the one before it ended. The first step after the drain returned to Node
  // (noticed with a nextTick, which runs only once the drain is over) reads it afresh.
  let startedAt = 0;
  let lastEnd = -1;
  let gapArmed = false;
  const drainOver = () => {
    gapArmed = false;
    lastEnd = -1;
  };
  return {
    running: () => {
      startedAt = lastEnd >= 0 ? lastEnd : now();
    },
    suspended: (task: Task, trap: Trap | null) => {
      const end = now();
      lastEnd = end;
      if (!gapArmed) {
        gapArmed = true;
        process.nextTick(drainOver);
      }
      const ms = end - startedAt;
      if (ms <= maxTime || !matches(task)) return;
      const record: Record<string, unknown> = { ...taskFields(task), ms: Math.round(ms * 10) / 10, trap: trap === null ? null : trap.name };
      const frame = task.where();
      if (frame !== null) record.where = `${frame.file}:${frame.line}`;
      logger[level](record, `task ${task.id} (${task.name}) ran ${record.ms} ms without blocking`);
    },
    shutdown: () => flushLogger(logger),
  };
}
