/**
 * Scheduler primitives: queues of parked tasks. Every blocking sync primitive (Event,
 * Lock, Queue, ...) is built on these. A task waits on at most one thing at a time, so
 * the queue links live on the task itself and parking allocates nothing.
 * @packageDocumentation
 */
import { SchedWaitTrap, type Trap } from './traps.js';
import { type Operation } from './operation.js';
import type { Task } from './task.js';
import { traceTrap, _requireTask } from './current.js';

/**
 * A FIFO of parked tasks. Base of {@link SchedFIFO} and {@link SchedBarrier}.
 * @example
 * ```ts
 * const waiters: WaitQueue = new SchedFIFO();
 * yield* spawn(function* () { const v = yield* waiters.suspend('MY_WAIT'); console.log(v); });
 * yield* sleep(0);
 * waiters.wakeOne('hello');   // the waiter prints hello
 * ```
 */
export abstract class WaitQueue {
  private head: Task | null = null;
  private tail: Task | null = null;
  private size = 0;
  private cachedTrap: SchedWaitTrap | null = null;

  /** How many tasks are parked here. */
  get length(): number {
    return this.size;
  }

  /**
   * Parks the calling task here until {@link WaitQueue.wake} (or a cancellation) resumes
   * it. `reason` is the task's state while parked, e.g. `'EVENT_WAIT'`.
   */
  *suspend(reason: string): Operation<unknown> {
    _requireTask('suspend');
    return yield traceTrap(this.trap(reason));
  }

  /**
   * A reusable trap that parks the calling task here in state `reason`, for hot paths:
   * `yield traceTrap(queue.trap('READ_WAIT'))` inside an operation's generator does what
   * `yield* queue.suspend('READ_WAIT')` does, without a generator and a trap object per wait.
   */
  trap(reason: string): Trap {
    const cached = this.cachedTrap;
    if (cached !== null && cached.name === reason) return cached;
    return (this.cachedTrap = new SchedWaitTrap(this, reason));
  }

  /** Wakes up to `n` parked tasks, oldest first. Returns how many were woken. */
  abstract wake(n?: number): number;

  /**
   * Wakes the oldest parked task, for Node callbacks (an I/O event, a stream's `'data'`):
   * when no task is running at that moment, the woken task runs right away, inside the
   * callback (in one kernel drain, bounded like any other), instead of on the next turn
   * of Node's event loop. Called from inside a task it is `wake(1)`. Returns whether a
   * task was woken.
   *
   * @example
   * ```ts
   * const readers = new SchedFIFO();
   * readable.on('data', (chunk: Buffer) => { chunks.push(chunk); readers.wakeNow(); });
   * ```
   */
  wakeNow(): boolean {
    const task = this.head;
    if (task === null) return false;
    this._remove(task);
    // Saves a setImmediate hop per I/O event (echo server: see the commit message).
    task._kernel._resumeNow(task, undefined);
    return true;
  }

  /** The parked tasks, oldest first. */
  *[Symbol.iterator](): Iterator<Task> {
    for (let t = this.head; t !== null; t = t._waitNext) yield t;
  }

  /** @internal Called by the kernel when a task parks here. */
  _add(task: Task): void {
    task._waitPrev = this.tail;
    task._waitNext = null;
    if (this.tail === null) this.head = task;
    else this.tail._waitNext = task;
    this.tail = task;
    this.size++;
  }

  /** @internal Unlinks a parked task (cancelled, timed out, or woken). */
  _remove(task: Task): void {
    const prev = task._waitPrev;
    const next = task._waitNext;
    if (prev === null) this.head = next;
    else prev._waitNext = next;
    if (next === null) this.tail = prev;
    else next._waitPrev = prev;
    task._waitPrev = task._waitNext = null;
    this.size--;
  }

  /**
   * Wakes the oldest parked task, which resumes with `value`: what its `suspend()` (or
   * `yield traceTrap(queue.trap(...))`) returns. Returns that task, or null if none was
   * parked. This is the hand-off primitives are built on: whatever is handed over with
   * the wake is the task's, even if a cancellation arrives before it runs (that one is
   * delivered at its next blocking call). A task cancelled while parked has already left
   * the queue, so it is never chosen: key anything a waiter offers by its task and look it
   * up from the task this returns.
   *
   * @example
   * ```ts
   * // A mailbox: put hands the item straight to a waiting getter.
   * class Mailbox<T> {
   *   private readonly getters = new SchedFIFO();
   *   private items: T[] = [];
   *   put(item: T): void {
   *     if (this.getters.wakeOne(item) === null) this.items.push(item);
   *   }
   *   *get(): Operation<T> {
   *     if (this.items.length > 0) return this.items.shift() as T;
   *     return (yield* this.getters.suspend('MAILBOX_GET')) as T;
   *   }
   * }
   * ```
   */
  wakeOne(value?: unknown): Task | null {
    const task = this.head;
    if (task === null) return null;
    this._remove(task);
    task._kernel._reschedule(task, value);
    return task;
  }
}

/**
 * Tasks wait in arrival order; {@link SchedFIFO.wake} resumes the oldest first (default 1).
 * @example
 * ```ts
 * const fifo = new SchedFIFO();
 * yield* spawn(function* () { yield* fifo.suspend('TURN_WAIT'); console.log('my turn'); });
 * yield* sleep(0);
 * fifo.wake(1);
 * ```
 */
export class SchedFIFO extends WaitQueue {
  /** Wakes up to `n` (default 1) tasks, oldest first. Returns how many were woken. */
  wake(n = 1): number {
    let woken = 0;
    while (woken < n && this.wakeOne() !== null) woken++;
    return woken;
  }
}

/**
 * Tasks wait until released together: {@link SchedBarrier.wake} resumes all by default.
 * @example
 * ```ts
 * const barrier = new SchedBarrier();
 * for (let i = 0; i < 3; i++) yield* spawn(function* () { yield* barrier.suspend('BARRIER_WAIT'); });
 * yield* sleep(0);
 * barrier.wake(barrier.length);   // releases all three at once
 * ```
 */
export class SchedBarrier extends WaitQueue {
  /** Wakes up to `n` tasks (default: all of them). Returns how many were woken. */
  wake(n = Infinity): number {
    let woken = 0;
    while (woken < n && this.wakeOne() !== null) woken++;
    return woken;
  }
}
