/**
 * {@link ThreadPool}: the pool of worker threads behind {@link runInThread}.
 * @packageDocumentation
 */
import { WorkerPool, type PoolOptions, type Reply, type WorkerEvents, type WorkerHandle } from './pool.js';
import { THREAD_RUNNER } from './runner-source.js';

/**
 * Options of {@link ThreadPool}.
 *
 * @example
 * ```ts
 * new ThreadPool({ size: 2, resourceLimits: { maxOldGenerationSizeMb: 256 } });
 * ```
 */
export interface ThreadPoolOptions extends PoolOptions {
  /** Resource limits of each worker thread (heap sizes, stack size), as `new Worker` takes them. */
  resourceLimits?: import('node:worker_threads').ResourceLimits;
}

/**
 * A pool of worker threads that run exported functions ({@link workerFunction},
 * {@link functionRef}) and return their results. Arguments and results are copied by
 * structured clone (or moved: {@link transfer}). `yield* pool.run(fn, ...args)` in a task;
 * `await pool.runAsync(fn, args, { signal })` in promise code. A job whose caller gives
 * up terminates its thread (V8 stops it even inside an endless loop); the pool starts a
 * new thread for the next job.
 *
 * @example
 * ```ts
 * const pool = new ThreadPool({ size: 2 });
 * const n = yield* pool.run(fibonacci, 30);
 * yield* awaitPromise(pool.close());   // close() is a promise
 * ```
 */
export class ThreadPool extends WorkerPool {
  private readonly resourceLimits: ThreadPoolOptions['resourceLimits'];

  /**
   * @param options `size`: the most threads at once (default: the machine's cores).
   * @throws RangeError if `size` is not an integer >= 1.
   */
  constructor(options: ThreadPoolOptions = {}) {
    super('ThreadPool', 'runInThread', options);
    this.resourceLimits = options.resourceLimits;
  }

  /** @internal */
  protected startWorker(events: WorkerEvents): WorkerHandle {
    const worker = new (process.getBuiltinModule('node:worker_threads').Worker)(THREAD_RUNNER, {
      eval: true,
      resourceLimits: this.resourceLimits,
      // The runner is a CommonJS script, even in a program run as `node --input-type=module -e`.
      execArgv: process.execArgv.filter((arg) => !arg.startsWith('--input-type')),
    });
    let failure: unknown;
    worker.on('message', (reply: Reply) => events.reply(reply));
    worker.on('error', (error) => (failure = error));
    worker.on('exit', (code) => events.exit(code, null, failure));
    worker.unref();
    return {
      id: worker.threadId,
      label: `worker thread ${worker.threadId}`,
      // No transfer list unless something moves: postMessage is slower with one, even empty.
      send: (request, transferList) => (transferList.length === 0 ? worker.postMessage(request) : worker.postMessage(request, transferList)),
      terminate: () => void worker.terminate(),
      keepAlive: (on) => (on ? worker.ref() : worker.unref()),
    };
  }
}
