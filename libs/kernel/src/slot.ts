/**
 * Per-task storage for plug-ins (activations), read and written from outside the task.
 * @packageDocumentation
 */
import type { Task } from './task.js';

/** Slots made so far in this process; each new one takes the next index. */
let slotCount = 0;

/**
 * A value per task that an {@link Activation} keeps for its own use: a span, a
 * counter, a context. Unlike {@link TaskLocal} (the task's own storage, read from inside
 * it and copied to every task it spawns) a slot is read and written with the task in
 * hand, from any hook, and nothing is copied: a plug-in that wants inheritance does it in
 * its `created(task, spawner)` hook. Reading a slot costs a field read on the task (the
 * process's first slot) or an array index (the others), not a map lookup, so it fits
 * hooks called on every step.
 *
 * @example
 * ```ts
 * const steps = new TaskSlot<number>();
 * const counting: Activation = {
 *   created(task) { steps.set(task, 0); },
 *   running(task) { steps.set(task, (steps.get(task) ?? 0) + 1); },
 *   terminated(task) { console.log(task.name, 'ran', steps.get(task), 'steps'); },
 * };
 * ```
 */
export class TaskSlot<T> {
  private readonly index = slotCount++;

  /** The value set on `task`, or undefined if none was. */
  get(task: Task): T | undefined {
    if (this.index === 0) return task._slot0 as T | undefined;
    const slots = task._slots;
    return slots === null ? undefined : (slots[this.index] as T | undefined);
  }

  /** Sets the value on `task` (undefined clears it). */
  set(task: Task, value: T | undefined): void {
    // The first slot is a field of the task: no allocation per task for the common case.
    if (this.index === 0) {
      task._slot0 = value;
      return;
    }
    let slots = task._slots;
    if (slots === null) {
      if (value === undefined) return;
      slots = task._slots = [];
    }
    slots[this.index] = value;
  }
}
