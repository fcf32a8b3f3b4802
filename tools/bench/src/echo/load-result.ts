/**
 * What the echo load generator reports to the benchmark: one JSON line on stdout,
 * prefixed so that nothing else it prints can be mistaken for it.
 * @packageDocumentation
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { machineCpuMs, processCpuMs, processRssKb } from './cpu.js';
import { wholeNumber } from '../args.js';

/** Prefix of the generator's result line. */
export const LOAD_RESULT_PREFIX = 'ECHO-RESULT ';

/** What one load-generator run measured. */
export interface LoadResult {
  connections: number;
  size: number;
  /** Round trips completed inside the measured window. */
  requests: number;
  /** Length of the measured window, in ms (actual, not requested). */
  windowMs: number;
  /** Round trips per second over the window. */
  rate: number;
  /** Generator CPU over the window, as a fraction of one core. */
  loadgenCpu: number;
  /** Server CPU over the window, as a fraction of one core (null if not measurable). */
  serverCpu: number | null;
  /**
   * CPU other processes used over the window (every core, minus the server, the
   * generator and softirq), as a fraction of one core; null if not measurable. Much above
   * zero means something else competed for the cores and the cell is not trustworthy.
   */
  otherCpu: number | null;
  /**
   * Softirq CPU over the window (every core), as a fraction of one core; null if not
   * measurable: network receive work the kernel charged to no process.
   */
  softirqCpu: number | null;
  /** Connections that failed (reset, closed early) before the run ended. */
  failures: number;
  /**
   * The server's resident memory at the end of the window, in KiB, with every connection
   * open (null if not measurable).
   */
  serverRssKb: number | null;
}

/**
 * What a window (or several, summed) counted: its {@link LoadResult} without the rates,
 * the CPU as milliseconds used rather than shares of the window.
 */
export interface LoadTotals {
  connections: number;
  size: number;
  requests: number;
  windowMs: number;
  loadgenMs: number;
  serverMs: number | null;
  otherMs: number | null;
  softirqMs: number | null;
  failures: number;
  serverRssKb: number | null;
}

/** The {@link LoadResult} of `t`: round trips per second and each CPU share of the window. */
export function loadResultOf(t: LoadTotals): LoadResult {
  const share = (ms: number | null): number | null => (ms === null ? null : ms / t.windowMs);
  return {
    connections: t.connections,
    size: t.size,
    requests: t.requests,
    windowMs: t.windowMs,
    rate: (t.requests * 1000) / t.windowMs,
    loadgenCpu: t.loadgenMs / t.windowMs,
    serverCpu: share(t.serverMs),
    otherCpu: share(t.otherMs),
    softirqCpu: share(t.softirqMs),
    failures: t.failures,
    serverRssKb: t.serverRssKb,
  };
}

/**
 * The server's CPU time per request (a round trip, or a handshake) in µs, or null when its
 * CPU was not measured: steadier than requests/s when other work shares the machine.
 */
export function serverMicrosPerRequest(r: LoadResult): number | null {
  return r.serverCpu === null || r.requests === 0 ? null : (r.serverCpu * r.windowMs * 1000) / r.requests;
}

/** The options every load generator takes: where the server is and the load's shape. */
export interface LoadOptions {
  port: number;
  connections: number;
  size: number;
  warmup: number;
  duration: number;
  serverPid: number | null;
}

/**
 * Sets the {@link LoadOptions} field of option `key` (`--port`, `--connections`, `--size`,
 * `--warmup`, `--duration`, `--server-pid`) from `value`; returns false for any other key.
 * @throws RangeError (from wholeNumber) for a value that is not a whole number in range.
 */
export function setLoadOption(o: LoadOptions, key: string, value: string): boolean {
  if (key === '--port') o.port = wholeNumber(key, value, 1);
  else if (key === '--connections') o.connections = wholeNumber(key, value, 1);
  else if (key === '--size') o.size = wholeNumber(key, value, 1);
  else if (key === '--warmup') o.warmup = wholeNumber(key, value, 0);
  else if (key === '--duration') o.duration = wholeNumber(key, value, 1);
  else if (key === '--server-pid') o.serverPid = wholeNumber(key, value, 1);
  else return false;
  return true;
}

/** What a load generator counts while it runs: the round trips done so far, and its failures. */
export interface LoadCounter {
  completed(): number;
  failures(): number;
}

/**
 * Measures one window of `durationMs` while the generator runs: round trips done, and the
 * CPU the generator, the server (`serverPid`, when given) and the whole machine used.
 * `stop` is awaited after the window closes and before the failures are counted.
 */
export async function measureLoad(
  counter: LoadCounter,
  shape: { connections: number; size: number; durationMs: number; serverPid: number | null },
  stop: () => Promise<void>,
): Promise<LoadResult> {
  const startCount = counter.completed();
  const startFailures = counter.failures();
  const startCpu = process.cpuUsage();
  const startServer = shape.serverPid === null ? null : processCpuMs(shape.serverPid);
  const startMachine = machineCpuMs();
  const startTime = performance.now();
  await new Promise<void>((resolve) => setTimeout(resolve, shape.durationMs));
  const requests = counter.completed() - startCount;
  const windowMs = performance.now() - startTime;
  const cpu = process.cpuUsage(startCpu);
  const endServer = shape.serverPid === null ? null : processCpuMs(shape.serverPid);
  const serverRssKb = shape.serverPid === null ? null : processRssKb(shape.serverPid);
  const endMachine = machineCpuMs();
  await stop();
  const loadgenMs = (cpu.user + cpu.system) / 1000;
  const serverMs = startServer === null || endServer === null ? null : endServer - startServer;
  const machineMs = startMachine === null || endMachine === null ? null : endMachine.busy - startMachine.busy;
  const softirqMs = startMachine === null || endMachine === null ? null : endMachine.softirq - startMachine.softirq;
  const otherMs = serverMs === null || machineMs === null || softirqMs === null ? null : Math.max(0, machineMs - softirqMs - serverMs - loadgenMs);
  const failures = counter.failures() - startFailures;
  return loadResultOf({ connections: shape.connections, size: shape.size, requests, windowMs, loadgenMs, serverMs, otherMs, softirqMs, failures, serverRssKb });
}

/**
 * Runs a load generator (`cmd args`, already pinned) to the end and returns the result
 * line it printed.
 * @throws Error with the first line of its stderr if it failed or printed no result.
 */
export async function runLoadGenerator(cmd: string, args: readonly string[]): Promise<LoadResult> {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  const line = stdout.split('\n').find((l) => l.startsWith(LOAD_RESULT_PREFIX));
  if (code !== 0 || line === undefined) throw new Error(`load generator failed (exit ${code}): ${stderr.trim().split('\n')[0] ?? ''}`);
  return JSON.parse(line.slice(LOAD_RESULT_PREFIX.length)) as LoadResult;
}
