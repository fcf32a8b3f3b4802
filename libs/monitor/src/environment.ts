/**
 * Turning `{ monitor }` options and `CURIO_MONITOR` into a monitor activation (what the
 * umbrella's `run` does; the kernel itself knows nothing of monitors).
 * @packageDocumentation
 */
import { describeValue } from '@curio/kernel';
import { monitor, type MonitorActivation } from './monitor.js';
import { parseMonitorAddress, type MonitorOptions } from './options.js';

/**
 * `true` for the default console, options for another address, `false` for none.
 *
 * @example
 * ```ts
 * const setting: MonitorSetting = process.env.NODE_ENV === 'production' ? false : { port: 9000 };
 * await run(program, { monitor: setting });
 * ```
 */
export type MonitorSetting = boolean | MonitorOptions;

/**
 * The monitor asked for: by `setting` when given, otherwise by the environment variable
 * `CURIO_MONITOR` (`1` for the default address, `HOST:PORT` like Curio's `CURIOMONITOR`,
 * or `unix:PATH` for a Unix socket only its owner can reach); null when neither asks for one.
 *
 * @example
 * ```ts
 * const mon = monitorFromEnvironment(undefined, process.env);   // CURIO_MONITOR=127.0.0.1:9000
 * await run(program, { activations: mon === null ? [] : [mon] });
 * ```
 * @throws RangeError when `CURIO_MONITOR` is not a monitor address (the message names it).
 */
export function monitorFromEnvironment(setting?: MonitorSetting, env: NodeJS.ProcessEnv = process.env): MonitorActivation | null {
  if (setting === false) return null;
  if (setting === true) return monitor();
  if (setting !== undefined) {
    if (typeof setting !== 'object' || setting === null) throw new TypeError(`monitor option: expected true, false, { host, port } or { path }; got ${describeValue(setting)}`);
    return monitor(setting);
  }
  const value = env.CURIO_MONITOR;
  if (value === undefined || value === '' || value === '0') return null;
  try {
    return monitor(parseMonitorAddress(value));
  } catch (error) {
    throw new RangeError(`CURIO_MONITOR: ${(error as Error).message}`);
  }
}
