/**
 * Where the monitor listens: options, their checks, and the `CURIO_MONITOR` syntax.
 * @packageDocumentation
 */
import { describeValue } from '@curio/kernel';
import { Buffer } from 'node:buffer';
import { dirname, resolve } from 'node:path';

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
 * Options of {@link monitor}: a TCP `host` and `port`, or the `path` of a Unix socket.
 *
 * @example
 * ```ts
 * monitor({ host: '::1', port: 9000 });
 * monitor({ path: '/run/user/1000/app.monitor' });   // only its owner can connect
 * ```
 */
export interface MonitorOptions {
  /** Interface to listen on; default `127.0.0.1` (never another address unless asked for). */
  host?: string;
  /** Port; default 48802. 0 picks a free port (read it from `listening`). */
  port?: number;
  /**
   * A Unix socket to listen on instead of TCP, made with mode 0600 so that only its
   * owner can connect (loopback TCP is open to every local user). A stale socket left at
   * the path is replaced; the socket is removed when the monitor stops.
   */
  path?: string;
}

/**
 * The address a monitor is listening on: a {@link MonitorTcpAddress} or a
 * {@link MonitorUnixAddress}. {@link formatMonitorAddress} writes either as
 * `curio-monitor` takes it.
 *
 * @example
 * ```ts
 * const address: MonitorAddress = parseMonitorAddress(process.env.CURIO_MONITOR ?? '1');
 * console.log(address.path === undefined ? `TCP port ${address.port}` : `Unix socket ${address.path}`);
 * ```
 */
export type MonitorAddress = MonitorTcpAddress | MonitorUnixAddress;

/**
 * A monitor's TCP address: the interface and the port (the one bound, for port 0).
 *
 * @example
 * ```ts
 * const bound: MonitorTcpAddress = await monitor({ port: 0 }).listening;
 * console.log(`curio-monitor ${bound.host}:${bound.port}`);
 * ```
 */
export interface MonitorTcpAddress {
  host: string;
  port: number;
  path?: undefined;
}

/**
 * A monitor's Unix socket: its absolute path.
 *
 * @example
 * ```ts
 * const { path }: MonitorUnixAddress = await monitor({ path: 'app.monitor' }).listening;   // absolute
 * ```
 */
export interface MonitorUnixAddress {
  path: string;
  host?: undefined;
  port?: undefined;
}

/**
 * The longest Unix socket path the system takes (bytes; `sun_path` less its NUL). Node 20
 * cuts a longer one short without a word, and would listen somewhere else.
 */
const MAX_SOCKET_PATH = process.platform === 'darwin' ? 103 : 107;
/** What the monitor's private directory beside the socket adds to the directory's path: `/.cm-XXXXXX/s`. */
const PRIVATE_BIND_SUFFIX = '/.cm-XXXXXX/s'.length;

/** @internal The options with defaults applied, checked with errors naming the bad value. */
export function resolveMonitorOptions(options: MonitorOptions = {}): MonitorAddress {
  if (options.path !== undefined) return { path: resolveSocketPath(options) };
  const host = options.host ?? DEFAULT_MONITOR_HOST;
  const port = options.port ?? DEFAULT_MONITOR_PORT;
  if (typeof host !== 'string' || host === '') throw new TypeError(`monitor(): host must be a non-empty string such as '127.0.0.1'; got ${describeValue(host)}`);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`monitor(): port must be an integer from 0 to 65535; got ${describeValue(port)}`);
  return { host, port };
}

function resolveSocketPath({ host, port, path }: MonitorOptions): string {
  if (host !== undefined || port !== undefined) throw new TypeError(`monitor(): give either path (a Unix socket) or host and port, not both; got path ${JSON.stringify(path)} with ${host === undefined ? `port ${String(port)}` : `host ${JSON.stringify(host)}`}`);
  if (typeof path !== 'string' || path === '') throw new TypeError(`monitor(): path must be a non-empty string such as '/run/user/1000/app.monitor'; got ${describeValue(path)}`);
  const absolute = resolve(path);
  // The socket is first made in a private directory beside it (see listen.ts): both paths must fit.
  const longest = Math.max(Buffer.byteLength(absolute), Buffer.byteLength(dirname(absolute)) + PRIVATE_BIND_SUFFIX);
  if (longest > MAX_SOCKET_PATH) throw new RangeError(`monitor(): path ${absolute} is too long for a Unix socket: at most ${MAX_SOCKET_PATH} bytes here, and its directory at most ${MAX_SOCKET_PATH - PRIVATE_BIND_SUFFIX}`);
  return absolute;
}

/**
 * Reads a monitor address the way `CURIO_MONITOR` and `curio-monitor` write it: `1` (or
 * empty) for the default, `PORT`, `HOST:PORT`, `[IPV6]:PORT`, or `unix:PATH` for a Unix
 * socket (a relative PATH is taken from the current directory).
 *
 * @example
 * ```ts
 * parseMonitorAddress('127.0.0.1:9000');       // { host: '127.0.0.1', port: 9000 }
 * parseMonitorAddress('1');                    // { host: '127.0.0.1', port: 48802 }
 * parseMonitorAddress('unix:/tmp/app.sock');   // { path: '/tmp/app.sock' }
 * ```
 * @throws RangeError naming the text when it is none of these.
 */
export function parseMonitorAddress(text: string): MonitorAddress {
  const value = text.trim();
  if (value === '' || value === '1') return { host: DEFAULT_MONITOR_HOST, port: DEFAULT_MONITOR_PORT };
  if (value.startsWith('unix:') && value.length > 'unix:'.length) return { path: resolve(value.slice('unix:'.length)) };
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(value) ?? /^()()(\d+)$/.exec(value);
  const port = m === null ? NaN : Number(m[3]);
  if (m === null || !Number.isInteger(port) || port > 65535) {
    throw new RangeError(`expected a monitor address: 1, PORT, HOST:PORT, [IPV6]:PORT or unix:PATH (e.g. 127.0.0.1:48802); got '${text}'`);
  }
  return { host: m[1] || m[2] || DEFAULT_MONITOR_HOST, port };
}

/**
 * A monitor address as `CURIO_MONITOR` and `curio-monitor` take it: `HOST:PORT`,
 * `[IPV6]:PORT` or `unix:PATH`.
 *
 * @example
 * ```ts
 * const mon = monitor({ port: 0 });
 * mon.listening.then((address) => console.log(`curio-monitor ${formatMonitorAddress(address)}`));
 * ```
 */
export function formatMonitorAddress(address: MonitorAddress): string {
  if (address.path !== undefined) return `unix:${address.path}`;
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}
