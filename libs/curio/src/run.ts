/**
 * The umbrella's `run`: the kernel's `run`, plus Curio's monitor on request.
 * @packageDocumentation
 */
import { run as runKernel, type KernelOptions, type TaskBody } from '@curio/kernel';
import { monitorFromEnvironment, type MonitorActivation, type MonitorSetting } from '@curio/monitor';

/**
 * Options of the umbrella's {@link run}: the kernel's options, the main task's arguments, and the monitor.
 *
 * @example
 * ```ts
 * const options: RunOptions<[number]> = { args: [25000], monitor: { port: 9000 } };
 * await run(server, options);
 * ```
 */
export interface RunOptions<A extends unknown[] = unknown[]> extends KernelOptions {
  /** Arguments for `main`. */
  args?: A;
  /**
   * Serve Curio's monitor console while the program runs: `true` for 127.0.0.1:48802,
   * `{ host, port }` for another address, `false` for none even if the environment asks.
   * Default: the environment variable `CURIO_MONITOR` (`1`, or `HOST:PORT`). A monitored
   * kernel records task stacks (for `where`) unless `traceStacks: false` is given.
   */
  monitor?: MonitorSetting;
}

/**
 * Runs `main` in a new kernel and settles with its result, then shuts the kernel down
 * (see `run` in `@curio/kernel`), with Curio's monitor when `options.monitor` or
 * `CURIO_MONITOR` asks for it.
 *
 * @example
 * ```ts
 * await run(server, { args: [25000], monitor: true });   // then: curio-monitor
 * ```
 */
export async function run<T, A extends unknown[]>(main: TaskBody<T, A>, options?: RunOptions<A>): Promise<T> {
  const mon = monitorFromEnvironment(options?.monitor);
  if (mon === null) return runKernel(main, options);
  try {
    return await runKernel(main, monitored(options ?? {}, mon));
  } finally {
    // The kernel's shutdown hook starts closing the console; be done with it before returning.
    await mon.close();
  }
}

/**
 * `options` for a kernel that serves `mon`: the monitor joins the activations, and task
 * stacks are recorded (for the console's `where`) unless the caller said otherwise.
 * Shared by the umbrella's `run` and `main`.
 */
export function monitored<O extends KernelOptions>(options: O, mon: MonitorActivation): O {
  return { ...options, traceStacks: options.traceStacks ?? true, activations: [...(options.activations ?? []), mon] };
}
