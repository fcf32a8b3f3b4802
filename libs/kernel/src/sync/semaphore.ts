/**
 * Counting semaphores: {@link Semaphore} and {@link BoundedSemaphore}.
 * @packageDocumentation
 */
import { CurioError } from '../errors.js';
import { type Operation, type OperationOrBlock } from '../operation.js';
import { describeValue } from '../describe-value.js';
import { SchedFIFO } from '../waitqueue.js';
import { _currentTask, _requireTask, traceTrap } from '../current.js';
import { _holding, type Lockable } from './lock.js';

function checkValue(kind: string, value: number): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${kind}(): the initial value must be an integer >= 0, got ${describeValue(value)}`);
  }
}

/**
 * A counter of free permits. {@link Semaphore.acquire} takes one, waiting while there
 * are none; {@link Semaphore.release} gives one back, straight to the oldest waiting task
 * if there is one, so waiters are served in arrival order. Any task (or plain code) may
 * release.
 *
 * @example
 * ```ts
 * const slots = new Semaphore(3); // at most 3 downloads at a time
 * yield* slots.withLock(function* () { yield* download(url); });
 * ```
 */
export class Semaphore implements Lockable {
  /** @internal */ protected _value: number;
  private readonly waiting = new SchedFIFO();
  private readonly trap = this.waiting.trap('SEMA_ACQUIRE');

  /**
   * @param value the number of permits, default 1.
   * @throws RangeError if `value` is not an integer >= 0.
   */
  constructor(value = 1) {
    checkValue(new.target.name, value);
    this._value = value;
  }

  /** The number of free permits. */
  get value(): number {
    return this._value;
  }

  /**
   * Takes a permit, waiting (state `SEMA_ACQUIRE`) while there is none. Returns true.
   * Cancelled while waiting, it takes nothing.
   */
  *acquire(): Operation<boolean> {
    // The class's own name (BoundedSemaphore shares this method), built on the error path only.
    if (_currentTask() === null) _requireTask(`${this.constructor.name}.acquire`);
    if (this._value > 0) {
      this._value--;
      return true;
    }
    // release() hands its permit to us before waking us.
    yield traceTrap(this.trap);
    return true;
  }

  /** Gives a permit back: to the oldest waiting task if any, otherwise to the count. Never blocks. */
  release(): void {
    if (this.waiting.wakeOne() === null) this._value++;
  }

  /** True when no permit is free (an `acquire` would wait). */
  locked(): boolean {
    return this._value === 0;
  }

  /** Runs `body` holding a permit and releases it afterwards, however the body ends. */
  withLock<T>(body: OperationOrBlock<T>): Operation<T> {
    return _holding(this, `${this.constructor.name}.withLock`, body);
  }

  /** `Semaphore(locked, value: 0, waiters: 2)`. */
  toString(): string {
    return `${this.constructor.name}(${this.locked() ? 'locked' : 'unlocked'}, value: ${this._value}, waiters: ${this.waiting.length})`;
  }
}

/**
 * A {@link Semaphore} that refuses to be released more times than it was acquired: its
 * value can never go above the initial value.
 * @example
 * ```ts
 * const slots = new BoundedSemaphore(2);
 * yield* slots.acquire();
 * slots.release();
 * slots.release();   // throws: more releases than acquires
 * ```
 */
export class BoundedSemaphore extends Semaphore {
  /** The initial value, which the value may never exceed. */
  readonly bound: number;

  /**
   * @param value the number of permits (and the bound), default 1.
   * @throws RangeError if `value` is not an integer >= 0.
   */
  constructor(value = 1) {
    super(value);
    this.bound = value;
  }

  /**
   * Gives a permit back (see {@link Semaphore.release}).
   * @throws CurioError if every permit is already free (released more times than acquired).
   */
  override release(): void {
    if (this._value >= this.bound) {
      throw new CurioError(`BoundedSemaphore.release(): released too many times (all ${this.bound} permits are already free)`);
    }
    super.release();
  }
}
