/**
 * Task groups (Curio's `TaskGroup`): a set of tasks that are waited for, collected and
 * cancelled together. A group ends with every one of its tasks terminated, daemons
 * included; {@link withTaskGroup} is the block form that guarantees it.
 * @packageDocumentation
 */
import { CurioError } from './errors.js';
import { Task } from './task.js';
import { SchedBarrier } from './waitqueue.js';
import { Deque } from './deque.js';
import { spawn } from './ops.js';
import { disableCancellation } from './cancellation.js';
import { _requireTask } from './current.js';
import type { SpawnOptions } from './kernel.js';
import { toOperation, type Operation, type TaskBody } from './operation.js';
import { describeValue } from './describe-value.js';

/**
 * When {@link TaskGroup.join} stops waiting (the tasks still running are then cancelled):
 * - `'all'`: when every task has terminated, or as soon as one fails;
 * - `'any'`: when the first task terminates;
 * - `'object'`: when the first task returns something other than `null`/`undefined`
 *   (or one fails);
 * - `'none'`: at once: every task still running is cancelled.
 * @example
 * ```ts
 * const wait: WaitPolicy = 'any';
 * const g = yield* withTaskGroup({ wait }, function* (g) {
 *   yield* g.spawn(lookup, primary);
 *   yield* g.spawn(lookup, fallback);
 *   return g;
 * });
 * ```
 */
export type WaitPolicy = 'all' | 'any' | 'object' | 'none';

/**
 * Options of {@link TaskGroup} and {@link withTaskGroup}.
 * @example
 * ```ts
 * const options: TaskGroupOptions = { wait: 'object' };
 * const g = new TaskGroup(options);
 * ```
 */
export interface TaskGroupOptions {
  /** The wait policy of {@link TaskGroup.join} (default `'all'`). */
  wait?: WaitPolicy;
}

/**
 * Spawns a task into a group: like {@link spawn}, and the task joins the group. `R` is
 * the task's own result type, a subtype of the group's `T`.
 * @example
 * ```ts
 * const spawnIn: GroupSpawnFunction<number> = g.spawn;
 * yield* spawnIn(square, 3);
 * ```
 */
export type GroupSpawnFunction<T> = <R extends T, A extends unknown[]>(body: TaskBody<R, A>, ...args: A) => Operation<Task<R>>;

const POLICIES: readonly WaitPolicy[] = ['all', 'any', 'object', 'none'];

/** Curio's `None`: a task that returns nothing (or null) has no object for `wait: 'object'`. */
function isNone(value: unknown): boolean {
  return value === undefined || value === null;
}

/**
 * A group of tasks that are waited for, collected and cancelled together (Curio's
 * `TaskGroup`). Tasks get in by {@link TaskGroup.spawn}, {@link TaskGroup.addTask} or the
 * constructor; they leave when {@link TaskGroup.nextDone} hands them out, when they are
 * joined directly with {@link Task.join}, or when {@link TaskGroup.cancelRemaining}
 * cancels them. {@link TaskGroup.join} waits according to the wait policy, then cancels
 * whatever is still running (daemons included). If any task fails, join stops waiting and
 * cancels the rest; it does not throw the failure (as in Curio 1.x): read it from
 * {@link TaskGroup.result}, {@link TaskGroup.results}, {@link TaskGroup.exception} or
 * {@link TaskGroup.exceptions}. Prefer the block form {@link withTaskGroup}.
 *
 * @example
 * ```ts
 * const g = new TaskGroup<number>({ wait: 'all' });
 * try {
 *   yield* g.spawn(fetchCount, 'a');
 *   yield* g.spawn(fetchCount, 'b');
 * } finally {
 *   yield* g.join();
 * }
 * console.log(g.results); // [countA, countB]
 * ```
 *
 * @typeParam T - What the group's tasks return (default `unknown`: anything).
 */
export class TaskGroup<T = unknown> {
  /** The wait policy of {@link TaskGroup.join}. */
  readonly wait: WaitPolicy;

