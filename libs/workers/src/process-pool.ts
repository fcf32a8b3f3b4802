/**
 * {@link ProcessPool}: the pool of child processes behind {@link runInProcess}.
 * @packageDocumentation
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { WorkerPool, type PoolOptions, type Reply, type WorkerEvents, type WorkerHandle } from './pool.js';
import { PROCESS_RUNNER } from './runner-source.js';
import { findShared } from './shared-mark.js';

/**
 * Options of {@link ProcessPool}.
 *
 * @example
 * ```ts
 * new ProcessPool({ size: 2, execArgv: ['--max-old-space-size=512'] });
 * ```
 */
export interface ProcessPoolOptions extends PoolOptions {
  /** Options for `node` in each child (e.g. `['--max-old-space-size=512']`). Default: none. */
  execArgv?: readonly string[];
}

/**
 * A pool of Node child processes that run exported functions ({@link workerFunction},
 * {@link functionRef}) and return their results: for work that must not share the
 * parent's memory or that may crash. Arguments and results are copied by structured
 * clone over the IPC channel. A job whose caller gives up kills its process (SIGKILL); a
 * process that dies fails only its own job. Shared-memory objects (`UniversalQueue`,
 * `UniversalEvent`, `SharedArrayBuffer`) cannot go to another process.
 *
 * @example
 * ```ts
 * const pool = new ProcessPool({ size: 2 });
 * const digest = yield* pool.run(hashFile, '/var/log/syslog');
 * yield* awaitPromise(pool.close());   // close() is a promise
 * ```
 */
export class ProcessPool extends WorkerPool {
  private readonly execArgv: readonly string[];

  /**
   * @param options `size`: the most processes at once (default: the machine's cores).
   * @throws RangeError if `size` is not an integer >= 1.
   */
  constructor(options: ProcessPoolOptions = {}) {
    super('ProcessPool', 'runInProcess', options);
    this.execArgv = options.execArgv ?? [];
  }

  /** @internal */
  protected override checkArgs(args: unknown[]): void {
    const shared = findShared(args);
    if (shared !== null) {
      throw new TypeError(`runInProcess(): ${shared} cannot go to a child process: it lives in this process's shared memory; use runInThread, or a Channel between processes`);
    }
  }

  /** @internal */
  protected startWorker(events: WorkerEvents): WorkerHandle {
    const child: ChildProcess = spawn(process.execPath, [...this.execArgv, '--input-type=module', '-e', PROCESS_RUNNER], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    let failure: unknown;
    child.on('message', (reply: Reply) => events.reply(reply));
    child.on('error', (error) => (failure = error));
    child.on('exit', (code, signal) => events.exit(code, signal, failure));
    const keepAlive = (on: boolean) => {
      const channel = child.channel as { ref(): void; unref(): void } | null | undefined;
      if (on) {
        child.ref();
        channel?.ref();
      } else {
        child.unref();
        channel?.unref();
      }
    };
    keepAlive(false);
    return {
      id: child.pid ?? -1,
      label: `child process ${child.pid ?? '(not started)'}`,
      send: (request) => {
        if (!child.connected) throw new Error('the child process is not connected');
        child.send(request);
      },
      terminate: () => void child.kill('SIGKILL'),
      keepAlive,
    };
  }
}
