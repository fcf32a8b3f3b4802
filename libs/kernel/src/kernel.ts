/**
 * The kernel: a ready queue, a time queue and the run loop that steps tasks until they
 * block. It does no I/O. It lives inside Node's event loop: it drains its ready queue
 * (for a bounded time, so a task that never blocks cannot starve Node's I/O), then
 * returns; Node callbacks put tasks back on the ready queue and schedule the next drain,
 * and one clock wake-up covers the earliest deadline.
 * @packageDocumentation
 */
import { CurioError, TaskCancelled, TaskTimeout } from './errors.js';
import { Deque } from './deque.js';
import { TimeEntry, TimeQueue } from './timequeue.js';
import { RealClock, type Clock } from './clock.js';
import { Trap, TrapKind, type AnyTrap, type ParkTrap, type SchedWaitTrap, type SleepTrap, type Waker } from './traps.js';
import { asyncHint, isGenerator, isThenable, type TaskBody } from './operation.js';
import { describeValue } from './describe-value.js';
import { Task, type Detachable } from './task.js';
import { WaitQueue } from './waitqueue.js';
import { _currentTask, _setCurrentTask } from './current.js';
import type { Activation } from './activation.js';
import { reportCrashToStderr, _isUnwatchedCrash, type CrashReporter } from './crash.js';
import { isFunctionGenerator, resumeNext, resumeThrow } from './resume.js';

/**
 * Options of {@link Kernel} and {@link run}.
 * @example
 * ```ts
 * const options: KernelOptions = { clock: new VirtualClock(), activations: [tracer], traceStacks: true };
 * const kernel = new Kernel(options);
 * ```
 */
export interface KernelOptions {
  /** Lifecycle hooks for diagnostics and plug-ins (see {@link Activation}). */
  activations?: Activation[];
  /** The clock; default the real monotonic clock. Pass a {@link VirtualClock} in tests. */
  clock?: Clock;
  /**
   * Record each task's stack at its blocking points, for {@link Task.where} and
   * {@link Task.traceback}. Costs a stack capture per blocking call. Default: on when
   * the environment has `CURIO_TRACE_STACKS=1`.
   */
  traceStacks?: boolean;
  /**
   * Who hears of crashed tasks (see {@link CrashReporter}); default
   * {@link reportCrashToStderr}, `null` to stay silent.
   */
  crashReporter?: CrashReporter | null;
}

/**
 * Options of {@link spawn} (through `spawn.with`) and {@link Kernel.spawnTask}.
 * @example
 * ```ts
 * const options: SpawnOptions = { daemon: true, name: 'heartbeat' };
 * yield* spawn.with(options)(heartbeat);
 * ```
 */
export interface SpawnOptions {
  /** A daemon runs in the background; shutdown cancels it, nobody needs to join it. */
  daemon?: boolean;
  /** Readable name for tracing; default the generator function's name. */
  name?: string;
}

/** How long one drain may run before handing the thread back to Node's event loop. */
const DRAIN_BUDGET_MS = 5;
/** How many task steps between checks of the clock (time budget and deadlines). */
const STEPS_PER_CLOCK_CHECK = 128;

/** The wait handle behind `park()`: resumes its task at most once. */
class TaskWaker implements Waker<unknown>, Detachable {
  undo: (() => void) | null = null;
  constructor(private task: Task | null) {}

  get active(): boolean {
    return this.task !== null && this.task._blockedOn === this;
  }

  wake(value: unknown): void {
    const task = this.task;
    if (task === null || task._blockedOn !== this) return;
    this.task = this.undo = null;
    task._kernel._reschedule(task, value);
  }

  fail(error: unknown): void {
    const task = this.task;
    if (task === null || task._blockedOn !== this) return;
    this.task = this.undo = null;
    task._kernel._rescheduleThrow(task, error);
  }

  _detach(): void {
    const undo = this.undo;
    this.task = this.undo = null;
    if (undo !== null) undo();
  }
}

