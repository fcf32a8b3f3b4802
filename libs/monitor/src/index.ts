/**
 * `@curio/monitor`: Curio's live task monitor. `monitor()` is an activation serving a
 * console (`ps`, `where`, `cancel`, `parents`, `signal`) from a worker thread;
 * `curio-monitor` is its command-line client.
 * @packageDocumentation
 */
export { monitor, type MonitorActivation } from './monitor.js';
export { DEFAULT_MONITOR_PORT, DEFAULT_MONITOR_HOST, parseMonitorAddress, formatMonitorAddress, type MonitorOptions, type MonitorAddress, type MonitorTcpAddress, type MonitorUnixAddress } from './options.js';
export { monitorFromEnvironment, type MonitorSetting } from './environment.js';
export type { TaskRow } from './protocol.js';
