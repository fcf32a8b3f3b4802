/**
 * `withSpan()`: an operation in a child span of the task's current one.
 * @packageDocumentation
 */
import { context as contextApi, trace, type SpanOptions } from '@opentelemetry/api';
import { currentTask, type Operation } from '@curio/kernel';
import { endSpan, enterTaskTrace, isUnsampled, taskTraces } from './task-trace.js';

/**
 * Runs `op` (an operation, or a generator function called with no arguments) in a new
 * span named `name`, child of the running task's current span, and returns what `op`
 * returns. While `op` runs the span is the task's active one (after every `yield*`
 * too), and tasks spawned inside it nest under it. The span ends when `op` ends: with
 * status ERROR and the exception recorded if it throws, with `curio.task.cancelled = true`
 * (not an error) if the task is cancelled inside it. `options` are OpenTelemetry's
 * `SpanOptions` (`attributes`, `kind`, `links`, ...).
 *
 * On a kernel without {@link tracing}, the span is still made and ended, under
 * `context.active()`, but it is not made active inside `op`.
 *
 * @example
 * ```ts
 * import { withSpan } from '@curio/otel';
 * const rows = yield* withSpan('load rows', function* () {
 *   yield* sleep(5);
 *   return [1, 2, 3];
 * }, { attributes: { table: 'users' } });
 * ```
 */
export function* withSpan<T>(name: string, op: Operation<T> | (() => Operation<T>), options?: SpanOptions): Operation<T> {
  if (typeof name !== 'string' || name === '') throw new TypeError(`withSpan(): name must be a non-empty string; got ${typeof name === 'string' ? "''" : String(name)}`);
  const task = yield* currentTask();
  const gen = typeof op === 'function' ? op() : op;
  if (gen === null || typeof gen !== 'object' || typeof gen.next !== 'function' || typeof gen.throw !== 'function') {
    const got: unknown = typeof op === 'function' ? gen : op;
    throw new TypeError(`withSpan(): expected an operation or a generator function (function*); got ${String(got)}${typeof op === 'function' ? ' from the function' : ''}`);
  }
  const outer = taskTraces.get(task);
  const span = (outer === undefined ? trace.getTracer('@curio/otel') : outer.tracer).startSpan(name, options, outer === undefined ? contextApi.active() : outer.context);
  if (outer !== undefined) {
    const context = trace.setSpan(outer.context, span);
    enterTaskTrace(task, { owner: task, context, span: null, unsampled: isUnsampled(context), tracer: outer.tracer, manager: outer.manager });
  }
  let failed = false;
  let error: unknown;
  try {
    return yield* gen;
  } catch (e) {
    failed = true;
    error = e;
    throw e;
  } finally {
    if (outer !== undefined) enterTaskTrace(task, outer);
    endSpan(span, failed, error);
  }
}
