import { Kernel, VirtualClock, spawn, type Operation, type Task, type TaskBody, type KernelOptions } from '../src/index.js';

/** Runs `main` in a fresh kernel on a virtual clock (time jumps when all tasks block), then shuts it down. */
export async function runVirtual<T>(main: TaskBody<T>, options: KernelOptions = {}): Promise<T> {
  const kernel = new Kernel({ clock: new VirtualClock(), ...options });
  try {
    return await kernel.run(main);
  } finally {
    await kernel.shutdown();
  }
}

/**
 * Runs `body` as the main task of a kernel with a virtual clock (sleeps cost no real
 * time) and checks that it left no task behind.
 */
export async function runLeavingNoTask<T>(body: () => Operation<T>): Promise<T> {
  const kernel = new Kernel({ clock: new VirtualClock() });
  try {
    const result = await kernel.run(function* main() {
      return yield* body();
    });
    expect([...kernel.tasks.values()].map(String)).toEqual([]);
    return result;
  } finally {
    await kernel.shutdown();
  }
}

/** A task that records whether it got to run: used to prove an operation did not yield. */
export function* bystander(log: string[]): Operation<Task> {
  return yield* spawn(function* () {
    log.push('bystander ran');
  });
}

export { rejectionOf } from '../../../tools/jest/rejection-of.js';
