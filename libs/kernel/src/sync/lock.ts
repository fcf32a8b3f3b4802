/**
 * Mutual exclusion: {@link Lock} and the re-entrant {@link RLock}, plus what every
 * lock-like primitive shares (the {@link Lockable} shape and its `withLock` block).
 *
 * Locks are handed over: `release()` makes the oldest waiter the owner before waking
 * it, so a task arriving later can never take the lock ahead of one already waiting,
 * and a waiter cancelled while parked leaves holding nothing.
 * @packageDocumentation
 */
import { CurioError } from '../errors.js';
import { toOperation, type Operation, type OperationOrBlock } from '../operation.js';
import { SchedFIFO } from '../waitqueue.js';
import { _currentTask, _requireTask, traceTrap } from '../current.js';
import type { Task } from '../task.js';

/**
 * Anything that can be held: {@link Lock}, {@link RLock}, {@link Semaphore},
 * {@link BoundedSemaphore}, {@link Condition}. `acquire` blocks; `release` and `locked`
 * never do.
 * @example
 * ```ts
 * function* exclusively<T>(lock: Lockable, op: Operation<T>): Operation<T> {
 *   yield* lock.acquire();
 *   try { return yield* op; } finally { lock.release(); }
 * }
 * ```
 */
export interface Lockable {
  /** Waits until the primitive is held by the calling task. */
  acquire(): Operation<boolean>;
  /** Gives the primitive back (never blocks). */
  release(): void;
  /** True while the primitive cannot be acquired without waiting. */
  locked(): boolean;
}

/** @internal `task 3 (worker)`, for error messages. */
export function _who(task: Task | null): string {
  return task === null ? 'code running outside any task' : `task ${task.id} (${task.name})`;
}

/**
 * @internal Acquires `lock`, runs `body` and releases the lock in `finally`, whether the
 * body returns, throws or is cancelled. If the acquire itself is cancelled the body never
 * runs and nothing is released (nothing was held).
 */
export function* _holding<T>(lock: Lockable, name: string, body: OperationOrBlock<T>): Operation<T> {
  // An operation is checked before taking the lock; a block is called only once it is held.
  const op = typeof body === 'function' ? null : toOperation(name, body);
  yield* lock.acquire();
  try {
    return yield* (op ?? toOperation(name, body));
  } finally {
    lock.release();
  }
}

/** @internal The error for releasing a lock the caller does not hold. */
export function _releaseError(kind: string, owner: Task | null, caller: Task | null): CurioError {
  if (owner === null) return new CurioError(`${kind}.release(): the lock is not locked (release called more times than acquire?)`);
  return new CurioError(`${kind}.release(): ${_who(caller)} does not hold this lock; it is held by ${_who(owner)} (only the holder may release it)`);
}

/**
 * A mutual-exclusion lock owned by the task that acquired it. Waiters get the lock in
 * arrival order. Only the holder may release it; a Lock is not re-entrant (see
 * {@link RLock}).
 *
 * @example
 * ```ts
 * const lock = new Lock();
 * yield* lock.withLock(function* () {
 *   yield* updateSharedState();
 * });
 * ```
 */
export class Lock implements Lockable {
  /** @internal The holder, or null when unlocked. */ _owner: Task | null = null;
  private readonly waiting = new SchedFIFO();
  private readonly trap = this.waiting.trap('LOCK_ACQUIRE');

  /**
   * Waits until the calling task holds the lock (state `LOCK_ACQUIRE` while waiting).
   * Returns true. Cancelled while waiting, it leaves holding nothing.
   * @throws CurioError if the calling task already holds the lock (that would deadlock).
   */
  *acquire(): Operation<boolean> {
    const me = _requireTask('Lock.acquire');
    const owner = this._owner;
    if (owner === null) {
      this._owner = me;
      return true;
    }
    if (owner === me) {
      throw new CurioError(`Lock.acquire(): ${_who(me)} already holds this lock and would wait for itself forever (a Lock is not re-entrant; use RLock)`);
    }
    // release() makes us the owner before waking us.
    yield traceTrap(this.trap);
    return true;
  }

