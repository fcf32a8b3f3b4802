/**
 * The umbrella's `main`: the program entry point of `@curio/signals` (graceful SIGINT and
 * SIGTERM, exit statuses), plus Curio's monitor on request, as the umbrella's `run` has.
 * `@curio/signals` stands on the kernel alone, so the monitor is added here.
 * @packageDocumentation
 */
import type { TaskBody } from '@curio/kernel';
import { monitorFromEnvironment, type MonitorSetting } from '@curio/monitor';
import { main as signalsMain, type MainOptions as SignalsMainOptions } from '@curio/signals';
import { monitored } from './run.js';

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
   * `{ host, port }` for another address, `false` for none even if the environment asks.
   * Default: the environment variable `CURIO_MONITOR` (`1`, or `HOST:PORT`). A monitored
   * kernel records task stacks (for `where`) unless `traceStacks: false` is given.
   */
  monitor?: MonitorSetting;
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
  const mon = monitorFromEnvironment(setting);
  if (mon === null) return signalsMain(body, mainOptions);
  // With `exit: false` the program goes on: be done with the console before resolving.
  return signalsMain(body, monitored(mainOptions, mon)).finally(() => mon.close());
}
