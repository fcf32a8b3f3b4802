/**
 * Activations: the kernel's lifecycle hooks, for diagnostics and plug-ins.
 * @packageDocumentation
 */
import type { Kernel } from './kernel.js';
import type { Task } from './task.js';
import type { Trap } from './traps.js';

/**
 * Lifecycle hooks. Pass any number as `run(main, { activations })`; every method is
 * optional, and each is called synchronously from the kernel (keep them cheap).
 * @example
 * ```ts
 * const lifecycle: Activation = {
 *   created(task) { console.log('created', task.name); },
 *   terminated(task) { console.log('ended', task.name); },
 * };
 * await run(program, { activations: [lifecycle] });
 * ```
 */
export interface Activation {
  /** Once, before the kernel's first task is created. */
  activate?(kernel: Kernel): void;
  /**
   * A task was created (it is on the ready queue, not yet run). `spawner` is the task
   * that spawned it (the running task, for `spawn` and TaskGroup members), or null when
   * plain code created it (`kernel.run`, `spawnTask` from outside any task). A plug-in
   * that keeps state per task (in a `TaskSlot`) inherits it from here.
   */
  created?(task: Task, spawner: Task | null): void;
  /**
   * A task is about to get the CPU. With {@link Activation.suspended} this brackets every
   * step, so a plug-in can make something ambient while the task runs (`@curio/otel`
   * enters the task's OpenTelemetry context here and leaves it in `suspended`).
   */
  running?(task: Task): void;
  /**
   * A task left the CPU: parked on `trap` (whose `name` reads like `READ_WAIT`), or
   * `null` when it is terminating. Always called before {@link Activation.terminated}.
   */
  suspended?(task: Task, trap: Trap | null): void;
  /** A task has terminated; its result or exception is readable. */
  terminated?(task: Task): void;
  /** The kernel has shut down. */
  shutdown?(kernel: Kernel): void;
  /**
   * Fields this plug-in adds to what diagnostics report about `task` (log records), read
   * through {@link Kernel.taskFields}: `@curio/otel` gives `trace_id` and `span_id` of
   * the task's current span. Return undefined to add none. Called for every record made
   * about a task, so keep it cheap.
   */
  fields?(task: Task): Readonly<Record<string, unknown>> | undefined;
}
