/**
 * The basic operations of a task: spawning, finding itself, time and yielding the CPU.
 * @packageDocumentation
 */
import { SleepTrap } from './traps.js';
import { type Operation, type TaskBody } from './operation.js';
import { describeValue } from './describe-value.js';
import { _requireTask, traceTrap } from './current.js';
import type { Task } from './task.js';
import type { SpawnOptions } from './kernel.js';

/**
 * A `spawn` bound to options; see {@link spawn}.
 * @example
 * ```ts
 * const spawnDaemon: SpawnFunction = spawn.with({ daemon: true });
 * yield* spawnDaemon(heartbeat);
 * ```
 */
export type SpawnFunction = <T, A extends unknown[]>(body: TaskBody<T, A>, ...args: A) => Operation<Task<T>>;

/**
 * What `spawn(...)` returns: an operation that creates the task when first resumed, as a
 * generator would. A small object instead of a generator: every task starts through
 * here, and a generator with its register file is twice the garbage (allocation per
 * closure spawn+join -9%). It never waits, and it is built inside users' own (often
 * large) generators, so like io's StreamOperation it is a class of its own rather than a
 * HandWrittenOperation subclass (whose construction V8 did not inline there).
 */
class SpawnOperation<T, A extends unknown[]> {
  private body: TaskBody<T, A> | null;

  constructor(
    private readonly options: SpawnOptions,
    body: TaskBody<T, A>,
    private readonly args: A,
  ) {
    this.body = body;
  }

  next(): IteratorResult<never, Task<T>> {
    const body = this.body;
    // Like a finished generator: done, nothing more happens.
    if (body === null) return { value: undefined as unknown as Task<T>, done: true };
    this.body = null;
    const parent = _requireTask('spawn');
    return { value: parent.kernel.spawnTask(body, this.args, this.options, parent), done: true };
  }

  return(value: Task<T>): IteratorResult<never, Task<T>> {
    this.body = null;
    return { value, done: true };
  }

  throw(error: unknown): IteratorResult<never, Task<T>> {
    this.body = null;
    throw error;
  }

  [Symbol.iterator](): this {
    return this;
  }
}

function spawnWith(options: SpawnOptions): SpawnFunction {
  return function spawnTask<T, A extends unknown[]>(body: TaskBody<T, A>, ...args: A): Operation<Task<T>> {
    return new SpawnOperation(options, body, args) as unknown as Operation<Task<T>>;
  };
}

/**
 * Creates a new task running `body(...args)` and returns it at once (the new task is
 * queued, the caller keeps running). For options use `spawn.with`:
 *
 * @example
 * ```ts
 * const worker = yield* spawn(handle, client, addr);
 * const ticker = yield* spawn.with({ daemon: true, name: 'ticker' })(tick);
 * ```
 */
export const spawn: SpawnFunction & {
  /** A `spawn` that applies `options` (`daemon`, `name`) to the tasks it creates. */
  with(options: SpawnOptions): SpawnFunction;
} = Object.assign(spawnWith({}), { with: spawnWith });

/**
 * The running task.
 * @example
 * ```ts
 * const me = yield* currentTask();
 * console.log(`task ${me.id} (${me.name}) is running`);
 * ```
 */
export function* currentTask(): Operation<Task> {
  return _requireTask('currentTask');
}

const RESCHEDULE = new SleepTrap(0, true);

function checkMs(operation: string, ms: number): void {
  if (typeof ms !== 'number' || Number.isNaN(ms)) throw new TypeError(`${operation}(): expected a number of milliseconds, got ${describeValue(ms)}`);
}

/**
 * Sleeps for `ms` milliseconds; returns the kernel clock when woken. `sleep(0)` just
 * moves the task to the back of the ready queue, letting others (and, between drains,
 * Node's own callbacks) run.
 * @example
 * ```ts
 * yield* sleep(1_000);            // one second
 * const now = yield* sleep(0);    // lets the other ready tasks run; returns the clock
 * ```
 */
export function* sleep(ms: number): Operation<number> {
  checkMs('sleep', ms);
  const task = _requireTask('sleep');
  if (ms <= 0) return (yield traceTrap(RESCHEDULE)) as number;
  return (yield traceTrap(new SleepTrap(task.kernel.clock.now() + ms, false))) as number;
}

/**
 * Sleeps until the kernel clock reaches `clockMs`; returns the clock when woken.
 * @example
 * ```ts
 * const start = yield* clock();
 * for (let i = 1; i <= 3; i++) yield* wakeAt(start + i * 1_000);   // ticks without drift
 * ```
 */
export function* wakeAt(clockMs: number): Operation<number> {
  checkMs('wakeAt', clockMs);
  _requireTask('wakeAt');
  return (yield traceTrap(new SleepTrap(clockMs, false))) as number;
}

/**
 * The kernel's monotonic clock in milliseconds. Does not block.
 * @example
 * ```ts
 * const start = yield* clock();
 * yield* work();
 * console.log(`took ${(yield* clock()) - start} ms`);
 * ```
 */
export function* clock(): Operation<number> {
  return _requireTask('clock').kernel.clock.now();
}

/**
 * Yields the CPU to the other ready tasks (same as `sleep(0)`).
 * @example
 * ```ts
 * for (const item of bigArray) {
 *   handleItem(item);
 *   yield* schedule();   // let the other tasks run between items
 * }
 * ```
 */
export function* schedule(): Operation<void> {
  _requireTask('schedule');
  yield traceTrap(RESCHEDULE);
}
