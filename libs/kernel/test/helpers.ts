import { Kernel, VirtualClock, type TaskBody, type KernelOptions } from '../src/index.js';

/** Runs `main` in a fresh kernel on a virtual clock (time jumps when all tasks block), then shuts it down. */
export async function runVirtual<T>(main: TaskBody<T>, options: KernelOptions = {}): Promise<T> {
  const kernel = new Kernel({ clock: new VirtualClock(), ...options });
  try {
    return await kernel.run(main);
  } finally {
    await kernel.shutdown();
  }
}

/** Settles with the rejection reason of `promise` (fails if it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${String(value)}`);
    },
    (error: unknown) => error,
  );
}
