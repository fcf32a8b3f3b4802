/**
 * {@link runCluster}: a Curio server on every core. Node's `cluster` forks the workers and
 * shares one listening port among them (the primary accepts and hands connections round
 * robin); this module adds Curio's lifecycle around it: each worker runs the server in
 * its own kernel, SIGTERM/SIGINT stop every worker gracefully (stop accepting, let open
 * connections finish), and a worker that dies is replaced.
 * @packageDocumentation
 */
import type { KernelOptions, Operation } from '@curio/kernel';
import { restartOptions, type RestartOptions } from './restarts.js';
import { describeValue } from '@curio/kernel';

/**
 * Options of {@link runCluster}.
 *
 * @example
 * ```ts
 * const options: ClusterOptions<[[string, number]]> = { args: [['', 25000]], workers: 4, graceMs: 10_000 };
 * await runCluster(echoServer, options);
 * ```
 */
export interface ClusterOptions<A extends unknown[]> {
  /** The arguments of `main` in each worker. */
  args?: A;
  /** How many worker processes; default the machine's cores. */
  workers?: number;
  /**
   * After SIGTERM, how long (ms) a worker lets its open connections finish before it
   * cancels what is left; default 30,000.
   */
  graceMs?: number;
  /** Where the primary writes its lifecycle lines; default `console.log`. */
  log?: (line: string) => void;
  /** Options of each worker's kernel (activations, ...). */
  kernel?: KernelOptions;
  /**
   * Who hands out connections. `'os'` (the default): every worker accepts on the shared
   * listening socket itself, so a worker that dies takes only the connections it had
   * accepted. `'round-robin'`: the primary accepts and passes each connection to the
   * next worker (even spread), but a connection in flight to a worker that is killed is
   * stranded in the primary (Node's cluster never closes it).
   */
  scheduling?: 'os' | 'round-robin';
  /**
   * How a worker that dies is replaced: after `delayMs` (default 100), doubling with each
   * death in a row up to `maxDelayMs` (default 10,000); a worker that stayed up `windowMs`
   * (default 60,000) resets the delay; more than `maxRestarts` (default 10) restarts within
   * `windowMs` and the cluster gives up (see {@link runCluster}).
   */
  restart?: RestartOptions;
}

function checkOptions<A extends unknown[]>(main: unknown, options: ClusterOptions<A>): void {
  if (typeof main !== 'function') throw new TypeError(`runCluster(): main must be a generator function (the server), got ${describeValue(main)}`);
  if (options === null || typeof options !== 'object') throw new TypeError(`runCluster(): options must be an object, got ${describeValue(options)}`);
  const { workers, graceMs, scheduling, restart } = options;
  restartOptions(restart);
  if (scheduling !== undefined && scheduling !== 'os' && scheduling !== 'round-robin') {
    throw new RangeError(`runCluster(): scheduling must be 'os' or 'round-robin', got ${describeValue(scheduling)}`);
  }
  if (workers !== undefined && (typeof workers !== 'number' || !Number.isSafeInteger(workers) || workers < 1)) {
    throw new RangeError(`runCluster(): workers must be an integer >= 1, got ${describeValue(workers)}`);
  }
  if (graceMs !== undefined && (typeof graceMs !== 'number' || !(graceMs >= 0))) {
    throw new RangeError(`runCluster(): graceMs must be a number of milliseconds >= 0, got ${describeValue(graceMs)}`);
  }
}

/**
 * Runs the server `main(...args)` in `workers` processes that share its listening port.
 * Call it as the whole program: in the primary process it forks the workers and
 * supervises them; in each worker it runs `main` in a kernel of its own. Sockets bound in
 * a worker listen through the primary (Node's `cluster`), so every worker accepts on the
 * same port.
 *
 * - SIGTERM or SIGINT to the primary stops the cluster gracefully: each worker cancels
 *   `main` (so its listening socket closes: no new connections), lets the tasks still
 *   running (its clients) finish for up to `graceMs`, then exits; the primary resolves when
 *   every worker has exited. A second signal kills the workers at once.
 *   Clients spawned by `main` as tasks of their own (the seed's accept loop) finish their
 *   conversations; `tcpServer`/`runServer` cancel their clients with themselves.
 * - A worker that dies otherwise (crash, SIGKILL) is replaced by a new one, after a delay
 *   that doubles with each death in a row (option `restart`: 100 ms, 200 ms, ... up to
 *   10 s; back to 100 ms once a worker stayed up a minute). After `restart.maxRestarts`
 *   restarts within `restart.windowMs` (10 a minute), or when workers keep dying before
 *   they ever listen (3 per worker in a row), the cluster gives up: it stops the other
 *   workers, then rejects with a {@link ClusterGaveUp} naming the limit and the last exit.
 * - SIGTERM to one worker stops just that worker gracefully; the primary replaces it.
 *
 * @example
 * ```ts
 * // echo-cluster.ts: node echo-cluster.js
 * await runCluster(echoServer, { args: [['', 25000]], workers: 4 });
 * ```
 */
export async function runCluster<A extends unknown[]>(main: (...args: A) => Operation<unknown>, options: ClusterOptions<A> = {}): Promise<void> {
  checkOptions(main, options);
  // The supervision and the worker's side load here, on the call: not with curio.
  const { serveCluster } = await import('./cluster-run.js');
  await serveCluster(main, options);
}
