/**
 * Operations written by hand, for the calls a program makes in its innermost loops
 * (`Queue.get`/`put`, a socket's `recv`/`sendall`).
 *
 * A task waits on an operation with `yield*`, which only needs the generator protocol:
 * `next`, `throw` and `return`. A `function*` gives that for free, at a price paid on
 * every call: a generator object and its register file are allocated, and every resume
 * copies the frame in and out. An operation written as a small state machine is one
 * object whose `next` V8 can optimise as plain code. Queue ping-pong runs about 1.5x as
 * fast, and an echo server spends some 7% fewer instructions per message (see the
 * commit messages for the measurements).
 *
 * The subclass writes `next` itself (one `next` per class keeps each call site
 * monomorphic; a shared one would see every subclass and go megamorphic). This base
 * class supplies the rest of a generator's behaviour: `throw` and `return` while the
 * operation waits let go of what it holds (`release`) and end it, as a `finally` in a
 * `function*` would; a finished operation stays finished; it is its own iterator.
 * @packageDocumentation
 */
import type { Trap } from './traps.js';
import type { Operation } from './operation.js';

/**
 * Where a {@link HandWrittenOperation} is: not started, parked on a trap, or finished.
 * @example
 * ```ts
 * const phase: OperationPhase = 'waiting';
 * ```
 */
export type OperationPhase = 'start' | 'waiting' | 'done';

/**
 * Base of operations written by hand as state machines instead of `function*`s, for hot
 * paths. The subclass implements `next(value)`: on the first call (phase `'start'`) it
 * does the work, returning `{ value: result, done: true }`, or yields a trap through
 * {@link traceTrap} with phase set to `'waiting'` (`{ value: trap, done: false }`);
 * resumed, `next(value)` receives what the waker sent. It implements `release()`, called
 * when the operation ends while waiting (a cancellation or timeout thrown in through the
 * task's `yield*`, or `return()`). Semantics are a generator's: nothing runs before the
 * first `next()`, a finished operation reports done.
 *
 * @example
 * ```ts
 * // `yield* box.take()`: the value put in the box, waiting for one if it is empty.
 * class Box<T> {
 *   value: T | undefined = undefined;
 *   readonly takers = new SchedFIFO();
 *   take(): Operation<T> { return new TakeOperation(this); }
 *   put(value: T): void { if (this.takers.wakeOne(value) === null) this.value = value; }
 * }
 * class TakeOperation<T> extends HandWrittenOperation<T> {
 *   constructor(private readonly box: Box<T>) { super(); }
 *   next(sent?: unknown): IteratorResult<Trap, T> {
 *     const phase = this.phase;
 *     this.phase = 'done';
 *     if (phase === 'waiting') return { value: sent as T, done: true };
 *     if (phase === 'done') return { value: undefined as T, done: true };
 *     requireTask('take');
 *     const value = this.box.value;
 *     if (value !== undefined) { this.box.value = undefined; return { value, done: true }; }
 *     this.phase = 'waiting';
 *     return { value: traceTrap(this.box.takers.trap('BOX_TAKE')), done: false };
 *   }
 *   protected release(): void {}  // the kernel already took the task off `takers`
 * }
 * ```
 */
export abstract class HandWrittenOperation<T> implements Operation<T> {
  /** Where the operation is; the subclass's `next` moves it along. */
  protected phase: OperationPhase;

  constructor() {
    this.phase = 'start';
  }

  /** Runs the operation's next step; see the class description. */
  abstract next(value?: unknown): IteratorResult<Trap, T>;

  /** Lets go of what the operation holds while it waits; called once if it ends while waiting. */
  protected abstract release(): void;

  /** Ends the operation (releasing what a waiting one holds) and rethrows `error`. */
  throw(error: unknown): IteratorResult<Trap, T> {
    this.end();
    throw error;
  }

  /** Ends the operation (releasing what a waiting one holds), done with `value`. */
  return(value: T): IteratorResult<Trap, T> {
    this.end();
    return { value, done: true };
  }

  /** The operation is its own iterator, as a generator is. */
  [Symbol.iterator](): this {
    return this;
  }

  /** `using op = ...` ends the operation at the end of the block. */
  [Symbol.dispose](): void {
    this.end();
  }

  private end(): void {
    if (this.phase === 'waiting') this.release();
    this.phase = 'done';
  }
}
