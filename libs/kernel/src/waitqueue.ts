/**
 * Scheduler primitives: queues of parked tasks. Every blocking sync primitive (Event,
 * Lock, Queue, ...) is built on these. A task waits on at most one thing at a time, so
 * the queue links live on the task itself and parking allocates nothing.
 * @packageDocumentation
 */
import { SchedWaitTrap, type Operation, type Trap } from './traps.js';
import type { Task } from './task.js';
import { traceTrap, _requireTask } from './current.js';

/** A FIFO of parked tasks. Base of {@link SchedFIFO} and {@link SchedBarrier}. */
export abstract class WaitQueue {
  /** @internal */ _head: Task | null = null;
  /** @internal */ _tail: Task | null = null;
  /** @internal */ _size = 0;
  private cachedTrap: SchedWaitTrap | null = null;

  /** How many tasks are parked here. */
  get length(): number {
    return this._size;
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
   * ```ts
   * stream.on('data', (chunk) => { buffer.push(chunk); readers.wakeNow(); });
   * ```
   */
  wakeNow(): boolean {
    const task = this._head;
    if (task === null) return false;
    this._remove(task);
    // Saves a setImmediate hop per I/O event (echo server: see the commit message).
    task._kernel._resumeNow(task, undefined);
    return true;
  }

  /** The parked tasks, oldest first. */
  *[Symbol.iterator](): Iterator<Task> {
    for (let t = this._head; t !== null; t = t._waitNext) yield t;
  }

  /** @internal Called by the kernel when a task parks here. */
  _add(task: Task): void {
    task._waitPrev = this._tail;
    task._waitNext = null;
    if (this._tail === null) this._head = task;
    else this._tail._waitNext = task;
    this._tail = task;
    this._size++;
  }

  /** @internal Unlinks a parked task (cancelled, timed out, or woken). */
  _remove(task: Task): void {
    const prev = task._waitPrev;
    const next = task._waitNext;
    if (prev === null) this._head = next;
    else prev._waitNext = next;
    if (next === null) this._tail = prev;
    else next._waitPrev = prev;
    task._waitPrev = task._waitNext = null;
    this._size--;
  }

  /**
   * @internal Wakes the oldest parked task, which resumes with `value` (the value its
   * `suspend` returns). Returns the task, or null if none was parked.
   */
  _wakeOne(value?: unknown): Task | null {
    const task = this._head;
    if (task === null) return null;
    this._remove(task);
    task._kernel._reschedule(task, value);
    return task;
  }
}

/** Tasks wait in arrival order; {@link SchedFIFO.wake} resumes the oldest first (default 1). */
export class SchedFIFO extends WaitQueue {
  /** Wakes up to `n` (default 1) tasks, oldest first. Returns how many were woken. */
  wake(n = 1): number {
    let woken = 0;
    while (woken < n && this._wakeOne() !== null) woken++;
    return woken;
  }
}

/** Tasks wait until released together: {@link SchedBarrier.wake} resumes all by default. */
export class SchedBarrier extends WaitQueue {
  /** Wakes up to `n` tasks (default: all of them). Returns how many were woken. */
  wake(n = Infinity): number {
    let woken = 0;
    while (woken < n && this._wakeOne() !== null) woken++;
    return woken;
  }
}
