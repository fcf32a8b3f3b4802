/**
 * What the example servers share besides their Curio code: reading `[PORT]
 * [--diagnostics]` from the command line, printing addresses the way Curio's Python examples do, and a `main`
 * that runs the server with Curio's {@link main} entry point plus operator conveniences
 * the seed leaves to the shell:
 * - `SIGINT` / `SIGTERM` (handled by `main()`): the server's main task is cancelled, its
 *   `finally` blocks and `using` disposals run, then every task left is cancelled and
 *   the process exits with 130 (SIGINT) or 143 (SIGTERM); a second signal during that
 *   cleanup forces the exit;
 * - `SIGUSR2` prints one `stats {...}` line (live tasks by name, tasks created and
 *   crashed, open sockets, memory: after a full GC when run with `node --expose-gc`),
 *   which the end-to-end tests read;
 * - `--diagnostics` turns on crash reports, long-block reports and a few lifecycle
 *   records per task, through pino (see support/diagnostics.ts);
 * - `CURIO_MONITOR=1` (or `HOST:PORT`) serves Curio's monitor console (`curio-monitor`).
 * @packageDocumentation
 */
import { parseArgs } from 'node:util';
import { main, TaskCancelled, monitorFromEnvironment, type Activation, type Kernel, type Operation } from 'curio';
import { atMost, commandLine, portNumber } from './command-line.js';
import { diagnosticActivations } from './diagnostics.js';

/** An address as Python prints it: `('127.0.0.1', 51234)`, or a Unix path. */
export function formatAddress(address: readonly [string, number] | string): string {
  return typeof address === 'string' ? address : `('${address[0]}', ${address[1]})`;
}

/** The flags every server run by {@link serverMain} takes, for its `parseArgs` options. */
export const SERVER_FLAGS = { diagnostics: { type: 'boolean' } } as const;

/** The command line of a server that takes `[PORT] [--diagnostics]` and nothing else. */
export interface ServerArguments {
  port: number;
  diagnostics: boolean;
}

/**
 * Reads `[PORT] [--diagnostics]` (`defaultPort` if no PORT is given); anything else is
 * an error that prints `usage: <usage>` and exits with status 2 (see {@link commandLine}).
 */
export function serverArguments(usage: string, defaultPort: number): ServerArguments {
  return commandLine(usage, () => {
    const { values, positionals } = parseArgs({ options: SERVER_FLAGS, allowPositionals: true });
    return { port: portNumber(atMost(positionals, 1)[0], defaultPort), diagnostics: values.diagnostics ?? false };
  });
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
  /** Crash, long-block and lifecycle records through pino (see support/diagnostics.ts); the `--diagnostics` flag; default false. */
  diagnostics?: boolean;
}

/**
 * Runs `server(...args)` as the main task of a program ({@link main}: SIGINT/SIGTERM
 * cancel it, and the process exits with 130/143 once its cleanup is done, 0 if it
 * returned, 1 if it failed). Logs `Server shutting down (SIGTERM)` when asked to stop;
 * see the module comment for SIGUSR2.
 */
export function serverMain<A extends unknown[]>(server: (...args: A) => Operation<unknown>, args: A, options: ServerMainOptions = {}): Promise<number> {
  const counter = { created: 0, crashed: 0 };
  const diagnostics = options.diagnostics ?? false;
  let kernel: Kernel | null = null;
  const remember: Activation = { activate: (k) => void (kernel = k) };
  process.on('SIGUSR2', () => {
    if (kernel !== null) console.log(`stats ${JSON.stringify(snapshot(kernel, counter))}`);
  });
  const monitor = monitorFromEnvironment();
  // Printed before the server starts, which main() holds back until the console listens.
  monitor?.listening.then((address) => console.log(`Monitor listening at ${address.path === undefined ? formatAddress([address.host, address.port]) : address.path}`), () => {});
  return main(server, {
    args,
    activations: [remember, countingActivation(counter), ...(diagnostics ? diagnosticActivations() : [])],
    // Made above, to print its address; false when CURIO_MONITOR does not ask for one.
    monitor: monitor ?? false,
    onShutdown: (signal) => console.log(`Server shutting down (${signal})`),
  });
}