/**
 * A Curio kernel. Most programs use {@link run}; create a Kernel to run several main
 * tasks in turn, to keep background tasks between runs, or to pass options once.
 * Several kernels may run side by side in one process; a task belongs to one kernel.
 * @example
 * ```ts
 * const kernel = new Kernel();
 * const answer = await kernel.run(function* () { yield* sleep(10); return 42; });
 * await kernel.shutdown();
 * ```
 */
export class Kernel {
  /** The kernel's clock. */
  readonly clock: Clock;
  /** @internal */ readonly _traceStacks: boolean;
  /**
   * Who hears of crashed tasks, or null for nobody (see {@link CrashReporter}). An
   * activation may replace it in its `activate` hook, as `logcrash` does.
   *
   * @example
   * ```ts
   * const crashes: number[] = [];
   * const counting: Activation = { activate: (k) => { k.crashReporter = (task) => crashes.push(task.id); } };
   * ```
   */
  crashReporter: CrashReporter | null;

  private readonly ready = new Deque<Task>();
  private readonly timeq = new TimeQueue<Task>();
  /** Live tasks, oldest first, linked through the tasks themselves (cheaper than a Map). */
  private liveHead: Task | null = null;
  private liveTail: Task | null = null;
  private liveCount = 0;
  private readonly activations: Activation[];
  private readonly onCreated: Activation[];
  private readonly onRunning: Activation[];
  private readonly onSuspended: Activation[];
  private readonly onTerminated: Activation[];
  private readonly onFields: Activation[];
  private activated = false;
  private draining = false;
  private drainScheduled = false;
  private main: { task: Task; resolve: (value: unknown) => void; reject: (error: unknown) => void } | null = null;
  private shuttingDown: Promise<void> | null = null;
  private closed = false;
  private onEmpty: (() => void) | null = null;

  constructor(options: KernelOptions = {}) {
    this.clock = options.clock ?? new RealClock();
    this._traceStacks = options.traceStacks ?? process.env.CURIO_TRACE_STACKS === '1';
    this.crashReporter = options.crashReporter === undefined ? reportCrashToStderr : options.crashReporter;
    this.activations = [...(options.activations ?? [])];
    const having = (hook: keyof Activation) => this.activations.filter((a) => typeof a[hook] === 'function');
    this.onCreated = having('created');
    this.onRunning = having('running');
    this.onSuspended = having('suspended');
    this.onTerminated = having('terminated');
    this.onFields = having('fields');
  }

  /** The live tasks, by id, oldest first (a snapshot). */
  get tasks(): ReadonlyMap<number, Task> {
    const tasks = new Map<number, Task>();
    for (let t = this.liveHead; t !== null; t = t._nextLive) tasks.set(t.id, t);
    return tasks;
  }

  /**
   * The fields the kernel's activations add about `task` for diagnostics (their
   * {@link Activation.fields} hooks, merged in order), so that a diagnostics package can
   * carry, say, a trace id without depending on the plug-in that knows it. An empty
   * object when no activation adds any.
   *
   * @example
   * ```ts
   * const kernel = new Kernel({ activations: [{ fields: (task) => ({ tenant: `t-${task.id}` }) }] });
   * const task = kernel.spawnTask(function* worker() {}, []);
   * kernel.taskFields(task);   // { tenant: 't-1' }
   * ```
   */
  taskFields(task: Task): Record<string, unknown> {
    const fields: Record<string, unknown> = {};
    for (const a of this.onFields) Object.assign(fields, a.fields!(task));
    return fields;
  }

  /** True once {@link Kernel.shutdown} has finished. */
  get isShutdown(): boolean {
    return this.closed;
  }

