/**
 * The umbrella's entry points, the kernel's `run` and the `main` of `@curio/signals`,
 * each plus Curio's monitor on request. One module for both: they share the monitor's
 * set-up, and every module `import 'curio'` loads costs start-up memory.
 * @packageDocumentation
 */
import { awaitPromise, run as runKernel, type KernelOptions, type Operation, type TaskBody } from '@curio/kernel';
import { monitorFromEnvironment, type MonitorActivation, type MonitorSetting } from '@curio/monitor';
import { main as signalsMain, type MainOptions as SignalsMainOptions } from '@curio/signals';

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
   * `{ host, port }` for another address, a monitor already made (`monitor({ port: 0 })`,
   * to read the address from its `listening`), `false` for none even if the environment asks.
   * Default: the environment variable `CURIO_MONITOR` (`1`, or `HOST:PORT`). The main task
   * starts once the console listens (or has said on stderr that it cannot), and a monitored
   * kernel records task stacks (for `where`) unless `traceStacks: false` is given.
   */
  monitor?: MonitorSetting | MonitorActivation;
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
  const mon = monitorOf(options?.monitor);
  if (mon === null) return runKernel(main, options);
  try {
    return await runKernel(afterListening(main, mon), monitored(options ?? {}, mon));
  } finally {
    // The kernel's shutdown hook starts closing the console; be done with it before returning.
    await mon.close();
  }
}

/** The monitor `setting` asks for (see {@link RunOptions.monitor}), null for none. */
function monitorOf(setting: MonitorSetting | MonitorActivation | undefined): MonitorActivation | null {
  return typeof setting === 'object' && setting !== null && 'listening' in setting ? setting : monitorFromEnvironment(setting);
}

/**
 * `body`, started once `mon`'s console listens or has failed to (which it reports itself,
 * on stderr). The console listens in a worker thread: without the wait, a program that
 * announces itself at once would send a quick `curio-monitor` to a port nobody listens on
 * yet. A wrapped function keeps its name, which is the main task's name in `ps`.
 */
function afterListening<T, A extends unknown[]>(body: TaskBody<T, A>, mon: MonitorActivation): TaskBody<T, A> {
  const listened = mon.listening.then(() => {}, () => {});
  if (typeof body !== 'function') {
    return (function* (): Operation<T> {
      yield* awaitPromise(listened);
      return yield* body;
    })();
  }
  const started = function* (...args: A): Operation<T> {
    yield* awaitPromise(listened);
    return yield* body(...args);
  };
  return Object.defineProperty(started, 'name', { value: body.name });
}

/**
 * `options` for a kernel that serves `mon`: the monitor joins the activations, and task
 * stacks are recorded (for the console's `where`) unless the caller said otherwise.
 * Shared by the umbrella's `run` and `main`.
 */
function monitored<O extends KernelOptions>(options: O, mon: MonitorActivation): O {
  return { ...options, traceStacks: options.traceStacks ?? true, activations: [...(options.activations ?? []), mon] };
}

/**
 * Options of the umbrella's {@link main}: those of `main` in `@curio/signals` (kernel
 * options, `args`, `exit`, `onShutdown`), and the monitor.
 *
 * @example
 * ```ts
 * const options: MainOptions<[number]> = { args: [25000], monitor: { port: 9000 } };
 * await main(server, options);
 * ```
 */
export interface MainOptions<A extends unknown[] = unknown[]> extends SignalsMainOptions<A> {
  /**
   * Serve Curio's monitor console while the program runs: `true` for 127.0.0.1:48802,
   * `{ host, port }` for another address, a monitor already made (`monitor({ port: 0 })`,
   * to read the address from its `listening`), `false` for none even if the environment asks.
   * Default: the environment variable `CURIO_MONITOR` (`1`, or `HOST:PORT`). The main task
   * starts once the console listens (or has said on stderr that it cannot), and a monitored
   * kernel records task stacks (for `where`) unless `traceStacks: false` is given.
   */
  monitor?: MonitorSetting | MonitorActivation;
}

/**
 * Runs `body` as a program's main task with the shutdown conventions of `main` in
 * `@curio/signals` (the first SIGINT/SIGTERM cancels it and its cleanup runs, the exit
 * status is 0, 1, 130 or 143), serving Curio's monitor when `options.monitor` or
 * `CURIO_MONITOR` asks for it. Resolves with the exit status (with `exit: false`; by
 * default it ends the process with it).
 *
 * @example
 * ```ts
 * // CURIO_MONITOR=127.0.0.1:9000 node server.js, then: curio-monitor 127.0.0.1:9000
 * main(function* () {
 *   yield* tcpServer('', 25000, echoClient);
 * });
 * ```
 * @throws TypeError (synchronously) for options of the wrong type; RangeError when
 * `CURIO_MONITOR` is not a monitor address.
 */
export function main<T, A extends unknown[]>(body: TaskBody<T, A>, options: MainOptions<A> = {}): Promise<number> {
  const { monitor: setting, ...mainOptions } = options;
  const mon = monitorOf(setting);
  if (mon === null) return signalsMain(body, mainOptions);
  // With `exit: false` the program goes on: be done with the console before resolving.
  return signalsMain(afterListening(body, mon), monitored(mainOptions, mon)).finally(() => mon.close());
}
