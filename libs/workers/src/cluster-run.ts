/**
 * The two sides of {@link runCluster}, loaded when it is first called: the primary
 * supervises the workers, each worker serves `main` in a kernel of its own.
 * @packageDocumentation
 */
// Imported as usual: this module is itself loaded by runCluster's import().
import { availableParallelism } from 'node:os';
import cluster, { type Worker as ClusterWorker } from 'node:cluster';
import { Event, Kernel, ignoreAfter, spawn, type Activation, type Operation } from '@curio/kernel';
import type { ClusterOptions } from './cluster.js';
import { ClusterGaveUp } from './errors.js';
import { restartOptions, RestartSchedule } from './restarts.js';

/** The message the primary sends a worker to stop it gracefully. */
const STOP = 'curio:cluster-stop';

/** @internal {@link runCluster}'s options checked: this process's side of the cluster. */
export function serveCluster<A extends unknown[]>(main: (...args: A) => Operation<unknown>, options: ClusterOptions<A>): Promise<void> {
  return cluster.isPrimary ? supervise(options) : serveInWorker(main, options);
}

/** The primary: fork, replace the dead (after a backoff, within a limit), stop everyone on a signal. */
function supervise<A extends unknown[]>(options: ClusterOptions<A>): Promise<void> {
  const log = options.log ?? ((line: string) => console.log(line));
  const size = options.workers ?? availableParallelism();
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
