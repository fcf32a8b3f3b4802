/**
 * Tasks: a generator plus what the kernel needs to schedule, cancel and join it.
 * @packageDocumentation
 */
import { CurioError, TaskCancelled, TaskError } from './errors.js';
import type { Trap } from './traps.js';
import type { Operation } from './operation.js';
import { HandWrittenOperation } from './hand-written.js';
import { SchedBarrier, type WaitQueue } from './waitqueue.js';
import type { TimeEntry } from './timequeue.js';
import type { Kernel } from './kernel.js';
import { _requireTask, traceTrap } from './current.js';
import { parseFrames, type StackFrame } from './stack.js';

/**
 * A task's execution state, with Curio's names. Parked tasks show the name of the trap
 * they wait on (`READ_WAIT`, `EVENT_WAIT`, `QUEUE_GET`, ...).
 * @example
 * ```ts
 * const t = yield* spawn(sleep, 1_000);
 * yield* sleep(0);
 * const state: TaskState = t.state;   // 'TIME_SLEEP'
 * ```
 */
export type TaskState =
  | 'INITIAL'
  | 'READY'
  | 'RUNNING'
  | 'TIME_SLEEP'
  | 'READ_WAIT'
  | 'WRITE_WAIT'
  | 'TASK_JOIN'
  | 'FUTURE_WAIT'
  | 'TERMINATED'
  | (string & Record<never, never>);

/**
 * Options of {@link Task.cancel}.
 * @example
 * ```ts
 * const options: CancelOptions = { blocking: false, exc: new TaskCancelled('shutting down') };
 * yield* task.cancel(options);     // asks, does not wait
 * ```
 */
export interface CancelOptions {
  /** Wait until the task has terminated (default true). */
  blocking?: boolean;
  /** The exception to throw into the task: an instance or a class (default {@link TaskCancelled}). */
  exc?: Error | (new () => Error);
}

/** @internal What a task tells the group it belongs to when it terminates. */
export interface TaskDoneListener {
  _taskDone(task: Task): void;
  /** Called by {@link Task.join}: the joined task leaves its group (Curio's `_task_discard`). */
  _taskDiscard(task: Task): void;
}

/** @internal Something a parked task can be detached from: the kernel calls `_detach` when it cancels the wait. */
export interface Detachable {
  _detach(): void;
}

let lastId = 0;

// Task flags, packed in one word: an idle task should cost as little memory as possible.
const CANCELLED = 1;
const TERMINATED = 2;
const JOINED = 4;
const THROW_NEXT = 8;
const NO_CANCEL = 16;
const FAILED = 32;
const DAEMON = 64;
const FUNCTION_GENERATOR = 128;

/** @internal Rarely used task state, allocated on first use. */
interface TaskExtra {
  cancelPending: Error | null;
  timeout: TimeEntry<Task> | null;
  deadlines: number[] | null;
  locals: Map<object, unknown> | null;
  group: TaskDoneListener | null;
  stack: string | null;
  /** Values of the TaskSlots after the first set on this task, by slot index (the first: `Task._slot0`). */
  slots: unknown[] | null;
}

/**
 * A task: a generator run by the kernel, with its scheduling state. Create tasks with
 * {@link spawn} or {@link Kernel.run}, never with `new`.
 * @example
 * ```ts
 * const t: Task<number> = yield* spawn(function* () { yield* sleep(10); return 42; });
 * console.log(t.id, t.name, t.state);
 * const answer = yield* t.join();   // 42
 * ```
 */
export class Task<T = unknown> {
  /** Unique (per process) task id. */
  readonly id: number;

  /** Id of the task that spawned this one, or null for a main task. */
  readonly parentId: number | null;

