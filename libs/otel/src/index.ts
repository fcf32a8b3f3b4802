/**
 * `@curio/otel`: OpenTelemetry tracing for Curio, as a kernel activation. `tracing()`
 * makes a span per task, so a trace is the task tree; `withSpan()` runs an operation in
 * a child span; inside a task, `trace.getActiveSpan()` is the task's innermost span, in
 * its own code and in the promises it awaits. A plug-in: the umbrella `curio` does not
 * load it.
 * @packageDocumentation
 */
export { tracing, type TracingOptions, type TaskFilter } from './tracing.js';
export { withSpan } from './with-span.js';
export { TaskContextManager } from './context-manager.js';
