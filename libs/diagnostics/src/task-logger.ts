/**
 * Task-aware logging: a pino child logger per task, bound with the task's id and name,
 * so a protocol package logs with task context without knowing the kernel.
 * @packageDocumentation
 */
import { TaskLocal, currentTask, describeValue, type Operation, type OperationOrBlock, type Task } from '@curio/kernel';
import type { Logger } from 'pino';
import { defaultLogger } from './options.js';

/** The logger tasks derive theirs from; spawned tasks inherit it (task-local storage). */
const rootLogger = new TaskLocal<Logger | null>(null);
/** Each task's child logger, made on first use, with the root it was made from. */
const perTask = new WeakMap<Task, { root: Logger; added: Record<string, unknown>; logger: Logger }>();

/**
 * The running task's pino logger: a child of the logger set by {@link withLogger} (or
 * {@link setLogger}) in this task or an ancestor, {@link defaultLogger} otherwise, bound
 * with `taskId` and `taskName`, and the fields the kernel's plug-ins add about the task as
 * of this call (`Kernel.taskFields`: `trace_id` and `span_id` of its current span with
 * `@curio/otel`). Does not block. The same task gets the same logger back while those
 * stay the same.
 *
 * @example
 * ```ts
 * function* handle(client: Socket) {
 *   const log = yield* taskLogger();
 *   log.info({ bytes: 10 }, 'request');   // {"taskId":7,"taskName":"handle","bytes":10,"msg":"request",...}
 * }
 * ```
 */
export function* taskLogger(): Operation<Logger> {
  const task = yield* currentTask();
  const root = rootLogger.get() ?? defaultLogger();
  // What plug-ins add about the task (trace_id and span_id from @curio/otel), as of now.
  const added = task.kernel.taskFields(task);
  const cached = perTask.get(task);
  if (cached !== undefined && cached.root === root && sameFields(cached.added, added)) return cached.logger;
  // A root that already names this task (a child of its own logger) is used as it is.
  const logger = root.bindings().taskId === task.id ? root : root.child({ taskId: task.id, taskName: task.name, ...added });
  perTask.set(task, { root, added, logger });
  return logger;
}

/**
 * Runs `op` with `logger` as the root of {@link taskLogger} for the running task and every
 * task spawned inside it; the previous root is restored afterwards.
 *
 * @example
 * ```ts
 * import { pino } from 'pino';
 * yield* withLogger(pino().child({ service: 'redis' }), serve);
 * ```
 */
export function withLogger<R>(logger: Logger, op: OperationOrBlock<R>): Operation<R> {
  checkLogger(logger, 'withLogger()');
  return rootLogger.withValue(logger, op);
}

/**
 * Sets `logger` as the root of {@link taskLogger} for the running task and the tasks it
 * spawns from now on. Does not block.
 *
 * @example
 * ```ts
 * import { pino } from 'pino';
 * yield* setLogger(pino({ level: 'debug' }));
 * ```
 */
export function* setLogger(logger: Logger): Operation<void> {
  checkLogger(logger, 'setLogger()');
  yield* currentTask();
  rootLogger.set(logger);
}

/** True when both have the same keys with the same values. */
function sameFields(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) if (a[key] !== b[key]) return false;
  return true;
}

function checkLogger(logger: Logger, who: string): void {
  if (typeof logger !== 'object' || logger === null || typeof logger.child !== 'function') {
    throw new TypeError(`${who}: expected a pino logger; got ${describeValue(logger)}`);
  }
}
