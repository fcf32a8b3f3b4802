/**
 * Task-local storage.
 * @packageDocumentation
 */
import { _requireTask } from './current.js';
import { toOperation, type Operation, type OperationOrBlock } from './operation.js';

/**
 * A value per task, like a thread-local. A spawned task starts with a copy of its
 * parent's values (set at spawn time); later changes on either side are not shared.
 * `get` and `set` never block; they must be called from inside a task.
 * @example
 * ```ts
 * const requestId = new TaskLocal<string>('none');
 * requestId.set('req-42');
 * yield* spawn(function* () { console.log(requestId.get()); });   // req-42: copied at spawn
 * ```
 */
export class TaskLocal<T> {
  /** @param defaultValue what {@link TaskLocal.get} returns in a task that never set a value. */
  constructor(private readonly defaultValue: T) {}

  /** The running task's value. */
  get(): T {
    const locals = _requireTask('TaskLocal.get')._locals;
    return locals !== null && locals.has(this) ? (locals.get(this) as T) : this.defaultValue;
  }

  /** Sets the running task's value (tasks it spawns from now on inherit it). */
  set(value: T): void {
    const task = _requireTask('TaskLocal.set');
    (task._locals ??= new Map()).set(this, value);
  }

  /** Runs `op` with the value set to `value`, restoring the previous value afterwards. */
  *withValue<R>(value: T, op: OperationOrBlock<R>): Operation<R> {
    const task = _requireTask('TaskLocal.withValue');
    const gen = toOperation('TaskLocal.withValue', op);
    const locals = (task._locals ??= new Map());
    const had = locals.has(this);
    const previous = locals.get(this);
    locals.set(this, value);
    try {
      return yield* gen;
    } finally {
      if (had) locals.set(this, previous);
      else locals.delete(this);
    }
  }
}
