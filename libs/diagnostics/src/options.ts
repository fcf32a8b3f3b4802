/**
 * What every diagnostic activation shares: which pino logger it writes to, at which
 * level, about which tasks; and the default logger used when none is given.
 * @packageDocumentation
 */
import { describeValue } from '@curio/kernel';
import type { Level, Logger } from 'pino';
import type { Task } from '@curio/kernel';
// pino loads on first use (a default logger, a flush), not when curio is imported.
import { loadPino } from './load-pino.js';

/**
 * Which tasks a diagnostic reports on, by task name: an exact name, a pattern, or a test.
 *
 * @example
 * ```ts
 * schedtrace({ filter: 'echoClient' });
 * schedtrace({ filter: /^worker-/ });
 * schedtrace({ filter: (name) => name !== 'ticker' });
 * ```
 */
export type TaskNameFilter = string | RegExp | ((name: string) => boolean);

/**
 * Options every diagnostic activation takes.
 *
 * @example
 * ```ts
 * import { pino } from 'pino';
 * const options: DiagnosticOptions = { logger: pino({ level: 'debug' }), level: 'debug', filter: 'worker' };
 * await run(program, { activations: [schedtrace(options)] });
 * ```
 */
export interface DiagnosticOptions {
  /** Where records go; default a shared pino logger on stdout (see {@link defaultLogger}). Its level must admit `level`. */
  logger?: Logger;
  /** The level records are logged at (each activation has its own default). */
  level?: Level;
  /** Only tasks whose name matches are reported; default every task. */
  filter?: TaskNameFilter;
}

let shared: Logger | null = null;

/**
 * The logger the activations use when given none: pino on stdout (JSON lines), level
 * `trace` so every record an activation makes is written, with `name: 'curio'`. Writes
 * are buffered; the activations flush it when the kernel shuts down, and pino flushes it
 * at process exit.
 *
 * @example
 * ```ts
 * defaultLogger().info('starting');
 * ```
 */
export function defaultLogger(): Logger {
  if (shared === null) {
    const { pino } = loadPino();
    shared = pino({ name: 'curio', level: 'trace' }, pino.destination({ dest: 1, sync: false }));
  }
  return shared;
}

/** @internal Turns a filter into a test of a task (checks its type first, with a clear error). */
export function taskMatcher(filter: TaskNameFilter | undefined, who: string): (task: Task) => boolean {
  if (filter === undefined) return () => true;
  if (typeof filter === 'string') return (task) => task.name === filter;
  if (filter instanceof RegExp) return (task) => { filter.lastIndex = 0; return filter.test(task.name); };
  if (typeof filter === 'function') return (task) => filter(task.name);
  throw new TypeError(`${who}: filter must be a task name, a RegExp or a function of the name; got ${describeValue(filter)}`);
}

const LEVELS: readonly string[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

/** @internal The options with defaults applied and checked. */
export function resolveOptions(options: DiagnosticOptions | undefined, who: string, defaultLevel: Level): { logger: Logger; level: Level; matches: (task: Task) => boolean } {
  const level = options?.level ?? defaultLevel;
  if (!LEVELS.includes(level)) throw new RangeError(`${who}: level must be one of ${LEVELS.join(', ')}; got '${String(level)}'`);
  const logger = options?.logger ?? defaultLogger();
  if (typeof logger !== 'object' || logger === null || typeof logger[level] !== 'function') {
    throw new TypeError(`${who}: logger must be a pino logger; got ${logger === null ? 'null' : typeof logger}`);
  }
  return { logger, level, matches: taskMatcher(options?.filter, who) };
}

/**
 * @internal Writes out what the logger still buffers, synchronously when its destination
 * can (pino's `destination()`), so records are on disk when the kernel's shutdown is over;
 * called from the activations' shutdown hooks.
 */
export function flushLogger(logger: Logger): void {
  const stream = (logger as unknown as Record<symbol, { flushSync?: () => void } | undefined>)[loadPino().symbols.streamSym];
  try {
    if (typeof stream?.flushSync === 'function') {
      stream.flushSync();
      return;
    }
  } catch {
    // Not ready yet or busy: fall back to the asynchronous flush.
  }
  try {
    logger.flush();
  } catch {
    // A destination that cannot flush (or is closed already) has nothing left to write.
  }
}

/** @internal The fields every record names its task with, and those the kernel's plug-ins add about it. */
export function taskFields(task: Task): Record<string, unknown> {
  // Then what plug-ins add about the task (the kernel's Activation.fields): trace_id and span_id from @curio/otel.
  return { taskId: task.id, taskName: task.name, parentId: task.parentId, ...task.kernel.taskFields(task) };
}
