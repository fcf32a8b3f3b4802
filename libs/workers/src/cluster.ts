/**
 * {@link runCluster}: a Curio server on every core. Node's `cluster` forks the workers and
 * shares one listening port among them (the primary accepts and hands connections round
 * robin); this module adds Curio's lifecycle around it: each worker runs the server in
 * its own kernel, SIGTERM/SIGINT stop every worker gracefully (stop accepting, let open
 * connections finish), and a worker that dies is replaced.
 * @packageDocumentation
 */
import cluster, { type Worker as ClusterWorker } from 'node:cluster';
import { Event, Kernel, ignoreAfter, spawn, type Activation, type KernelOptions, type Operation } from '@curio/kernel';
import { ClusterGaveUp } from './errors.js';
import { restartOptions, RestartSchedule, type RestartOptions } from './restarts.js';
import { show } from './show.js';

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

/** The message the primary sends a worker to stop it gracefully. */
const STOP = 'curio:cluster-stop';

function checkOptions<A extends unknown[]>(main: unknown, options: ClusterOptions<A>): void {
  if (typeof main !== 'function') throw new TypeError(`runCluster(): main must be a generator function (the server), got ${show(main)}`);
  if (options === null || typeof options !== 'object') throw new TypeError(`runCluster(): options must be an object, got ${show(options)}`);
  const { workers, graceMs, scheduling, restart } = options;
  restartOptions(restart);
  if (scheduling !== undefined && scheduling !== 'os' && scheduling !== 'round-robin') {
    throw new RangeError(`runCluster(): scheduling must be 'os' or 'round-robin', got ${show(scheduling)}`);
  }
  if (workers !== undefined && (typeof workers !== 'number' || !Number.isSafeInteger(workers) || workers < 1)) {
    throw new RangeError(`runCluster(): workers must be an integer >= 1, got ${show(workers)}`);
  }
  if (graceMs !== undefined && (typeof graceMs !== 'number' || !(graceMs >= 0))) {
    throw new RangeError(`runCluster(): graceMs must be a number of milliseconds >= 0, got ${show(graceMs)}`);
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
  if (cluster.isPrimary) await supervise(options);
  else await serveInWorker(main, options);
}

/** The primary: fork, replace the dead (after a backoff, within a limit), stop everyone on a signal. */
function supervise<A extends unknown[]>(options: ClusterOptions<A>): Promise<void> {
  const log = options.log ?? ((line: string) => console.log(line));
  const size = options.workers ?? process.getBuiltinModule('node:os').availableParallelism();
  const restart = restartOptions(options.restart);
  const restarts = new RestartSchedule(restart);
  /** Each live worker, and when it was forked (performance.now()). */
  const live = new Map<ClusterWorker, number>();
  const listening = new Set<ClusterWorker>();
  /** Replacements waiting out their backoff delay. */
  const pending = new Set<ReturnType<typeof setTimeout>>();
  let ready = false;
  let stopping = false;
  /** Why the cluster gave up, thrown once every worker has stopped. */
  let gaveUp: ClusterGaveUp | null = null;
  // Workers that died without ever listening, in a row: a server that cannot start
  // (a port in use, a bad argument) must not be restarted forever.
  let failedStarts = 0;
  // Read by cluster.fork() from the first fork on.
  cluster.schedulingPolicy = options.scheduling === 'round-robin' ? cluster.SCHED_RR : cluster.SCHED_NONE;

  const fork = () => {
    const worker = cluster.fork();
    live.set(worker, performance.now());
    worker.once('online', () => log(`cluster: worker ${worker.process.pid} started`));
    worker.once('listening', () => {
      failedStarts = 0;
      listening.add(worker);
      if (!ready && listening.size === size) {
        ready = true;
        log(`cluster: ${size} workers listening`);
      } else if (ready) {
        log(`cluster: worker ${worker.process.pid} listening`);
      }
    });
  };
  const forkAfter = (delayMs: number) => {
    const timer = setTimeout(() => {
      pending.delete(timer);
      fork();
    }, delayMs);
    pending.add(timer);
  };

  return new Promise<void>((resolve, reject) => {
    const onExit = (worker: ClusterWorker, code: number | null, signal: string | null) => {
      const livedMs = performance.now() - (live.get(worker) ?? 0);
      live.delete(worker);
      const wasListening = listening.delete(worker);
      const how = signal !== null ? `killed by ${signal}` : `exit code ${String(code)}`;
      if (stopping) {
        log(`cluster: worker ${worker.process.pid} stopped (${how})`);
        if (live.size === 0) finish();
        return;
      }
      if (!wasListening && ++failedStarts >= 3 * size) {
        return giveUp(new ClusterGaveUp(`runCluster(): workers keep dying before they listen (last: ${how}); giving up`, code, signal));
      }
      const delayMs = restarts.next(livedMs);
      if (delayMs === null) {
        return giveUp(new ClusterGaveUp(`runCluster(): a worker died after restart.maxRestarts = ${restart.maxRestarts} restarts within restart.windowMs = ${restart.windowMs} ms (last: worker ${worker.process.pid}, ${how}); giving up`, code, signal));
      }
      log(`cluster: worker ${worker.process.pid} died (${how}); starting a replacement${delayMs > 0 ? ` in ${Math.round(delayMs)} ms` : ''}`);
      forkAfter(delayMs);
    };
    const giveUp = (error: ClusterGaveUp) => {
      gaveUp = error;
      log(`cluster: ${error.message.replace('runCluster(): ', '')}`);
      stop('SIGTERM');
    };
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        log(`cluster: second ${signal}: killing the workers`);
        for (const worker of live.keys()) worker.process.kill('SIGKILL');
        return;
      }
      stopping = true;
      // No replacement is started once the cluster stops.
      for (const timer of pending) clearTimeout(timer);
      pending.clear();
      log(`cluster: shutting down (${signal})`);
      if (live.size === 0) return finish();
      for (const worker of live.keys()) if (worker.isConnected()) worker.send(STOP);
    };
    const finish = () => {
      cluster.off('exit', onExit);
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      log('cluster: stopped');
      if (gaveUp === null) resolve();
      else reject(gaveUp);
    };
    cluster.on('exit', onExit);
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    for (let i = 0; i < size; i++) fork();
  });
}

