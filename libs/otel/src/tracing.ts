/**
 * `tracing()`: a span per task, as a kernel activation.
 *
 * Each task's state lives in a `TaskSlot` (an array index on the task, no map lookup). At
 * every step the task's innermost context is entered in the `TaskContextManager`'s
 * AsyncLocalStorage (`enterWith`, restored when the task leaves the CPU), so that
 * `context.active()` in the task's code, and in promises it creates, is the task's.
 *
 * Sampling is decided where a trace starts: under a span that is neither recording nor
 * sampled, a task runs in that span instead of asking the tracer for a new one (the
 * tracer would only make another unsampled span, for about 0.75 µs, which is most of a
 * spawn+join). So an unsampled program costs one span per trace root, not one per task.
 * @packageDocumentation
 */
import { trace, type Context, type Tracer } from '@opentelemetry/api';
import type { Activation, Kernel, Task } from '@curio/kernel';
import { registeredTaskContextManager, type TaskContextManager } from './context-manager.js';
import { endSpan, isUnsampled, step, taskTraces } from './task-trace.js';

/**
 * Which tasks get a span of their own: a task name, a RegExp tested on the name, or a
 * function of the task. A task left out runs in its spawner's span (its own spawns nest
 * there too); `withSpan` inside it still makes spans.
 *
 * @example
 * ```ts
 * import type { TaskFilter } from '@curio/otel';
 * const onlyWorkers: TaskFilter = /^worker/;
 * const notDaemons: TaskFilter = (task) => !task.daemon;
 * ```
 */
export type TaskFilter = string | RegExp | ((task: Task) => boolean);

/**
 * Options of {@link tracing}.
 *
 * @example
 * ```ts
 * import { trace } from '@opentelemetry/api';
 * import type { TracingOptions } from '@curio/otel';
 * const options: TracingOptions = { tracer: trace.getTracer('my-daemon'), tasks: (task) => !task.daemon };
 * ```
 */
export interface TracingOptions {
  /** The tracer spans come from; default `trace.getTracer('@curio/otel')` of the global provider, taken when the kernel starts. */
  tracer?: Tracer;
  /** Which tasks get a span of their own (see {@link TaskFilter}); default every task. */
  tasks?: TaskFilter;
}

/** The kernels a tracing() activation has started on. */
const tracedKernels = new WeakSet<Kernel>();

/** Attribute: the task's id (`Task.id`). */
const TASK_ID = 'curio.task.id';
/** Attribute: the task's name (`Task.name`). */
const TASK_NAME = 'curio.task.name';

/**
 * OpenTelemetry tracing as a kernel activation: a span per task, named after the task,
 * with attributes `curio.task.id` and `curio.task.name`, child of the spawning task's
 * current span (TaskGroup members under the task that spawned them; a task spawned from
 * plain code, such as the main task, under the context active there). So the trace is the
 * task tree. Inside a task, after any `yield*`, `trace.getActiveSpan()` is the task's
 * innermost span, and promises the task creates and awaits (`awaitPromise`, `call`) run
 * in that context.
 *
 * A task that fails ends its span with status ERROR and the exception recorded; a
 * cancelled one with `curio.task.cancelled = true`, not as an error. Every span ends,
 * also when the kernel shuts down with tasks alive (shutdown cancels them).
 *
 * Diagnostics (`@curio/diagnostics` records about a task, through the kernel's
 * `Activation.fields` hook) carry `trace_id` and `span_id` of the task's current span.
 *
 * Needs a {@link TaskContextManager} as the global context manager: it registers one
 * when there is none, and throws a TypeError naming the problem if another kind is
 * registered. One `tracing()` per kernel.
 *
 * @example
 * ```ts
 * import { trace } from '@opentelemetry/api';
 * import { run, spawn, sleep } from '@curio/kernel';
 * import { tracing } from '@curio/otel';
 *
 * await run(function* main() {
 *   const child = yield* spawn(function* child() {
 *     yield* sleep(10);
 *     trace.getActiveSpan();   // the span 'child', whose parent is 'main'
 *   });
 *   yield* child.join();
 * }, { activations: [tracing()] });
 * ```
 */
