/**
 * {@link Condition}: wait until another task says something changed, under a lock.
 * @packageDocumentation
 */
import { CurioError } from '../errors.js';
import { type Operation, type OperationOrBlock } from '../operation.js';
import { describeValue } from '../describe-value.js';
import { SchedFIFO } from '../waitqueue.js';
import { _currentTask, _requireTask, traceTrap } from '../current.js';
import { disableCancellation } from '../cancellation.js';
import type { Task } from '../task.js';
import { Lock, RLock, _holding, _who, type Lockable } from './lock.js';

/**
 * A condition variable: tasks holding its lock {@link Condition.wait} until another task,
 * holding the same lock, calls {@link Condition.notify} or {@link Condition.notifyAll}.
 * Waiters are notified in arrival order.
 *
 * @example
 * ```ts
 * const cond = new Condition();
 * // consumer
 * yield* cond.withLock(function* () {
 *   yield* cond.waitFor(() => items.length > 0);
 *   handleItem(items.shift());
 * });
 * // producer
 * yield* cond.withLock(function* () { items.push('job'); cond.notify(); });
 * ```
 */
export class Condition implements Lockable {
  private readonly lock: Lock | RLock;
  private readonly waiting = new SchedFIFO();
  private readonly trap = this.waiting.trap('COND_WAIT');

  /**
   * @param lock the lock to use: a {@link Lock} (default: a new one) or an {@link RLock}.
   * @throws TypeError if `lock` is neither.
   */
  constructor(lock?: Lock | RLock) {
    if (lock !== undefined && !(lock instanceof Lock) && !(lock instanceof RLock)) {
      throw new TypeError(`Condition(): the lock must be a Lock or an RLock, got ${describeValue(lock)}`);
    }
    this.lock = lock ?? new Lock();
  }

  /** Acquires the condition's lock (see {@link Lock.acquire}). */
  acquire(): Operation<boolean> {
    return this.lock.acquire();
  }

  /**
   * Releases the condition's lock. Never blocks.
   * @throws CurioError if the calling task does not hold it.
   */
  release(): void {
    this.lock.release();
  }

  /** True while some task holds the condition's lock. */
  locked(): boolean {
    return this.lock.locked();
  }

  /** Runs `body` holding the condition's lock and releases it afterwards, however the body ends. */
  withLock<T>(body: OperationOrBlock<T>): Operation<T> {
    return _holding(this, 'Condition.withLock', body);
  }

  /**
   * Releases the lock, waits for a notification (state `COND_WAIT`), then re-acquires the
   * lock before returning. The lock is re-acquired even when the wait is cancelled or
   * times out, before the exception propagates; a cancellation that arrives during the
   * re-acquire is held until the next blocking call. With an {@link RLock}, every level of
   * recursion is released and restored.
   * @throws CurioError if the calling task does not hold the lock.
   */
  *wait(): Operation<void> {
    const me = _requireTask('Condition.wait');
    this.requireHeld('wait', me);
    const lock = this.lock;
    let saved = 1;
    if (lock instanceof RLock) saved = lock._releaseAll();
    else lock.release();
    try {
      yield traceTrap(this.trap);
    } finally {
      // Whatever happened, the caller gets its lock back, exactly as it held it.
      yield* disableCancellation(lock.acquire());
      if (lock instanceof RLock) lock._restore(saved);
    }
  }

  /**
   * Waits (see {@link Condition.wait}) until `predicate()` returns a truthy value, checking
   * it first and after every notification; returns that value.
   * @throws CurioError if the calling task does not hold the lock.
   */
  *waitFor<R>(predicate: () => R): Operation<R> {
    if (typeof predicate !== 'function') throw new TypeError(`Condition.waitFor(): expected a predicate function, got ${describeValue(predicate)}`);
    this.requireHeld('waitFor', _requireTask('Condition.waitFor'));
    for (;;) {
      const result = predicate();
      if (result) return result;
      yield* this.wait();
    }
  }

  /**
   * Wakes up to `n` (default 1) waiting tasks, oldest first. Each re-acquires the lock
   * before returning from `wait`, so they run once the notifier releases it. Never blocks.
   * @throws CurioError if the calling task does not hold the lock.
   * @throws RangeError if `n` is not an integer >= 0.
   */
  notify(n = 1): void {
    this.requireHeld('notify', _currentTask());
    if (typeof n !== 'number' || !(Number.isSafeInteger(n) || n === Infinity) || n < 0) {
      throw new RangeError(`Condition.notify(): n must be an integer >= 0, got ${describeValue(n)}`);
    }
    if (n > 0) this.waiting.wake(n);
  }

  /**
   * Wakes every waiting task. Never blocks.
   * @throws CurioError if the calling task does not hold the lock.
   */
  notifyAll(): void {
    this.requireHeld('notifyAll', _currentTask());
    this.waiting.wake(this.waiting.length);
  }

  /** `Condition(locked, waiters: 2)`. */
  toString(): string {
    return `Condition(${this.locked() ? 'locked' : 'unlocked'}, waiters: ${this.waiting.length})`;
  }

  private requireHeld(method: string, task: Task | null): void {
    const owner = this.lock._owner;
    if (owner === null || owner !== task) {
      const state = owner === null ? 'the lock is not held by anyone' : `the lock is held by ${_who(owner)}`;
      throw new CurioError(`Condition.${method}(): ${_who(task)} must hold the condition's lock (${state}); acquire it first, e.g. with cond.withLock(...)`);
    }
  }
}
