/**
 * What the tracing activation keeps per task, and how a span ends with a task's or an
 * operation's outcome. Shared by `tracing()` and `withSpan()`.
 * @packageDocumentation
 */
import { SpanStatusCode, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { CancelledError, TaskSlot } from '@curio/kernel';
import type { TaskContextManager } from './context-manager.js';

/** @internal The tracing state of one task. */
export interface TaskTrace {
  /** The task's innermost context: its own span's, or that of the `withSpan` it is in. */
  context: Context;
  /** The task's own span, ended when it terminates; null for a task that runs in its spawner's span. */
  readonly span: Span | null;
  readonly tracer: Tracer;
  readonly manager: TaskContextManager;
}

/** @internal Every traced task's state (one tracing activation per kernel). */
export const taskTraces = new TaskSlot<TaskTrace>();

/** The attribute set on the span of a task (or a `withSpan`) that ended cancelled. */
export const CANCELLED_ATTRIBUTE = 'curio.task.cancelled';

/**
 * @internal Ends `span` with an outcome: `failed` with `error` gives status ERROR and the
 * exception recorded, unless the error is a cancellation, which only sets
 * `curio.task.cancelled = true` (being cancelled is not a failure).
 */
export function endSpan(span: Span, failed: boolean, error: unknown): void {
  if (failed) {
    if (error instanceof CancelledError) {
      span.setAttribute(CANCELLED_ATTRIBUTE, true);
    } else {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    }
  }
  span.end();
}

/**
 * @internal The step in progress (the kernel runs one step at a time in a process): the
 * store that was current before the running task's context was entered, to restore when
 * it leaves the CPU, and whether anything was entered at all.
 */
export const step: { outer: Context | undefined; entered: boolean } = { outer: undefined, entered: false };

/** @internal Makes `context` the running task's current context, now and at its next steps. */
export function enterTaskContext(trace: TaskTrace, context: Context): void {
  trace.context = context;
  trace.manager._storage.enterWith(context);
  step.entered = true;
}