  /**
   * Runs `main` as the kernel's main task and settles with its result: resolves with
   * what it returns, rejects with what it throws. Other tasks it spawned keep running in
   * the background until they finish or {@link Kernel.shutdown} cancels them.
   * @throws CurioError (as a rejection) if a main task is already running or the kernel is shut down.
   */
  run<T, A extends unknown[]>(main: TaskBody<T, A>, ...args: A): Promise<T> {
    if (this.closed || this.shuttingDown !== null) return Promise.reject(new CurioError('Kernel.run(): the kernel has been shut down'));
    if (this.main !== null) return Promise.reject(new CurioError('Kernel.run(): the kernel is already running a main task'));
    let task: Task<T>;
    try {
      task = this.spawnTask(main, args, {}, null);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<T>((resolve, reject) => {
      this.main = { task, resolve: resolve as (value: unknown) => void, reject };
    });
  }

  /**
   * Creates a task from outside any task (from plain Node code) and schedules it.
   * Inside a task use `yield* spawn(...)`.
   */
  spawnTask<T, A extends unknown[]>(body: TaskBody<T, A>, args: A, options: SpawnOptions = {}, parent: Task | null = _currentTask()): Task<T> {
    if (this.closed) throw new CurioError('spawn(): the kernel has been shut down');
    if (!this.activated) {
      this.activated = true;
      for (const a of this.activations) a.activate?.(this);
    }
    const gen = typeof body === 'function' ? body(...args) : body;
    // Checked by prototype chain first: property reads go megamorphic with closures (25% of closure spawn+join).
    const functionGenerator = typeof gen === 'object' && gen !== null && isFunctionGenerator(gen);
    if (!functionGenerator && !isGenerator(gen)) {
      const got = typeof body === 'function' && !isThenable(gen) ? `${describeValue(body)}, which returned ${describeValue(gen)}` : `${describeValue(gen)}${asyncHint(gen)}`;
      throw new TypeError(`spawn(): a task must be a generator function (function*) or a generator object; got ${got}`);
    }
    const name = options.name ?? (typeof body === 'function' ? body : 'task');
    const task = new Task<T>(this, gen, name, options.daemon ?? false, parent === null ? null : parent.id, functionGenerator);
    if (parent !== null && parent._locals !== null) task._locals = new Map(parent._locals);
    this.addLive(task as Task);
    for (const a of this.onCreated) a.created!(task as Task, parent);
    this._reschedule(task as Task, undefined);
    if (this.shuttingDown !== null) this._cancel(task as Task, new TaskCancelled('kernel shutting down'));
    return task;
  }

  /**
   * Cancels every remaining task (daemons included), waits for them to finish their
   * cleanup, then calls the activations' `shutdown` hooks. The kernel cannot run again
   * afterwards. Safe to call more than once.
   */
  shutdown(): Promise<void> {
    if (this.shuttingDown !== null) return this.shuttingDown;
    this.shuttingDown = (async () => {
      if (this.liveCount > 0) {
        const empty = new Promise<void>((resolve) => (this.onEmpty = resolve));
        for (const task of this.tasks.values()) this._cancel(task, new TaskCancelled('kernel shutting down'));
        await empty;
      }
      this.clock.cancelWake();
      this.closed = true;
      if (this.activated) for (const a of this.activations) a.shutdown?.(this);
    })();
    return this.shuttingDown;
  }

  /** `await using kernel = new Kernel()` shuts the kernel down at the end of the block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }

  // ---------------------------------------------------------------- scheduling

  /**
   * @internal Puts a task on the ready queue, to resume with `value`.
   * @throws CurioError if the task is already on the ready queue: every waker must resume
   * a task at most once per wait (Trio asserts the same), or it would run twice.
   */
  _reschedule(task: Task, value: unknown): void {
    this.enqueue(task, value);
    if (!this.draining && !this.drainScheduled) this.scheduleDrain();
  }

  /**
   * @internal Resumes a task woken by a Node callback: when no task of any kernel is
   * running (so not re-entrant), it runs at once, in one drain bounded as usual, instead
   * of after a `setImmediate` hop; otherwise it is just {@link Kernel._reschedule}.
   */
  _resumeNow(task: Task, value: unknown): void {
    if (this.draining || _currentTask() !== null) {
      this._reschedule(task, value);
      return;
    }
    if (!this.nothingDue()) {
      this.enqueue(task, value);
      this.runReady();
      return;
    }
    // The common I/O case, one task woken in an idle kernel: step it without a drain's
    // set-up (ready queue, clock reads, budget, wake-up bookkeeping); ~100 instructions per message.
    this.makeReady(task, value);
    this.draining = true;
    try {
      this.step(task);
    } finally {
      this.draining = false;
    }
    if (!this.nothingDue()) this.runReady();
  }

  /** No task is ready and no deadline is pending: a drain would have nothing to do. */
  private nothingDue(): boolean {
    return this.ready.length === 0 && this.timeq.size === 0;
  }

  /** Puts a task on the ready queue to resume with `value`; every wait resumes a task once. */
  private enqueue(task: Task, value: unknown): void {
    this.makeReady(task, value);
    this.ready.push(task);
  }

  /** Marks a woken task ready to resume with `value` (a task is woken once per wait). */
  private makeReady(task: Task, value: unknown): void {
    // The message is built out of line: its template kept makeReady from being inlined.
    if (task._state === 'READY') throw scheduledTwice(task);
    task._blockedOn = null;
    task._next = value;
    task._throwNext = false;
    task._state = 'READY';
  }

  /** @internal Puts a task on the ready queue, to resume by throwing `error` into it. */
  _rescheduleThrow(task: Task, error: unknown): void {
    this._reschedule(task, error);
    task._throwNext = true;
  }

  /**
   * @internal Delivers a cancellation (Curio's rules): the first one wins; it is thrown
   * in at once if the task is parked and allows cancellation, otherwise it waits for the
   * task's next blocking point (or the end of its disableCancellation block).
   */
  _cancel(task: Task, error: Error): void {
    if (task._cancelled || task._terminated) return;
    task._cancelled = true;
    // A cancelled task no longer cares about its timeout.
    this.clearTimeoutEntry(task);
    task._cancelPending = error;
    if (!task._allowCancel || task._blockedOn === null) return;
    task._cancelPending = null;
    this.detach(task);
    this._rescheduleThrow(task, error);
  }

  /**
   * @internal Sets the task's timeout to `deadline` (null: keep the current one); an
   * earlier timeout already in force wins. Returns the previous deadline.
   */
  _setTimeout(task: Task, deadline: number | null): number | null {
    const previous = task._timeout === null ? null : task._timeout.deadline;
    if (deadline !== null && (previous === null || deadline < previous)) this.setTimeoutEntry(task, deadline);
    return previous;
  }

  /**
   * @internal Restores the timeout in force before a timeout block. If that one has
   * already expired it fires at the task's next blocking point, not here (the block is
   * still unwinding). Returns the clock.
   */
  _unsetTimeout(task: Task, previous: number | null): number {
    const now = this.clock.now();
    this.setTimeoutEntry(task, previous);
    if ((previous === null || previous >= now) && task._cancelPending instanceof TaskTimeout) {
      // The task is leaving the block whose timeout is still pending: drop it.
      task._cancelPending = null;
    }
    return now;
  }

  /**
   * Carries out the trap the running task yielded. Returns true if the task left the CPU
   * (parked on a wait queue, the time queue or a waker, or sent to the back of the ready
   * queue by `sleep(0)`); false if it must resume at once, with what `_next`/`_throwNext`
   * now hold (a pending cancellation, or the error for a misused or unknown trap).
   */
  private parkOnTrap(task: Task, trap: unknown): boolean {
    if (!(trap instanceof Trap)) {
      task._next = misuse(task, trap);
      task._throwNext = true;
      return false;
    }
    if (task._cancelPending !== null && task._allowCancel) {
      task._next = task._cancelPending;
      task._cancelPending = null;
      task._throwNext = true;
      return false;
    }
    const t = trap as AnyTrap;
    switch (t.kind) {
      case TrapKind.SchedWait: {
        const queue = (t as SchedWaitTrap).queue;
        queue._add(task);
        task._blockedOn = queue;
        task._state = t.name;
        return true;
      }
      case TrapKind.Sleep: {
        const sleep = t as SleepTrap;
        if (sleep.reschedule) {
          this._reschedule(task, this.clock.now());
          return true;
        }
        task._blockedOn = this.timeq.push(sleep.deadline, task);
        task._state = 'TIME_SLEEP';
        return true;
      }
      case TrapKind.Park: {
        const park = t as ParkTrap<unknown>;
        const waker = new TaskWaker(task);
        task._blockedOn = waker;
        task._state = park.name;
        let undo: (() => void) | void;
        try {
          undo = park.register(waker);
        } catch (error) {
          // The operation could not even start waiting: it fails with that error.
          task._blockedOn = null;
          task._state = 'RUNNING';
          task._next = error;
          task._throwNext = true;
          return false;
        }
        if (waker.active && typeof undo === 'function') waker.undo = undo;
        return true;
      }
      default:
        // A subclass of the exported Trap: the kernel cannot run it; say so loudly.
        task._next = unknownTrap(task, trap);
        task._throwNext = true;
        return false;
    }
  }

  /** Detaches a parked task from whatever it waits on. */
  private detach(task: Task): void {
    const on = task._blockedOn;
    task._blockedOn = null;
    if (on === null) return;
    if (on instanceof WaitQueue) on._remove(task);
    else if (on instanceof TimeEntry) this.timeq.remove(on);
    else on._detach();
  }

  private setTimeoutEntry(task: Task, deadline: number | null): void {
    const entry = task._timeout;
    if (entry !== null && entry.deadline === deadline && entry.index >= 0) return;
    this.clearTimeoutEntry(task);
    if (deadline !== null) task._timeout = this.timeq.push(deadline, task);
  }

  private clearTimeoutEntry(task: Task): void {
    if (task._timeout !== null) {
      this.timeq.remove(task._timeout);
      task._timeout = null;
    }
  }

  private addLive(task: Task): void {
    task._prevLive = this.liveTail;
    if (this.liveTail === null) this.liveHead = task;
    else this.liveTail._nextLive = task;
    this.liveTail = task;
    this.liveCount++;
  }

  private removeLive(task: Task): void {
    const prev = task._prevLive;
    const next = task._nextLive;
    if (prev === null) this.liveHead = next;
    else prev._nextLive = next;
    if (next === null) this.liveTail = prev;
    else next._prevLive = prev;
    task._prevLive = task._nextLive = null;
    this.liveCount--;
  }

  // ---------------------------------------------------------------- the run loop

  private scheduleDrain(): void {
    this.drainScheduled = true;
    setImmediate(this.drain);
  }

  /** The drain run by `setImmediate` and by the clock's wake-up. */
  private readonly drain = (): void => {
    this.drainScheduled = false;
    this.runReady();
  };

  /** Runs ready tasks until none is left or the time budget is spent. */
  private runReady(): void {
    if (this.draining) return;
    this.draining = true;
    const clock = this.clock;
    // No clock read up front unless timers are due (a drain per I/O event with wakeNow):
    // then the budget starts at the first clock check, 128 steps in.
    let now = 0;
    let budgetEnd = Infinity;
    let steps = 0;
    try {
      if (this.timeq.size > 0) {
        now = clock.now();
        budgetEnd = now + DRAIN_BUDGET_MS;
        this.fireTimers(now);
      }
      for (;;) {
        const task = this.ready.shift();
        if (task === undefined) {
          // Deadlines may have passed while tasks ran (no clock read when there are none).
          if (this.timeq.size > 0 && this.timeq.nextDeadline() <= (now = clock.now())) {
            this.fireTimers(now);
            if (this.ready.length > 0) continue;
          }
          break;
        }
        this.step(task);
        if (++steps % STEPS_PER_CLOCK_CHECK === 0) {
          now = clock.now();
          if (budgetEnd === Infinity) budgetEnd = now + DRAIN_BUDGET_MS;
          this.fireTimers(now);
          if (now >= budgetEnd) break;
        }
      }
    } finally {
      this.draining = false;
    }
    if (this.ready.length > 0) {
      if (!this.drainScheduled) this.scheduleDrain();
    } else if (this.timeq.size > 0) {
      clock.wakeAt(this.timeq.nextDeadline(), this.drain);
    } else {
      clock.cancelWake();
    }
  }

  /** Wakes sleepers and delivers timeouts whose deadline is at or before `now`. */
  private fireTimers(now: number): void {
    let entry: TimeEntry<Task> | undefined;
    while ((entry = this.timeq.popExpired(now)) !== undefined) {
      const task = entry.value;
      if (task._blockedOn === entry) {
        task._blockedOn = null;
        this._reschedule(task, now);
      } else if (task._timeout === entry) {
        task._timeout = null;
        const timeout = new TaskTimeout(now);
        if (task._allowCancel && task._blockedOn !== null) {
          this.detach(task);
          this._rescheduleThrow(task, timeout);
        } else {
          task._cancelPending = timeout;
        }
      }
    }
  }

  /** Runs one task until it blocks or terminates. */
  private step(task: Task): void {
    const previous = _setCurrentTask(task);
    task._state = 'RUNNING';
    task._cycles++;
    for (const a of this.onRunning) a.running!(task);
    const gen = task._gen;
    const functionGenerator = task._functionGenerator;
    let trap: unknown;
    for (;;) {
      let r: IteratorResult<unknown, unknown>;
      try {
        const value = task._next;
        task._next = undefined;
        // Through the intrinsics: one call target for every function* (gen.next is megamorphic; 2x closure spawn+join).
        if (task._throwNext) {
          task._throwNext = false;
          r = functionGenerator ? resumeThrow(gen, value) : gen.throw(value);
        } else {
          r = functionGenerator ? resumeNext(gen, value) : gen.next(value);
        }
      } catch (error) {
        _setCurrentTask(previous);
        this.finish(task, error, true);
        return;
      }
      if (r.done === true) {
        _setCurrentTask(previous);
        this.finish(task, r.value, false);
        return;
      }
      trap = r.value;
      if (this.parkOnTrap(task, trap)) break;
    }
    _setCurrentTask(previous);
    for (const a of this.onSuspended) a.suspended!(task, trap as Trap);
  }

  /** Hands a crash to the reporter; a failing reporter must not take the kernel down with it. */
  private reportCrash(task: Task, error: unknown): void {
    try {
      this.crashReporter!(task, error);
    } catch (reporterError) {
      reportCrashToStderr(task, error);
      process.stderr.write(`(the crash reporter itself failed: ${reporterError instanceof Error ? reporterError.stack : String(reporterError)})\n`);
    }
  }

  /** Records how a task ended, wakes its joiners and tells whoever watches. */
  private finish(task: Task, outcome: unknown, failed: boolean): void {
    const main = this.main;
    if (failed) {
      addYieldStarHint(task, outcome);
      // The main task's failure goes to run()'s caller; others are checked before their joiners wake.
      if ((main === null || main.task !== task) && this.crashReporter !== null && _isUnwatchedCrash(task, outcome)) this.reportCrash(task, outcome);
    }
    task._terminated = true;
    task._outcome = outcome;
    task._failed = failed;
    this.clearTimeoutEntry(task);
    task._cancelPending = null;
    this.removeLive(task);
    // Activations see a task leave the CPU before they see it terminate.
    for (const a of this.onSuspended) a.suspended!(task, null);
    task._state = 'TERMINATED';
    task._stack = null;
    if (task._joining !== null) task._joining.wake();
    if (task._group !== null) task._group._taskDone(task);
    for (const a of this.onTerminated) a.terminated!(task);
    if (main !== null && main.task === task) {
      this.main = null;
      task._joined = true;
      if (failed) main.reject(outcome);
      else main.resolve(outcome);
    }
    if (this.liveCount === 0 && this.onEmpty !== null) {
      const onEmpty = this.onEmpty;
      this.onEmpty = null;
      onEmpty();
    }
  }
}

/**
 * Runs `main` in a new kernel and settles with its result; then shuts the kernel down,
 * cancelling whatever tasks are left and waiting for their cleanup.
 *
 * @example
 * ```ts
 * const answer = await run(function* () { yield* sleep(10); return 42; });
 * const n = await run(function* (a: number) {
 *   yield* sleep(10);
 *   return a * 2;
 * }, { args: [21] });   // 42
 * ```
 */
export async function run<T, A extends unknown[]>(main: TaskBody<T, A>, options?: KernelOptions & { args?: A }): Promise<T> {
  const kernel = new Kernel(options);
  try {
    return await kernel.run(main, ...((options?.args ?? []) as A));
  } finally {
    await kernel.shutdown();
  }
}

/** The value each task last yielded that was not a trap, to explain a failed `yield*` of an iterable. */
const strayYields = new WeakMap<Task, unknown>();

/** The error thrown into a task that yielded something other than a trap. */
function misuse(task: Task, value: unknown): TypeError {
  const who = `task ${task.id} (${task.name})`;
  if (isGenerator(value)) {
    return new TypeError(`${who} yielded a generator instead of waiting on it: use yield* (not yield), e.g. \`yield* sleep(10)\``);
  }
  if (isThenable(value)) {
    return new TypeError(`${who} yielded a Promise: wait on promises with \`yield* awaitPromise(promise)\``);
  }
  strayYields.set(task, value);
  const what = value === undefined ? 'undefined (a bare `yield`)' : describeValue(value);
  return new TypeError(`${who} yielded ${what}, which is not a kernel trap: a bare yield is not allowed in a task; wait on operations with yield*`);
}

/** A waker resumed a task that was already woken: a bug in that waker (Trio asserts the same). */
function scheduledTwice(task: Task): CurioError {
  return new CurioError(`kernel bug: ${task} was scheduled twice (a wait queue or waker resumed it again after it was already woken)`);
}

/** The error thrown into a task that yielded a Trap the kernel does not know. */
function unknownTrap(task: Task, trap: Trap): TypeError {
  return new TypeError(
    `task ${task.id} (${task.name}) yielded a trap of unknown kind (${trap.constructor.name} '${String(trap.name)}'): the kernel runs only its own traps; ` +
      'build blocking operations on park(), WaitQueue.suspend() or WaitQueue.trap() instead of subclassing Trap',
  );
}

/** `yield*` of a non-operation fails inside V8 with a terse TypeError; say what to do. */
function addYieldStarHint(task: Task, error: unknown): void {
  if (!(error instanceof TypeError)) return;
  if (/is not iterable|is not a function or its return value is not iterable/.test(error.message) && !error.message.includes('Operation')) {
    error.message += ' (in a task, yield* needs an Operation, i.e. a generator; to wait on a Promise use `yield* awaitPromise(promise)`)';
  } else if (error.message.includes("does not provide a 'throw' method") && strayYields.has(task)) {
    // yield* of an iterable: its elements reached the kernel, whose TypeError V8 could not throw into it.
    error.message =
      `yield* of something that is not an operation (an Array, a Buffer, a string, a Map...): the kernel was handed its elements one by one, ` +
      `the first being ${describeValue(strayYields.get(task))}; did you mean yield* of an operation (a generator), e.g. \`yield* sleep(10)\`? ` +
      `(V8: ${error.message})`;
  }
}