  /**
   * Releases the lock, handing it straight to the oldest waiting task if there is one.
   * Never blocks.
   * @throws CurioError if the lock is not locked, or is held by another task.
   */
  release(): void {
    const owner = this._owner;
    const me = _currentTask();
    if (owner === null || owner !== me) throw _releaseError('Lock', owner, me);
    this._owner = this.waiting.wakeOne();
  }

  /** True while some task holds the lock. */
  locked(): boolean {
    return this._owner !== null;
  }

  /**
   * Runs `body` (a block `function* () { ... }` or an operation) holding the lock, and
   * releases it afterwards however the body ends. Returns what the body returns.
   */
  withLock<T>(body: OperationOrBlock<T>): Operation<T> {
    return _holding(this, 'Lock.withLock', body);
  }

  /** `Lock(locked, waiters: 2)`. */
  toString(): string {
    return `Lock(${this._owner === null ? 'unlocked' : 'locked'}, waiters: ${this.waiting.length})`;
  }
}

/**
 * A re-entrant lock: the task holding it may acquire it again, and must release it as
 * many times as it acquired it before another task gets it. Waiters are served in
 * arrival order; only the holder may release it.
 *
 * @example
 * ```ts
 * const rlock = new RLock();
 * yield* rlock.withLock(function* () {
 *   yield* rlock.withLock(function* () { yield* sleep(0); }); // same task: no deadlock
 * });
 * ```
 */
export class RLock implements Lockable {
  /** @internal The holder, or null when unlocked. */ _owner: Task | null = null;
  private count = 0;
  private readonly waiting = new SchedFIFO();
  private readonly trap = this.waiting.trap('RLOCK_ACQUIRE');

  /**
   * Waits until the calling task holds the lock (state `RLOCK_ACQUIRE` while waiting);
   * if it already does, just counts one more acquisition. Returns true.
   */
  *acquire(): Operation<boolean> {
    const me = _requireTask('RLock.acquire');
    const owner = this._owner;
    if (owner === me) {
      this.count++;
      return true;
    }
    if (owner === null) {
      this._owner = me;
      this.count = 1;
      return true;
    }
    // release() makes us the owner (count 1) before waking us.
    yield traceTrap(this.trap);
    return true;
  }

  /**
   * Undoes one acquisition; the last one releases the lock, handing it to the oldest
   * waiting task if there is one. Never blocks.
   * @throws CurioError if the lock is not locked, or is held by another task.
   */
  release(): void {
    const owner = this._owner;
    const me = _currentTask();
    if (owner === null || owner !== me) throw _releaseError('RLock', owner, me);
    if (--this.count === 0) this.handOver();
  }

  /** True while some task holds the lock. */
  locked(): boolean {
    return this._owner !== null;
  }

  /** How many times the holder has acquired the lock without releasing it (0 when unlocked). */
  get recursion(): number {
    return this.count;
  }

  /** Runs `body` holding the lock and releases it afterwards (see {@link Lock.withLock}). */
  withLock<T>(body: OperationOrBlock<T>): Operation<T> {
    return _holding(this, 'RLock.withLock', body);
  }

  /** `RLock(locked, recursion: 2, waiters: 0)`. */
  toString(): string {
    return `RLock(${this._owner === null ? 'unlocked' : 'locked'}, recursion: ${this.count}, waiters: ${this.waiting.length})`;
  }

  /** @internal For Condition.wait: releases every acquisition at once; returns how many. */
  _releaseAll(): number {
    const count = this.count;
    this.count = 0;
    this.handOver();
    return count;
  }

  /** @internal For Condition.wait: after re-acquiring, restores the acquisition count. */
  _restore(count: number): void {
    this.count = count;
  }

  private handOver(): void {
    const next = this.waiting.wakeOne();
    this._owner = next;
    this.count = next === null ? 0 : 1;
  }
}
