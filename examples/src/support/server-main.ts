/**
 * What the example servers share besides their Curio code: reading the port from the
 * command line, printing addresses the way Curio's Python examples do, and a `main`
 * that runs the server in its own kernel with operator conveniences the seed leaves to
 * the shell:
 * - `SIGINT` / `SIGTERM` shut the kernel down cleanly (every task is cancelled, its
 *   `finally` blocks and `using` disposals run, sockets are closed) and the process
 *   exits with status 0; a second signal during that cleanup forces an exit (status 1);
 * - `SIGUSR2` prints one `stats {...}` line (live tasks by name, tasks created and
 *   crashed, open sockets, memory: after a full GC when run with `node --expose-gc`),
 *   which the end-to-end tests read;
 * - `--diagnostics` turns on crash reports, long-block reports and a few lifecycle
 *   records per task, through pino (see support/diagnostics.ts);
 * - `CURIO_MONITOR=1` (or `HOST:PORT`) serves Curio's monitor console (`curio-monitor`).
 * @packageDocumentation
 */
import { Kernel, TaskCancelled, monitorFromEnvironment, type Activation, type Operation } from 'curio';
import { diagnosticActivations } from './diagnostics.js';

/** An address as Python prints it: `('127.0.0.1', 51234)`, or a Unix path. */
export function formatAddress(address: readonly [string, number] | string): string {
  return typeof address === 'string' ? address : `('${address[0]}', ${address[1]})`;
}

/** The first argument that is not a `--flag`, as a port; `fallback` if there is none. */
export function portArgument(argv: readonly string[], fallback: number): number {
  const arg = argv.find((a) => !a.startsWith('--'));
  if (arg === undefined) return fallback;
  const port = Number(arg);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`expected a port number (0-65535), got '${arg}'`);
  return port;
}

/** The `stats` line's content: a snapshot of the server process. */
export interface ServerStats {
  /** Live tasks (the main task included). */
  tasks: number;
  /** Live tasks by name. */
  byName: Record<string, number>;
  /** Tasks created since start. */
  created: number;
  /** Tasks that ended with an exception other than a cancellation. */
  crashed: number;
  /** Open TCP connections in the process (Node's active `TCPSocketWrap` handles). */
  sockets: number;
  /** Open listeners (Node's active `TCPServerWrap` / `PipeServerWrap` handles). */
  listeners: number;
  /** Resident set size, bytes. */
  rss: number;
  /** V8 heap in use, bytes. */
  heapUsed: number;
  /** Memory of Buffers and other ArrayBuffers, bytes. */
  arrayBuffers: number;
}

/** Counts task creations and crashes for the stats line (an integer bump per task). */
function countingActivation(counter: { created: number; crashed: number }): Activation {
  return {
    created: () => void counter.created++,
    terminated: (task) => {
      if (task.exception !== null && task.exception !== undefined && !(task.exception instanceof TaskCancelled)) counter.crashed++;
    },
  };
}

function snapshot(kernel: Kernel, counter: { created: number; crashed: number }): ServerStats {
  // Under `node --expose-gc`, collect first so the memory figures are live memory, not garbage.
  (globalThis as { gc?: () => void }).gc?.();
  const byName: Record<string, number> = {};
  for (const task of kernel.tasks.values()) byName[task.name] = (byName[task.name] ?? 0) + 1;
  let sockets = 0;
  let listeners = 0;
  for (const resource of process.getActiveResourcesInfo()) {
    if (resource === 'TCPSocketWrap') sockets++;
    else if (resource === 'TCPServerWrap' || resource === 'PipeServerWrap') listeners++;
  }
  const memory = process.memoryUsage();
  return {
    tasks: kernel.tasks.size,
    byName,
    created: counter.created,
    crashed: counter.crashed,
    sockets,
    listeners,
    rss: memory.rss,
    heapUsed: memory.heapUsed,
    arrayBuffers: memory.arrayBuffers,
  };
}

/** Options of {@link serverMain}. */
export interface ServerMainOptions {
  /** Crash, long-block and lifecycle records through pino (see support/diagnostics.ts); default: `--diagnostics` is on the command line. */
  diagnostics?: boolean;
}

/**
 * Runs `main(...args)` as the main task of a new kernel until it returns or the process
 * gets SIGINT/SIGTERM, then shuts the kernel down and lets the process exit (status 0
 * after a signal, 1 if the server failed). See the module comment for SIGUSR2.
 */
export async function serverMain<A extends unknown[]>(main: (...args: A) => Operation<unknown>, args: A, options: ServerMainOptions = {}): Promise<void> {
  const counter = { created: 0, crashed: 0 };
  const diagnostics = options.diagnostics ?? process.argv.includes('--diagnostics');
  const monitor = monitorFromEnvironment();
  const kernel = new Kernel({
    activations: [countingActivation(counter), ...(diagnostics ? diagnosticActivations() : []), ...(monitor === null ? [] : [monitor])],
    // The monitor's `where` needs the tasks' stacks.
    traceStacks: monitor !== null || undefined,
  });
  void monitor?.listening.then(({ host, port }) => console.log(`Monitor listening at ${formatAddress([host, port])}`));
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      // A second signal: the user does not want to wait for the cleanup.
      console.log(`Forced exit (${signal})`);
      process.exit(1);
    }
    stopping = true;
    console.log(`Server shutting down (${signal})`);
    void kernel.shutdown();
  };
  const stats = () => console.log(`stats ${JSON.stringify(snapshot(kernel, counter))}`);
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.on('SIGUSR2', stats);
  try {
    await kernel.run(main, ...args);
  } catch (error) {
    if (!(stopping && error instanceof TaskCancelled)) {
      console.error(error);
      process.exitCode = 1;
    }
  } finally {
    await kernel.shutdown();
    await monitor?.close();
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    process.off('SIGUSR2', stats);
  }
}
