/**
 * {@link UniversalOperation}: one blocking call that a kernel task waits on with `yield*`
 * and plain async code with `await`.
 * @packageDocumentation
 */
import type { Operation, Trap } from '@curio/kernel';

/**
 * What the blocking methods of {@link UniversalQueue} and {@link UniversalEvent} return: an
 * {@link Operation} in a task (`yield* q.get()`) and a promise in async code
 * (`await q.get()`). Which world it runs in is decided by how it is used; use it once.
 *
 * @example
 * ```ts
 * const q = new UniversalQueue<string>();
 * const item = yield* q.get();                     // in a task
 * q.get().then((next) => console.log(next));       // in async code (or with await)
 * ```
 */
export class UniversalOperation<T> implements Operation<T>, PromiseLike<T> {
  private generator: Operation<T> | null = null;
  private promise: Promise<T> | null = null;

  /** @internal */
  constructor(
    private readonly inTask: () => Operation<T>,
    private readonly inAsync: () => Promise<T>,
  ) {}

  /** Steps the task version (the kernel does this through `yield*`). */
  next(value?: unknown): IteratorResult<Trap, T> {
    return (this.generator ??= this.inTask()).next(value);
  }

  /** Throws into the task version (the kernel delivers cancellation this way). */
  throw(error: unknown): IteratorResult<Trap, T> {
    return (this.generator ??= this.inTask()).throw(error);
  }

  /** Ends the task version. */
  return(value: T): IteratorResult<Trap, T> {
    return (this.generator ??= this.inTask()).return(value);
  }

  [Symbol.iterator](): this {
    return this;
  }

  /** Generators are disposable (`using`): disposing ends the task version. */
  [Symbol.dispose](): void {
    this.generator?.return(undefined as T);
  }

  /** Runs the async version and waits for it: what `await` calls. */
  then<R1 = T, R2 = never>(onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null, onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null): Promise<R1 | R2> {
    return (this.promise ??= this.inAsync()).then(onFulfilled, onRejected);
  }
}
