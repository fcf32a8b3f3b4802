/**
 * One cell of the HTTP benchmark: a fresh server process (pinned to CPU 0), its answers
 * checked, a warm-up wrk run, then the measured wrk run with the server's CPU time read
 * from /proc around it.
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';
import { machineCpuMs, processCpuMs, waitForQuietMachine } from '../echo/cpu.js';
import { pinned } from '../pinning.js';
import { startListeningServer, stopServer } from '../server-process.js';
import { DEFAULT_CONTENT_TYPE, ECHO_PATH, HELLO } from './routes.js';
import { errorCount, runWrk, type Route, type WrkResult } from './wrk.js';

/** How to start a server under test: its script and the Node options before it. */
export interface ServerCommand {
  name: string;
  script: string;
  nodeArgs: readonly string[];
}

/** What one cell is: the load, and how long to warm up and measure. */
export interface CellLoad {
  route: Route;
  connections: number;
  bodySize: number;
  warmupSeconds: number;
  seconds: number;
}

/** What one cell measured. */
export interface CellResult {
  /** Requests per second over the measured run. */
  rate: number;
  /** 99th percentile latency, ms. */
  p99Ms: number;
  /** Server CPU time per request, µs (null where /proc is not readable). */
  cpuUsPerRequest: number | null;
  /** Server CPU over the measured run, as a share of one core. */
  serverCpu: number | null;
  /** CPU the rest of the machine (wrk and every other process) used meanwhile, as a share of one core. */
  restCpu: number | null;
  /** Errors wrk counted (sockets, timeouts, answers not 2xx/3xx). */
  errors: number;
}

/**
 * Throws, naming the server and the route, unless `GET /` says hello and `POST /echo`
 * sends a random body back byte for byte with its Content-Type: a fast wrong server
 * proves nothing.
 */
export async function checkAnswers(name: string, port: number, bodySize: number): Promise<void> {
  const base = `http://127.0.0.1:${port}`;
  const hello = await fetch(`${base}/`);
  const text = await hello.text();
  if (hello.status !== 200 || text !== HELLO) throw new Error(`${name}: GET / answered ${hello.status} ${JSON.stringify(text.slice(0, 40))}`);
  const body = randomBytes(bodySize);
  const echo = await fetch(`${base}${ECHO_PATH}`, { method: 'POST', body, headers: { 'content-type': DEFAULT_CONTENT_TYPE } });
  const back = Buffer.from(await echo.arrayBuffer());
  if (echo.status !== 200 || !back.equals(body) || echo.headers.get('content-type') !== DEFAULT_CONTENT_TYPE) {
    throw new Error(`${name}: POST ${ECHO_PATH} of ${bodySize} random bytes answered ${echo.status} with ${back.length} bytes (${back.equals(body) ? 'the same' : 'not the same'}), Content-Type ${echo.headers.get('content-type')}`);
  }
}

/** Measures `server` under `load` with `wrk` in a process of its own, started and stopped here. */
export async function measureCell(wrk: string, server: ServerCommand, load: CellLoad): Promise<CellResult> {
  const [cmd, args] = pinned(0, [...server.nodeArgs, server.script, '0']);
  const { process: child, port, stderr } = await startListeningServer(server.name, cmd, args);
  try {
    await checkAnswers(server.name, port, load.bodySize);
    const run = { port, route: load.route, connections: load.connections, bodySize: load.bodySize };
    if (load.warmupSeconds > 0) await runWrk(wrk, { ...run, seconds: load.warmupSeconds });
    await waitForQuietMachine();
    const cpuBefore = processCpuMs(child.pid!);
    const machineBefore = machineCpuMs();
    const r = await runWrk(wrk, { ...run, seconds: load.seconds });
    // A server gone mid-run leaves wrk counting errors: say how it ended instead.
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${server.name} exited during the measured run (${child.exitCode ?? child.signalCode}): ${stderr().trim().split('\n').slice(0, 3).join(' / ') || 'nothing on stderr'}`);
    }
    const cpuAfter = processCpuMs(child.pid!);
    const machineAfter = machineCpuMs();
    const serverMs = cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore;
    const windowMs = r.durationUs / 1000;
    const restMs = serverMs === null || machineBefore === null || machineAfter === null ? null : machineAfter.busy - machineBefore.busy - serverMs;
    return resultOf(r, serverMs, restMs, windowMs);
  } finally {
    await stopServer(child);
  }
}

function resultOf(r: WrkResult, serverMs: number | null, restMs: number | null, windowMs: number): CellResult {
  return {
    rate: (r.requests * 1000) / windowMs,
    p99Ms: r.p99Us / 1000,
    cpuUsPerRequest: serverMs === null || r.requests === 0 ? null : (serverMs * 1000) / r.requests,
    serverCpu: serverMs === null ? null : serverMs / windowMs,
    restCpu: restMs === null ? null : Math.max(0, restMs) / windowMs,
    errors: errorCount(r),
  };
}
