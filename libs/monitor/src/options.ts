/**
 * Where the monitor listens: options, their checks, and the `CURIO_MONITOR` syntax.
 * @packageDocumentation
 */

/**
 * Curio's monitor port.
 *
 * @example
 * ```ts
 * monitor({ port: DEFAULT_MONITOR_PORT });   // the same as monitor()
 * ```
 */
export const DEFAULT_MONITOR_PORT = 48802;
/**
 * The monitor listens on the loopback interface unless told otherwise.
 *
 * @example
 * ```ts
 * monitor({ host: DEFAULT_MONITOR_HOST, port: 0 });
 * ```
 */
export const DEFAULT_MONITOR_HOST = '127.0.0.1';

/**
 * Options of {@link monitor}.
 *
 * @example
 * ```ts
 * monitor({ host: '::1', port: 9000 });
 * ```
 */
export interface MonitorOptions {
  /** Interface to listen on; default `127.0.0.1` (never another address unless asked for). */
  host?: string;
  /** Port; default 48802. 0 picks a free port (read it from `listening`). */
  port?: number;
}

/**
 * The address a monitor is listening on.
 *
 * @example
 * ```ts
 * const mon = monitor({ port: 0 });
 * const address: MonitorAddress = await mon.listening;
 * console.log(`monitor on ${address.host}:${address.port}`);
 * ```
 */
export interface MonitorAddress {
  host: string;
  port: number;
}

/** @internal The options with defaults applied, checked with errors naming the bad value. */
export function resolveMonitorOptions(options: MonitorOptions = {}): MonitorAddress {
  const host = options.host ?? DEFAULT_MONITOR_HOST;
  const port = options.port ?? DEFAULT_MONITOR_PORT;
  if (typeof host !== 'string' || host === '') throw new TypeError(`monitor(): host must be a non-empty string such as '127.0.0.1'; got ${JSON.stringify(host)}`);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`monitor(): port must be an integer from 0 to 65535; got ${String(port)}`);
  return { host, port };
}

/**
 * Reads a monitor address the way `CURIO_MONITOR` and `curio-monitor` write it: `1` (or
 * empty) for the default, `PORT`, `HOST:PORT`, or `[IPV6]:PORT`.
 *
 * @example
 * ```ts
 * parseMonitorAddress('127.0.0.1:9000');   // { host: '127.0.0.1', port: 9000 }
 * parseMonitorAddress('1');                // { host: '127.0.0.1', port: 48802 }
 * ```
 * @throws RangeError naming the text when it is none of these.
 */
export function parseMonitorAddress(text: string): MonitorAddress {
  const value = text.trim();
  if (value === '' || value === '1') return { host: DEFAULT_MONITOR_HOST, port: DEFAULT_MONITOR_PORT };
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(value) ?? /^()()(\d+)$/.exec(value);
  const port = m === null ? NaN : Number(m[3]);
  if (m === null || !Number.isInteger(port) || port > 65535) {
    throw new RangeError(`expected a monitor address: 1, PORT, HOST:PORT or [IPV6]:PORT (e.g. 127.0.0.1:48802); got '${text}'`);
  }
  return { host: m[1] || m[2] || DEFAULT_MONITOR_HOST, port };
}