export function tracing(options: TracingOptions = {}): Activation {
  if (options === null || typeof options !== 'object') throw new TypeError(`tracing(): options must be an object ({ tracer?, tasks? }); got ${String(options)}`);
  const matches = taskFilter(options.tasks);
  if (options.tracer !== undefined && (options.tracer === null || typeof options.tracer.startSpan !== 'function')) {
    throw new TypeError(`tracing(): tracer must be an OpenTelemetry Tracer (with startSpan); got ${String(options.tracer)}`);
  }
  let tracer: Tracer;
  let manager: TaskContextManager;
  return {
    activate(kernel) {
      // Two would share one slot per task, each overwriting the other's state.
      if (tracedKernels.has(kernel)) throw new TypeError('tracing(): this kernel already has a tracing() activation; give it one');
      tracedKernels.add(kernel);
      const registered = registeredTaskContextManager();
      if (registered === null) {
        throw new TypeError(
          "tracing(): the global OpenTelemetry context manager is not @curio/otel's TaskContextManager, so task contexts cannot be entered per step; " +
            'register it instead of AsyncLocalStorageContextManager: context.setGlobalContextManager(new TaskContextManager().enable()) (or provider.register({ contextManager }))',
        );
      }
      manager = registered;
      tracer = options.tracer ?? trace.getTracer('@curio/otel');
    },

    created(task, spawner) {
      const parent = spawner === null ? undefined : taskTraces.get(spawner);
      if (parent !== undefined && (parent.unsampled || !matches(task))) {
        taskTraces.set(task, parent); // runs in the spawner's span: share its state
        return;
      }
      const parentContext = parent === undefined ? manager.active() : parent.context;
      if (!matches(task) || isUnsampled(parentContext)) {
        taskTraces.set(task, { owner: task, context: parentContext, span: null, unsampled: isUnsampled(parentContext), tracer, manager });
        return;
      }
      const span = tracer.startSpan(task.name, undefined, parentContext);
      // Attributes only on a recording span: for any other they are dropped anyway.
      if (span.isRecording()) span.setAttribute(TASK_ID, task.id).setAttribute(TASK_NAME, task.name);
      const context = trace.setSpan(parentContext, span);
      taskTraces.set(task, { owner: task, context, span, unsampled: isUnsampled(context), tracer, manager });
    },

    running(task) {
      const traced = taskTraces.get(task);
      if (traced === undefined) return;
      const storage = traced.manager._storage;
      const outer = storage.getStore();
      step.outer = outer;
      if (outer !== traced.context) {
        storage.enterWith(traced.context);
        step.entered = true;
      }
    },

    suspended() {
      if (!step.entered) return;
      step.entered = false;
      // Back to what was current before the step (undefined: no context, the root).
      manager._storage.enterWith(step.outer as Context);
      step.outer = undefined;
    },

    fields(task) {
      const traced = taskTraces.get(task);
      const spanContext = traced === undefined ? undefined : trace.getSpan(traced.context)?.spanContext();
      if (spanContext === undefined || !trace.isSpanContextValid(spanContext)) return undefined;
      return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
    },

    terminated(task) {
      const traced = taskTraces.get(task);
      if (traced === undefined || traced.owner !== task || traced.span === null) return;
      const span = traced.span;
      const error = task.exception;
      endSpan(span, error !== null, error);
    },
  };
}

/** The `tasks` option as a test of a task, checked first. */
function taskFilter(filter: TaskFilter | undefined): (task: Task) => boolean {
  if (filter === undefined) return () => true;
  if (typeof filter === 'string') return (task) => task.name === filter;
  if (filter instanceof RegExp) {
    return (task) => {
      filter.lastIndex = 0;
      return filter.test(task.name);
    };
  }
  if (typeof filter === 'function') return filter;
  throw new TypeError(`tracing(): tasks must be a task name, a RegExp or a function of the task; got ${typeof filter} ${String(filter)}`);
}