/** Counts live tasks, so the worker knows when only its supervisor is left. */
function taskCounter(onIdle: () => void): Activation & { live: number } {
  const counter = {
    live: 0,
    created: () => void counter.live++,
    terminated: () => {
      if (--counter.live <= 1) onIdle();
    },
  };
  return counter;
}

/** A worker: the server in a kernel, stopped gracefully on the primary's word or SIGTERM. */
async function serveInWorker<A extends unknown[]>(main: (...args: A) => Operation<unknown>, options: ClusterOptions<A>): Promise<void> {
  const stopRequested = new Event();
  const drained = new Event();
  const counter = taskCounter(() => drained.set());
  const kernel = new Kernel({ ...options.kernel, activations: [counter, ...(options.kernel?.activations ?? [])] });
  const graceMs = options.graceMs ?? 30_000;
  const args = (options.args ?? []) as A;

  const requestStop = () => stopRequested.set();
  process.on('message', (message) => {
    if (message === STOP) requestStop();
  });
  // The primary relays signals itself; a signal to this worker alone stops just it.
  process.on('SIGTERM', requestStop);
  process.on('SIGINT', requestStop);
  process.on('disconnect', requestStop);

  function* supervisor(): Operation<unknown> {
    const server = yield* spawn(main, ...args);
    yield* spawn(function* watch() {
      yield* server.wait();
      stopRequested.set();
    });
    yield* stopRequested.wait();
    if (server.terminated) return server.result;
    // Stop accepting: cancelling the server closes its listening socket.
    yield* server.cancel();
    // Let the clients finish their conversations.
    if (counter.live > 1) yield* ignoreAfter(graceMs, drained.wait());
    return undefined;
  }

  let code = 0;
  try {
    await kernel.run(supervisor);
  } catch (error) {
    console.error(error);
    code = 1;
  } finally {
    await kernel.shutdown();
  }
  process.exit(code);
}
