/**
 * The example servers' diagnostics (`--diagnostics`, on under `npm start`): crash
 * reports (`logcrash`), tasks that hold the CPU too long (`longblock`), and a few
 * lifecycle records per task, all through pino: pretty lines in a terminal (pino-pretty),
 * JSON lines otherwise (for log collectors, and for the tests that read them).
 * @packageDocumentation
 */
import { pino, type Logger } from 'pino';
import { PinoPretty } from 'pino-pretty';
import { CancelledError, logcrash, longblock, type Activation, type Task } from 'curio';

/** A task that runs this long (ms) without blocking is reported by longblock. */
const LONG_BLOCK_MS = 50;

/** The logger: pretty in a terminal, JSON lines otherwise (both on stdout). */
export function exampleLogger(): Logger {
  const options = { name: 'curio', level: 'info' };
  if (process.stdout.isTTY === true) return pino(options, PinoPretty({ colorize: true, sync: true, singleLine: true, ignore: 'pid,hostname' }));
  return pino(options, pino.destination({ dest: 1, sync: true }));
}

/**
 * Lifecycle records: a task's creation, the first time it waits in each kind of trap
 * (`READ_WAIT`, `WRITE_WAIT`, ...) and its end. Deliberately light: a few records per task,
 * never one per suspension (schedtrace from @curio/diagnostics logs them all).
 */
export function lifecycleRecords(logger: Logger): Activation {
  const seen = new WeakMap<Task, Set<string>>();
  return {
    created: (task) => logger.info({ taskId: task.id, taskName: task.name, parentId: task.parentId, event: 'created' }, `task ${task.id} ${task.name} created`),
    suspended: (task, trap) => {
      if (trap === null) return;
      let names = seen.get(task);
      if (names === undefined) seen.set(task, (names = new Set()));
      if (names.has(trap.name)) return;
      names.add(trap.name);
      logger.info({ taskId: task.id, taskName: task.name, event: 'waits', trap: trap.name }, `task ${task.id} ${task.name} waits in ${trap.name}`);
    },
    terminated: (task) => {
      // pino's convention: an error goes under `err` (its serializer gives type, message,
      // stack) and only when there is one, so pretty output shows no stray `error: null`.
      const e = task.exception;
      const outcome = e === null || e === undefined ? 'returned' : e instanceof CancelledError ? 'cancelled' : 'failed';
      const how = outcome === 'returned' ? '' : ` with ${e instanceof Error ? ((e as NodeJS.ErrnoException).code ?? e.name) : String(e)}`;
      const fields = { taskId: task.id, taskName: task.name, event: 'terminated', outcome };
      logger.info(outcome === 'failed' ? { ...fields, err: e } : fields, `task ${task.id} ${task.name} terminated${how}`);
    },
    shutdown: () => logger.flush(),
  };
}

/** What `--diagnostics` turns on: logcrash, longblock and the lifecycle records, on one logger. */
export function diagnosticActivations(logger: Logger = exampleLogger()): Activation[] {
  return [logcrash({ logger }), longblock({ logger, maxTime: LONG_BLOCK_MS }), lifecycleRecords(logger)];
}