  /**
   * Spawns `body(...args)` as a new task of the group and returns it (it does not block).
   * `g.spawn.with({ daemon, name })(body, ...args)` passes {@link SpawnOptions}: a daemon
   * task is not waited for and not collected in {@link TaskGroup.results}, but it is
   * cancelled when the group is joined.
   * @throws CurioError if the group has already been joined.
   */
  readonly spawn: GroupSpawnFunction<T> & {
    /** A spawn into this group that applies `options` (`daemon`, `name`). */
    with(options: SpawnOptions): GroupSpawnFunction<T>;
  };

  private readonly running = new Set<Task<T>>();
  private readonly daemonic = new Set<Task<T>>();
  /** Terminated tasks not handed out yet, in completion order. */
  private readonly finished = new Deque<Task<T>>();
  /** The non-daemon members, for `tasks`, `results` and `exceptions`. */
  private readonly tracked = new Set<Task<T>>();
  /** Woken whenever a member terminates or leaves: waiters look again. */
  private readonly changed = new SchedBarrier();
  private first: Task<T> | null = null;
  private joined = false;

  /**
   * @param options - `wait`: the policy of {@link TaskGroup.join} (default `'all'`).
   * @param tasks - Existing tasks to put in the group (see {@link TaskGroup.addTask}).
   * @throws TypeError for an unknown wait policy or something that is not a Task.
   * @throws CurioError if one of `tasks` already belongs to a group.
   */
  constructor(options: TaskGroupOptions = {}, tasks: Iterable<Task<T>> = []) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`TaskGroup(): options must be an object like { wait: 'all' }, got ${describeValue(options)}`);
    }
    const wait = options.wait ?? 'all';
    if (!POLICIES.includes(wait)) {
      throw new TypeError(`TaskGroup(): wait must be one of 'all', 'any', 'object', 'none'; got ${describeValue(wait)}`);
    }
    this.wait = wait;
    const spawnWith = (spawnOptions: SpawnOptions): GroupSpawnFunction<T> => {
      return <R extends T, A extends unknown[]>(body: TaskBody<R, A>, ...args: A) => this.spawnInto(spawnOptions, body, args);
    };
    this.spawn = Object.assign(spawnWith({}), { with: spawnWith });
    for (const task of tasks) this.addTask(task);
  }

  /**
   * The task that settled the group: the first one {@link TaskGroup.join} saw terminate
   * (for `wait: 'object'`, the first that failed or returned a value), or null.
   */
  get completed(): Task<T> | null {
    return this.first;
  }

  /** The group's non-daemon tasks, in creation order (tasks handed out or discarded have left). */
  get tasks(): Task<T>[] {
    return [...this.tracked].sort((a, b) => a.id - b.id);
  }

  /**
   * The result of {@link TaskGroup.completed}; rethrows its exception if it failed.
   * @throws CurioError before the group is joined, or if no task completed.
   */
  get result(): T {
    this.requireJoined('result');
    if (this.first === null) throw new CurioError(`TaskGroup.result: no task of the group completed (wait: '${this.wait}')`);
    return this.first.result;
  }

  /**
   * The exception of {@link TaskGroup.completed}, or null if it returned normally or no
   * task completed.
   * @throws CurioError before the group is joined.
   */
  get exception(): unknown {
    this.requireJoined('exception');
    return this.first === null ? null : this.first.exception;
  }

  /**
   * The results of {@link TaskGroup.tasks}, in creation order. Rethrows the exception of
   * the first of them (in that order) that failed or was cancelled.
   * @throws CurioError before the group is joined.
   */
  get results(): T[] {
    this.requireJoined('results');
    return this.tasks.map((task) => task.result);
  }

  /**
   * The exceptions of {@link TaskGroup.tasks}, in creation order: null for a task that
   * returned normally.
   * @throws CurioError before the group is joined.
   */
  get exceptions(): unknown[] {
    this.requireJoined('exceptions');
    return this.tasks.map((task) => task.exception);
  }

  /**
   * Adds an existing task to the group. Does not block. A task that has already
   * terminated is added as finished (the next {@link TaskGroup.nextDone} may return it).
   * @throws TypeError if `task` is not a Task.
   * @throws CurioError if the task already belongs to a group or the group has been joined.
   */
  addTask(task: Task<T>): void {
    if (!(task instanceof Task)) throw new TypeError(`TaskGroup.addTask(): expected a Task, got ${describeValue(task)}`);
    if (task._group !== null) throw new CurioError(`TaskGroup.addTask(): ${task} already belongs to a task group`);
    if (this.joined) throw new CurioError('TaskGroup.addTask(): the group has already been joined');
    task._group = this;
    if (!task.daemon) this.tracked.add(task);
    if (task.terminated) this._taskDone(task);
    else if (task.daemon) this.daemonic.add(task);
    else this.running.add(task);
  }

  /**
   * Waits for the next task of the group to terminate and returns it, in completion
   * order; it leaves the group. Returns null when no task is left (daemons do not
   * count). Iterate over finished tasks with
   * `for (let t; (t = yield* g.nextDone()) !== null; ) { ... }`.
   */
  *nextDone(): Operation<Task<T> | null> {
    _requireTask('TaskGroup.nextDone');
    while (this.finished.length === 0 && this.running.size > 0) yield* this.changed.suspend('TASKGROUP_WAIT');
    const task = this.finished.shift();
    if (task === undefined) return null;
    this.leave(task);
    return task;
  }

  /**
   * Waits for the next task to terminate (see {@link TaskGroup.nextDone}) and returns its
   * result; if it failed, throws its exception as is.
   * @throws CurioError if no task is left in the group.
   */
  *nextResult(): Operation<T> {
    const task = yield* this.nextDone();
    if (task === null) throw new CurioError('TaskGroup.nextResult(): no task left in the group');
    return task.result;
  }

  /**
   * Cancels every running non-daemon task of the group and waits until they have
   * terminated; they leave the group. The calling task is spared if it is itself a
   * member. The waiting is shielded from cancellation of the caller (a cancellation that
   * arrives meanwhile is delivered at its next blocking call), so no task is left behind.
   */
  *cancelRemaining(): Operation<void> {
    const me = _requireTask('TaskGroup.cancelRemaining');
    yield* disableCancellation(this.cancelAndWait(() => [...this.running].filter((t) => t !== me), (t) => this._taskDiscard(t)));
  }

  /**
   * Waits for the group's tasks per the wait policy, then cancels every task still
   * running, daemons included, and waits for them (shielded from the caller's
   * cancellation). Task failures do not make join throw: it stops waiting at the first
   * one, and {@link TaskGroup.result} / {@link TaskGroup.results} rethrow it. If the
   * caller is cancelled (or times out) while join waits, every task is cancelled and the
   * cancellation is rethrown. Afterwards the group is closed: no task can be added.
   * @throws CurioError if the calling task is itself a running member of the group.
   */
  *join(): Operation<void> {
    const me = _requireTask('TaskGroup.join');
    if (this.running.has(me as Task<T>) || this.daemonic.has(me as Task<T>)) {
      throw new CurioError(`TaskGroup.join(): ${me} is a member of the group and cannot wait for itself`);
    }
    try {
      if (this.wait === 'none') return;
      for (;;) {
        while (this.finished.length === 0 && this.running.size > 0) yield* this.changed.suspend('TASKGROUP_JOIN');
        const task = this.finished.shift();
        if (task === undefined || this.settles(task)) return;
      }
    } finally {
      yield* disableCancellation(this.cancelAndWait(() => [...this.running, ...this.daemonic], null));
      this.joined = true;
    }
  }

  /** `TaskGroup(wait='all', running=2, daemons=0, finished=1)`. */
  toString(): string {
    return `TaskGroup(wait='${this.wait}', running=${this.running.size}, daemons=${this.daemonic.size}, finished=${this.finished.length})`;
  }

  /** @internal Called by the kernel, synchronously, when a member task terminates. */
  _taskDone(task: Task): void {
    const member = task as Task<T>;
    // Supervised tasks count as joined (Curio): nobody has to join them one by one.
    member._joined = true;
    if (member.daemon) {
      this.daemonic.delete(member);
      return;
    }
    this.running.delete(member);
    this.finished.push(member);
    this.changed.wake();
  }

  /**
   * @internal The task was joined directly ({@link Task.join}) or cancelled by
   * cancelRemaining: it leaves the group and will not be handed out or collected.
   */
  _taskDiscard(task: Task): void {
    const member = task as Task<T>;
    if (member._group !== this) return;
    this.finished.remove(member);
    this.leave(member);
    // A waiter may now have nothing left to wait for.
    this.changed.wake();
  }

  /** Decides, for a task join takes off the finished list, whether join stops waiting. */
  private settles(task: Task<T>): boolean {
    const failed = task._failed;
    const value = task._outcome;
    if (this.first === null && !(this.wait === 'object' && !failed && isNone(value))) this.first = task;
    return failed || this.wait === 'any' || (this.wait === 'object' && !isNone(value));
  }

  /** Detaches a terminated task. Once joined, the collected tasks stay as they are. */
  private leave(task: Task<T>): void {
    task._group = null;
    if (!this.joined) this.tracked.delete(task);
  }

  /**
   * Cancels the selected tasks, then waits for them; repeats while the selection is not
   * empty (a task being cancelled may spawn another into the group).
   */
  private *cancelAndWait(select: () => Task<T>[], after: ((task: Task<T>) => void) | null): Operation<void> {
    for (;;) {
      const live = select().filter((t) => !t.terminated);
      if (live.length === 0) return;
      for (const task of live) yield* task.cancel({ blocking: false });
      for (const task of live) {
        yield* task.wait();
        if (after !== null) after(task);
      }
    }
  }

  private *spawnInto<R extends T, A extends unknown[]>(options: SpawnOptions, body: TaskBody<R, A>, args: A): Operation<Task<R>> {
    if (this.joined) throw new CurioError('TaskGroup.spawn(): the group has already been joined');
    const task = yield* spawn.with(options)(body, ...args);
    this.addTask(task);
    return task;
  }

  private requireJoined(what: string): void {
    if (!this.joined) throw new CurioError(`TaskGroup.${what}: the group has not been joined yet`);
  }
}

