/**
 * What the tracing activation keeps per task, and how a span ends with a task's or an
 * operation's outcome. Shared by `tracing()` and `withSpan()`.
 * @packageDocumentation
 */
import { SpanStatusCode, TraceFlags, trace, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { CancelledError, TaskSlot, type Task } from '@curio/kernel';
import type { TaskContextManager } from './context-manager.js';

/**
 * @internal The tracing state of a task, never changed once made: a task without a span
 * of its own shares its spawner's (no allocation per task), and a `withSpan` gives its
 * task a new one for its duration, then puts the old one back. So a task keeps the
 * context it was spawned in whatever its spawner does afterwards.
 */
export interface TaskTrace {
  /** The task that made this state; tasks sharing it run in its context. */
  readonly owner: Task;
  /** The innermost context: the owner's span's, or that of the `withSpan` it is in. */
  readonly context: Context;
  /** The owner's own span, ended when it terminates; null when the context's span is someone else's. */
  readonly span: Span | null;
  /** True when the context's span neither records nor is sampled: tasks spawned here get no span. */
  readonly unsampled: boolean;
  readonly tracer: Tracer;
  readonly manager: TaskContextManager;
}

/** @internal True when the span of `context` neither records nor is sampled (its subtree is not traced). */
export function isUnsampled(context: Context): boolean {
  const span = trace.getSpan(context);
  return span !== undefined && !span.isRecording() && (span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0;
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

/** @internal Makes `traced` the running task's state, its context current now and at its next steps. */
export function enterTaskTrace(task: Task, traced: TaskTrace): void {
  taskTraces.set(task, traced);
  traced.manager._storage.enterWith(traced.context);
  step.entered = true;
}
