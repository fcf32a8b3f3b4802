/**
 * The kernel's side of the task table: rows for `ps`, answers for `where` and `cancel`.
 * Runs on the kernel's thread, outside any task.
 * @packageDocumentation
 */
import type { Kernel, Task } from '@curio/kernel';
import type { TaskRow } from './protocol.js';

/** @internal One row per live task, oldest first. */
export function taskRows(kernel: Kernel): TaskRow[] {
  const now = kernel.clock.now();
  const rows: TaskRow[] = [];
  for (const task of kernel.tasks.values()) {
    rows.push({
      id: task.id,
      name: task.name,
      state: task.state,
      cycles: task.cycles,
      timeout: task.timeout === null ? null : Math.max(0, task.timeout - now),
      sleep: task.sleepUntil === null ? null : Math.max(0, task.sleepUntil - now),
      parentId: task.parentId,
      daemon: task.daemon,
    });
  }
  return rows;
}

/** @internal The `where ID` answer. */
export function whereText(kernel: Kernel, id: number): string {
  const task = kernel.tasks.get(id);
  return task === undefined ? `No task ${id}` : task.traceback();
}

/**
 * @internal Cancels task `id` (Curio's monitor does it from a task of its own: `cancel`
 * is an operation) and calls `done` with the answer once the task has finished.
 */
export function cancelTask(kernel: Kernel, id: number, done: (text: string) => void): void {
  const task: Task | undefined = kernel.tasks.get(id);
  if (task === undefined) return done(`No task ${id}`);
  if (kernel.isShutdown) return done('The kernel has shut down');
  kernel.spawnTask(
    function* monitorCancel() {
      try {
        yield* task.cancel();
        done(`Cancelled task ${id} (${task.name})`);
      } catch (error) {
        done(`Could not cancel task ${id}: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
    [],
    { daemon: true, name: 'monitor.cancel' },
    null,
  );
}