/**
 * The body of {@link withTaskGroup}: a generator function given the group.
 * @example
 * ```ts
 * const block: TaskGroupBlock<number, number[]> = function* (g) {
 *   yield* g.spawn(square, 2);
 *   yield* g.spawn(square, 3);
 *   return g.results;
 * };
 * const squares = yield* withTaskGroup(block);   // [4, 9]
 * ```
 */
export type TaskGroupBlock<T, R> = (group: TaskGroup<T>) => Operation<R>;

/**
 * Runs `block` with a task group and returns what `block` returns. When `block` returns,
 * the group is joined per its wait policy; if `block` throws (or the task is cancelled or
 * times out), every task of the group is cancelled and waited for, and the exception
 * propagates. Either way, when withTaskGroup returns or throws no task of the group is
 * left running, daemons included. Return the group from `block` to read its results.
 *
 * @example
 * ```ts
 * const g = yield* withTaskGroup({ wait: 'any' }, function* (g) {
 *   yield* g.spawn(lookup, primary);
 *   yield* g.spawn(lookup, fallback);
 *   return g;
 * });
 * const answer = g.result; // the first to finish; the other was cancelled
 * ```
 *
 * @param group - Options for a new group, or an existing {@link TaskGroup} (default: a new `wait: 'all'` group).
 */
export function withTaskGroup<R, T = unknown>(block: TaskGroupBlock<T, R>): Operation<R>;
export function withTaskGroup<R, T = unknown>(group: TaskGroupOptions | TaskGroup<T>, block: TaskGroupBlock<T, R>): Operation<R>;
export function* withTaskGroup<R, T = unknown>(
  groupOrBlock: TaskGroupOptions | TaskGroup<T> | TaskGroupBlock<T, R>,
  maybeBlock?: TaskGroupBlock<T, R>,
): Operation<R> {
  _requireTask('withTaskGroup');
  const block = typeof groupOrBlock === 'function' ? groupOrBlock : maybeBlock;
  if (typeof block !== 'function') throw new TypeError(`withTaskGroup(): expected a generator function taking the group, got ${describeValue(block)}`);
  const group = typeof groupOrBlock === 'function' ? new TaskGroup<T>() : groupOrBlock instanceof TaskGroup ? groupOrBlock : new TaskGroup<T>(groupOrBlock);
  let result: R;
  try {
    result = yield* toOperation('withTaskGroup', () => block(group));
  } catch (error) {
    yield* group.cancelRemaining();
    yield* group.join();
    throw error;
  }
  yield* group.join();
  return result;
}