  /** @internal */ readonly _kernel: Kernel;
  /** @internal */ _gen: Operation<T>;
  /** @internal */ _state: TaskState;
  /** @internal */ _cycles: number;
  /** @internal Packed booleans, see the flag constants. */ _flags: number;
  /** @internal Value (or, with _throwNext, exception) to send in at the next step; the outcome once terminated. */
  _next: unknown;
  /** @internal What the task is parked on; null while ready or running. */
  _blockedOn: WaitQueue | TimeEntry<Task> | Detachable | null;
  /** @internal */ _waitPrev: Task | null;
  /** @internal */ _waitNext: Task | null;
  /** @internal */ _extra: TaskExtra | null;
  /** @internal The value of the process's first TaskSlot (most programs have one plug-in keeping state per task, if any). */
  _slot0: unknown;
  /** @internal */ _joining: SchedBarrier | null;
  /** @internal Neighbours in the kernel's list of live tasks. */ _prevLive: Task | null;
  /** @internal */ _nextLive: Task | null;
  /** @internal The name, or the task function to take it from on first use (reading a function's name is slow). */
  _name: string | ((...args: never[]) => unknown);

  /** @internal */
  constructor(kernel: Kernel, gen: Operation<T>, name: string | ((...args: never[]) => unknown), daemon: boolean, parentId: number | null, functionGenerator: boolean) {
    // Assigned in this order so that what every step touches shares the object's first cache lines.
    this._kernel = kernel;
    this._gen = gen;
    this._state = 'INITIAL';
    this._flags = (daemon ? DAEMON : 0) | (functionGenerator ? FUNCTION_GENERATOR : 0);
    this._next = undefined;
    this._blockedOn = null;
    this._waitPrev = null;
    this._waitNext = null;
    this._extra = null;
    this._slot0 = undefined;
    this._cycles = 0;
    this._joining = null;
    this._prevLive = null;
    this._nextLive = null;
    this.id = ++lastId;
    this._name = name;
    this.parentId = parentId;
  }

  /** Readable name: the `name` spawn option, or the generator function's name (`task` if it has none). */
  get name(): string {
    const name = this._name;
    return typeof name === 'string' ? name : (this._name = name.name || 'task');
  }

  /** Daemon tasks run in the background; nobody is expected to join them. */
  get daemon(): boolean {
    return (this._flags & DAEMON) !== 0;
  }

  /** @internal The generator was made by a `function*`: the kernel resumes it through the intrinsics (see resume.ts). */
  get _functionGenerator(): boolean { return (this._flags & FUNCTION_GENERATOR) !== 0; }
  /** @internal A cancellation waiting for the next blocking point. */
  get _cancelPending(): Error | null { return this._extra === null ? null : this._extra.cancelPending; }
  /** @internal */ set _cancelPending(value: Error | null) { if (value !== null || this._extra !== null) this.extra().cancelPending = value; }
  /** @internal The task's current timeout in the time queue. */
  get _timeout(): TimeEntry<Task> | null { return this._extra === null ? null : this._extra.timeout; }
  /** @internal */ set _timeout(value: TimeEntry<Task> | null) { if (value !== null || this._extra !== null) this.extra().timeout = value; }
  /** @internal */ get _cancelled(): boolean { return (this._flags & CANCELLED) !== 0; }
  /** @internal */ set _cancelled(on: boolean) { this.setFlag(CANCELLED, on); }
  /** @internal */ get _terminated(): boolean { return (this._flags & TERMINATED) !== 0; }
  /** @internal */ set _terminated(on: boolean) { this.setFlag(TERMINATED, on); }
  /** @internal */ get _joined(): boolean { return (this._flags & JOINED) !== 0; }
  /** @internal */ set _joined(on: boolean) { this.setFlag(JOINED, on); }
  /** @internal */ get _throwNext(): boolean { return (this._flags & THROW_NEXT) !== 0; }
  /** @internal */ set _throwNext(on: boolean) { this.setFlag(THROW_NEXT, on); }
  /** @internal */ get _allowCancel(): boolean { return (this._flags & NO_CANCEL) === 0; }
  /** @internal */ set _allowCancel(on: boolean) { this.setFlag(NO_CANCEL, !on); }
  /** @internal */ get _failed(): boolean { return (this._flags & FAILED) !== 0; }
  /** @internal */ set _failed(on: boolean) { this.setFlag(FAILED, on); }
  /** @internal Return value, or exception when _failed. */ get _outcome(): unknown { return this._next; }
  /** @internal */ set _outcome(value: unknown) { this._next = value; }
  /** @internal Deadlines of the timeout blocks the task is in, outermost first. */
  get _deadlines(): number[] | null { return this._extra === null ? null : this._extra.deadlines; }
  /** @internal */ set _deadlines(value: number[] | null) { this.extra().deadlines = value; }
  /** @internal Task-local values (see TaskLocal). */
  get _locals(): Map<object, unknown> | null { return this._extra === null ? null : this._extra.locals; }
  /** @internal */ set _locals(value: Map<object, unknown> | null) { this.extra().locals = value; }
  /** @internal The group told when the task terminates. */
  get _group(): TaskDoneListener | null { return this._extra === null ? null : this._extra.group; }
  /** @internal */ set _group(value: TaskDoneListener | null) { this.extra().group = value; }
  /** @internal Stack at the last blocking point (stack tracing only). */
  get _stack(): string | null { return this._extra === null ? null : this._extra.stack; }
  /** @internal */ get _slots(): unknown[] | null { return this._extra === null ? null : this._extra.slots; }
  /** @internal */ set _slots(value: unknown[] | null) { this.extra().slots = value; }
  /** @internal */ set _stack(value: string | null) { if (value !== null || this._extra !== null) this.extra().stack = value; }

