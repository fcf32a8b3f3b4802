/**
 * {@link Result}: a value (or an exception) set once and waited for by any number of tasks.
 * @packageDocumentation
 */
import { CurioError } from '../errors.js';
import type { Operation } from '../operation.js';
import { SchedBarrier } from '../waitqueue.js';
import { _requireTask, traceTrap } from '../current.js';

const UNSET = 0;
const VALUE = 1;
const FAILED = 2;

/**
 * A one-shot result: one side sets a value or an exception, once; any number of tasks
 * wait for it with {@link Result.unwrap}. Setting never blocks.
 *
 * @example
 * ```ts
 * const answer = new Result<number>();
 * yield* spawn(function* () { answer.setValue(yield* compute()); });
 * const n = yield* answer.unwrap();
 * ```
 */
export class Result<T = unknown> {
  private state: typeof UNSET | typeof VALUE | typeof FAILED = UNSET;
  private outcome: unknown = undefined;
  private readonly waiting = new SchedBarrier();
  private readonly trap = this.waiting.trap('RESULT_WAIT');

  /** True once a value or an exception has been set. */
  isSet(): boolean {
    return this.state !== UNSET;
  }

  /**
   * Sets the value and wakes every waiting task.
   * @throws CurioError if the result was already set.
   */
  setValue(value: T): void {
    this.settle('setValue', VALUE, value);
  }

  /**
   * Sets an exception, which {@link Result.unwrap} throws, and wakes every waiting task.
   * @throws CurioError if the result was already set.
   */
  setException(error: unknown): void {
    this.settle('setException', FAILED, error);
  }

  /**
   * Waits until the result is set (state `RESULT_WAIT`), then returns the value or throws
   * the exception. Can be called any number of times.
   */
  *unwrap(): Operation<T> {
    _requireTask('Result.unwrap');
    if (this.state === UNSET) yield traceTrap(this.trap);
    if (this.state === FAILED) throw this.outcome;
    return this.outcome as T;
  }

  /** `Result(value: 42)`, `Result(exception: Error: boom)` or `Result(unset, waiters: 1)`. */
  toString(): string {
    if (this.state === VALUE) return `Result(value: ${String(this.outcome)})`;
    if (this.state === FAILED) return `Result(exception: ${String(this.outcome)})`;
    return `Result(unset, waiters: ${this.waiting.length})`;
  }

  private settle(method: string, state: typeof VALUE | typeof FAILED, outcome: unknown): void {
    if (this.state !== UNSET) {
      throw new CurioError(`Result.${method}(): the result is already set (to ${this.state === VALUE ? 'a value' : 'an exception'}); a Result is set once`);
    }
    this.state = state;
    this.outcome = outcome;
    if (this.waiting.length > 0) this.waiting.wake();
  }
}
