import { Kernel, VirtualClock, type Operation, type KernelOptions } from '@curio/kernel';

/** Runs `main` in a fresh kernel on a virtual clock with `options`, then shuts it down. */
export async function runWith<T>(main: () => Operation<T>, options: KernelOptions): Promise<T> {
  const kernel = new Kernel({ clock: new VirtualClock(), ...options });
  try {
    return await kernel.run(main);
  } finally {
    await kernel.shutdown();
  }
}