  private setFlag(flag: number, on: boolean): void {
    this._flags = on ? this._flags | flag : this._flags & ~flag;
  }

  private extra(): TaskExtra {
    return (this._extra ??= { cancelPending: null, timeout: null, deadlines: null, locals: null, group: null, stack: null, slots: null });
  }

  /** Current state (`READY`, `RUNNING`, `TIME_SLEEP`, ..., `TERMINATED`). */
  get state(): TaskState {
    return this._state;
  }

  /** How many times the task has been given the CPU. */
  get cycles(): number {
    return this._cycles;
  }

  /**
   * The kernel clock deadline (ms) of the timeout in force (the earliest of the task's
   * `timeoutAfter` blocks), or null when none is. For monitors and diagnostics.
   *
   * @example
   * ```ts
   * const left = task.timeout === null ? null : task.timeout - task.kernel.clock.now();
   * ```
   */
  get timeout(): number | null {
    const entry = this._timeout;
    return entry === null ? null : entry.deadline;
  }

  /**
   * The kernel clock (ms) the task sleeps until while in `TIME_SLEEP`, else null. For monitors and diagnostics.
   *
   * @example
   * ```ts
   * if (task.sleepUntil !== null) console.log(`wakes in ${task.sleepUntil - task.kernel.clock.now()} ms`);
   * ```
   */
  get sleepUntil(): number | null {
    const on = this._blockedOn;
    return this._state === 'TIME_SLEEP' && on !== null ? (on as TimeEntry<Task>).deadline : null;
  }

  /** True once a cancellation has been requested. */
  get cancelled(): boolean {
    return this._cancelled;
  }

  /** True once the task has finished (returned, failed or was cancelled). */
  get terminated(): boolean {
    return this._terminated;
  }

  /** The kernel the task belongs to. */
  get kernel(): Kernel {
    return this._kernel;
  }

  /**
   * The task's return value. Rethrows the task's exception if it failed.
   * @throws CurioError if the task has not terminated yet.
   */
  get result(): T {
    this.requireTerminated('result');
    this._joined = true;
    if (this._failed) throw this._outcome;
    return this._outcome as T;
  }

  /**
   * The exception the task ended with, or null if it returned normally.
   * @throws CurioError if the task has not terminated yet.
   */
  get exception(): unknown {
    this.requireTerminated('exception');
    return this._failed ? this._outcome : null;
  }

  /**
   * Waits for the task to terminate and returns its result.
   * @throws TaskError (with the failure as `cause`) if the task failed or was cancelled.
   * @throws CurioError if the task is the calling task (it would wait for itself forever).
   */
  join(): Operation<T> {
    // Hand-written, not a function*: every fan-out joins in a loop (see hand-written.ts).
    return new TaskWait<T>(this, 'join');
  }

  /** @internal What a finished `join` returns or throws; marks the task joined. */
  _joinOutcome(): T {
    const group = this._group;
    if (group !== null) group._taskDiscard(this);
    this._joined = true;
    if (this._failed) {
      const cause = this._outcome;
      const what = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
      throw new TaskError(`task ${this.id} (${this.name}) failed: ${what}`, cause);
    }
    return this._outcome as T;
  }

  /** @internal The trap a task waiting for this one to end parks on; throws if `method` is misused. */
  _endTrap(method: 'join' | 'wait'): Trap {
    const me = _requireTask(`Task.${method}`);
    if (me === this) {
      throw new CurioError(`Task.${method}(): ${this.who()} cannot ${method} itself: it would wait for its own end forever (join another task, or return a value)`);
    }
    return this.endWaiters().trap('TASK_JOIN');
  }

  /**
   * Waits for the task to terminate, without looking at how it ended.
   * @throws CurioError if the task is the calling task (it would wait for itself forever).
   */
  wait(): Operation<void> {
    return new TaskWait<void>(this, 'wait');
  }

  /**
   * Cancels the task: throws `exc` (default {@link TaskCancelled}) into it at its current
   * or next blocking point. With `blocking` (the default) waits until it has terminated.
   * A second cancel does not replace the first exception; it waits like the first.
   * @returns false if the task had already terminated, true otherwise.
   */
  *cancel(options: CancelOptions = {}): Operation<boolean> {
    _requireTask('Task.cancel');
    if (this._terminated) {
      this._joined = true;
      return false;
    }
    const exc = options.exc;
    const error = exc === undefined ? new TaskCancelled() : typeof exc === 'function' ? new exc() : exc;
    this._kernel._cancel(this, error);
    // Cancelling itself, a task lands its own cancellation at this blocking point.
    if ((options.blocking ?? true) && !this._terminated) yield* this.endWaiters().suspend('TASK_JOIN');
    return true;
  }

  /**
   * Where the task is parked: the innermost frame of user code at its last blocking
   * point, or null when unknown. Needs stack tracing (`new Kernel({ traceStacks: true })`
   * or `CURIO_TRACE_STACKS=1`), because V8 does not expose a suspended generator's frames.
   */
  where(): StackFrame | null {
    return this.frames()[0] ?? null;
  }

  /**
   * The task's stack at its last blocking point, innermost first, one frame a line, or a
   * line saying why there is none (stack tracing off, or the task has not blocked yet).
   */
  traceback(): string {
    const frames = this.frames();
    if (frames.length === 0) {
      return this._kernel._traceStacks
        ? `${this}: no stack recorded (the task has not blocked yet)`
        : `${this}: no stack recorded (turn on stack tracing: new Kernel({ traceStacks: true }) or CURIO_TRACE_STACKS=1)`;
    }
    return `Stack for ${this} (most recent call first):\n` + frames.map((f) => `  at ${f.function} (${f.file}:${f.line}:${f.column})`).join('\n');
  }

  /** `Task(id=1, name='main', state='READY')`. */
  toString(): string {
    return `Task(id=${this.id}, name='${this.name}', state='${this._state}')`;
  }

  /** Where tasks waiting for this one to end park (made on first use: most tasks are never waited for). */
  private endWaiters(): SchedBarrier {
    return (this._joining ??= new SchedBarrier());
  }

  private who(): string {
    return `task ${this.id} (${this.name})`;
  }

  private frames(): StackFrame[] {
    return this._stack === null || this._terminated ? [] : parseFrames(this._stack);
  }

  private requireTerminated(what: string): void {
    if (!this._terminated) throw new CurioError(`Task.${what}: task ${this.id} (${this.name}) has not terminated yet`);
  }
}

/** `Task.join()` / `Task.wait()` as a hand-written operation. */
class TaskWait<T> extends HandWrittenOperation<T> {
  constructor(
    private readonly task: Task,
    private readonly method: 'join' | 'wait',
  ) {
    super();
  }

  next(): IteratorResult<Trap, T> {
    const phase = this.phase;
    this.phase = 'done';
    if (phase === 'done') return { value: undefined as T, done: true };
    const task = this.task;
    if (phase === 'start' && !task._terminated) {
      const trap = task._endTrap(this.method);
      this.phase = 'waiting';
      return { value: traceTrap(trap), done: false };
    }
    // Woken by the task's end (or it had already ended).
    return { value: (this.method === 'join' ? task._joinOutcome() : undefined) as T, done: true };
  }

  // The kernel has already taken a cancelled waiter off the task's join queue.
  protected release(): void {}
}
