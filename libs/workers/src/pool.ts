/**
 * The pool both {@link ThreadPool} and {@link ProcessPool} are: up to `size` workers, each
 * running one job at a time, jobs waiting in arrival order for a free worker. A job whose
 * caller gives up (its AbortSignal: the task was cancelled or timed out) is dropped if it
 * is still waiting, and its worker is terminated if it is running: JavaScript cannot
 * interrupt a running function any other way. A worker that dies fails only its own job.
 * Workers are started on demand and replaced on demand; idle ones do not keep the process
 * alive.
 * @packageDocumentation
 */
import { park, type Operation, describeValue } from '@curio/kernel';
import { toRef, type FunctionRef, type Runnable } from './function-ref.js';
import { isTransfer, type Transferable, type Untransferred } from './transfer.js';
import { PoolClosed, WorkerCrashed, WorkerError, type RemoteErrorInfo } from './errors.js';
import { FifoQueue } from './job-queue.js';
import { findStaying, withArticle, type StayingValue } from './stays-here.js';

/**
 * Options of {@link ThreadPool} and {@link ProcessPool}.
 *
 * @example
 * ```ts
 * const options: PoolOptions = { size: 4 };
 * ```
 */
export interface PoolOptions {
  /** The most workers running at once; default: the machine's cores (`os.availableParallelism()`). */
  size?: number;
}

/**
 * A snapshot of a pool.
 *
 * @example
 * ```ts
 * const { busy, queued }: PoolStats = defaultThreadPool().stats();
 * ```
 */
export interface PoolStats {
  /** The most workers it runs at once. */
  size: number;
  /** Workers alive now (busy or idle). */
  workers: number;
  /** Workers running a job now. */
  busy: number;
  /** Jobs waiting for a free worker. */
  queued: number;
  /** Workers started since the pool was made. */
  started: number;
  /** Workers terminated because the caller of their job gave up. */
  terminated: number;
  /** Workers that died while running a job. */
  crashed: number;
}

/**
 * Options of a single job: see {@link WorkerPool.runAsync}.
 *
 * @example
 * ```ts
 * await pool.runAsync(fibonacci, [40], { signal: AbortSignal.timeout(1000) });
 * ```
 */
export interface JobOptions {
  /** Aborting it drops the job if it waits, or terminates its worker if it runs. */
  signal?: AbortSignal;
}

/**
 * The result type of a worker function: what its promise resolves to.
 *
 * @example
 * ```ts
 * type R = WorkerResult<Promise<Transfer<Uint8Array>>>; // Uint8Array
 * ```
 */
export type WorkerResult<R> = Untransferred<Awaited<R>>;

/**
 * The arguments of a runnable, each of which may also be given as `transfer(value)`.
 *
 * @example
 * ```ts
 * const bytes = new Uint8Array(1024);
 * const args: WorkerArgs<[Uint8Array, number]> = [transfer(bytes), 3];
 * ```
 */
export type WorkerArgs<A extends unknown[]> = { [K in keyof A]: A[K] | import('./transfer.js').Transfer<A[K]> };

/** A reply from a worker. @internal */
export type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: RemoteErrorInfo };

/** A request to a worker. @internal */
export interface Request {
  id: number;
  module: string;
  name: string;
  args: unknown[];
}

/** What a pool needs from one worker thread or child process. @internal */
export interface WorkerHandle {
  /** The thread id or process id. */
  readonly id: number;
  /** A short name for messages: `thread 3`, `process 1234`. */
  readonly label: string;
  /** Sends a request; throws if it cannot be serialized. */
  send(request: Request, transferList: Transferable[]): void;
  /** Stops the worker now, whatever it is doing. */
  terminate(): void;
  /** Lets (false) or stops (true) the worker from keeping the process alive. */
  keepAlive(on: boolean): void;
}

/** How a worker handle reports back to its pool. @internal */
export interface WorkerEvents {
  reply(reply: Reply): void;
  /** The worker is gone. `error` is what killed it, if it died of an error. */
  exit(exitCode: number | null, signal: string | null, error?: unknown): void;
}

interface PreparedJob {
  readonly ref: FunctionRef;
  readonly args: unknown[];
  readonly transferList: Transferable[];
}

interface Job extends PreparedJob {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  /** Stops listening to the caller's AbortSignal, if there is one. */
  detach: (() => void) | null;
  /** True once resolved or rejected. */
  settled: boolean;
  readonly id: number;
}

const NO_TRANSFERS: Transferable[] = [];

interface Slot {
  handle: WorkerHandle;
  job: Job | null;
  /** True while it keeps the process alive (it has a job, or had one a moment ago). */
  held: boolean;
  /** True once it was told to stop or died: it takes no more jobs. */
  gone: boolean;
  exited: Promise<void>;
}

let nextJobId = 1;

function checkSize(kind: string, size: unknown): number {
  if (size === undefined) return process.getBuiltinModule('node:os').availableParallelism();
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 1) {
    throw new RangeError(`${kind}(): size must be an integer >= 1 (the most workers at once), got ${describeValue(size)}`);
  }
  return size;
}

/**
 * What {@link ThreadPool} and {@link ProcessPool} share: `run` (an operation), `runAsync`
 * (a promise), `stats`, `workerIds` and `close`.
 *
 * @example
 * ```ts
 * function* render(pool: WorkerPool, page: string) {
 *   return yield* pool.run(renderPage, page);
 * }
 * ```
 */
export abstract class WorkerPool {
  /** The most workers running at once. */
  readonly size: number;
  private readonly slots = new Set<Slot>();
  private readonly idle: Slot[] = [];
  private readonly queue = new FifoQueue<Job>();
  private readonly dying = new Set<Promise<void>>();
  private closed = false;
  private counts = { started: 0, terminated: 0, crashed: 0 };

  /** @internal */
  protected constructor(
    /** `ThreadPool` or `ProcessPool`, for messages. */
    private readonly kind: string,
    /** `runInThread` or `runInProcess`, for messages. */
    protected readonly caller: string,
    options: PoolOptions,
  ) {
    if (options === null || typeof options !== 'object') throw new TypeError(`${kind}(): options must be an object, got ${describeValue(options)}`);
    this.size = checkSize(kind, options.size);
  }

  /** @internal Starts one worker. */
  protected abstract startWorker(events: WorkerEvents): WorkerHandle;

  /** @internal Checks the arguments can go to this kind of worker. */
  protected checkArgs(_args: unknown[]): void {}

  /**
   * Runs `fn(...args)` in a worker and waits for its result: an operation for tasks
   * (state `FUTURE_WAIT`). Cancelling the task (or its timeout) drops the job, or
   * terminates its worker if the job is running; the pool starts another worker for
   * later jobs.
   * @throws TypeError at the call if `fn` cannot cross to a worker or an argument cannot go.
   */
  run<A extends unknown[], R>(fn: Runnable<A, R>, ...args: WorkerArgs<A>): Operation<WorkerResult<R>> {
    // Checked now: a function that cannot cross is the caller's mistake, reported at the call.
    const request = this.prepare(fn, args);
    return this.wait(request) as Operation<WorkerResult<R>>;
  }

  /** Like {@link WorkerPool.run}, for promise code: `options.signal` plays the role of cancellation. */
  runAsync<A extends unknown[], R>(fn: Runnable<A, R>, args: WorkerArgs<A>, options: JobOptions = {}): Promise<WorkerResult<R>> {
    try {
      if (!Array.isArray(args)) throw new TypeError(`${this.kind}.runAsync(): args must be an array, got ${describeValue(args)}`);
      const request = this.prepare(fn, args);
      const signal = options.signal;
      signal?.throwIfAborted();
      return new Promise<WorkerResult<R>>((resolve, reject) => {
        const job = this.submit(request, resolve as (value: unknown) => void, reject);
        // Settled already (a closed pool, arguments that cannot be sent): nothing to abort.
        if (signal === undefined || job.settled) return;
        const onAbort = () => this.abort(job, signal.reason);
        signal.addEventListener('abort', onAbort, { once: true });
        job.detach = () => signal.removeEventListener('abort', onAbort);
      });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Parks the task until the job is done; the park's undo (cancellation) aborts the job. */
  private *wait(request: PreparedJob): Operation<unknown> {
    return yield* park<unknown>('FUTURE_WAIT', (waker) => {
      const job = this.submit(
        request,
        (value) => waker.wake(value),
        (error) => waker.fail(error),
      );
      // The task sees its own cancellation exception; the job just stops.
      return () => this.abort(job, null);
    });
  }

  /** Checks a call and turns it into what is sent: the reference, the plain arguments, what moves. */
  private prepare(fn: unknown, args: readonly unknown[]): PreparedJob {
    const ref = toRef(this.caller + '()', fn);
    let transferList: Transferable[] = NO_TRANSFERS;
    let plain = args as unknown[];
    for (let i = 0; i < args.length; i++) {
      const arg = args[i];
      if (!isTransfer(arg)) continue;
      if (plain === args) plain = [...args];
      if (transferList === NO_TRANSFERS) transferList = [];
      transferList.push(...arg.list);
      plain[i] = arg.value;
    }
    const moved = new Set<unknown>(transferList);
    for (let i = 0; i < plain.length; i++) {
      const staying = findStaying(plain[i], moved);
      if (staying !== null) throw stayingError(this.caller, i, staying);
    }
    this.checkArgs(plain);
    return { ref, args: plain, transferList };
  }

  /** Queues a job and hands it to a worker if one is free. */
  private submit(request: PreparedJob, resolve: (value: unknown) => void, reject: (error: unknown) => void): Job {
    const job: Job = { ...request, resolve, reject, detach: null, settled: false, id: nextJobId++ };
    if (this.closed) {
      this.settle(job, false, new PoolClosed(`${this.caller}(): the ${this.kind} is closed`));
      return job;
    }
    this.queue.push(job);
    this.dispatch();
    return job;
  }

  /** A snapshot: workers alive and busy, jobs waiting, and what happened so far. */
  stats(): PoolStats {
    let busy = 0;
    for (const slot of this.slots) if (slot.job !== null) busy++;
    return { size: this.size, workers: this.slots.size, busy, queued: this.queue.length, ...this.counts };
  }

  /** The ids of the workers alive now: thread ids (`threadId`) or process ids (`pid`). */
  workerIds(): number[] {
    return [...this.slots].map((slot) => slot.handle.id);
  }

  /**
   * Closes the pool: jobs still waiting fail with {@link PoolClosed}, running jobs are
   * cut short the same way, and every worker is stopped. Resolves once all of them have
   * exited, including those terminated earlier for cancelled jobs.
   */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.drain()) this.settle(job, false, new PoolClosed(`${this.caller}(): the ${this.kind} was closed before the job started`));
    for (const slot of [...this.slots]) {
      if (slot.job !== null) this.settle(slot.job, false, new PoolClosed(`${this.caller}(): the ${this.kind} was closed while the job ran`));
      this.stop(slot);
    }
    await Promise.all([...this.dying]);
  }

  /** Hands waiting jobs to idle workers, starting workers up to `size`. */
  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = this.idle.pop();
      if (slot === undefined) {
        if (this.slots.size >= this.size) break;
        slot = this.startSlot();
      }
      const job = this.queue.shift() as Job;
      slot.job = job;
      if (!slot.held) {
        slot.held = true;
        slot.handle.keepAlive(true);
      }
      try {
        slot.handle.send({ id: job.id, module: job.ref.module, name: job.ref.name, args: job.args }, job.transferList);
      } catch (error) {
        slot.job = null;
        this.idle.push(slot);
        this.settle(job, false, new TypeError(`${this.caller}(): the arguments of ${job.ref.name} cannot be sent to a worker: ${(error as Error).message}`, { cause: error }));
      }
    }
    // Workers left idle no longer keep the process alive (no ref/unref churn while busy).
    for (const idle of this.idle) {
      if (!idle.held) continue;
      idle.held = false;
      idle.handle.keepAlive(false);
    }
  }

  private startSlot(): Slot {
    let markExited!: () => void;
    const slot: Slot = { handle: null as unknown as WorkerHandle, job: null, held: false, gone: false, exited: new Promise<void>((done) => (markExited = done)) };
    slot.handle = this.startWorker({
      reply: (reply) => this.onReply(slot, reply),
      exit: (exitCode, signal, error) => {
        markExited();
        this.onExit(slot, exitCode, signal, error);
      },
    });
    this.slots.add(slot);
    this.counts.started++;
    return slot;
  }

  private onReply(slot: Slot, reply: Reply): void {
    const job = slot.job;
    if (job === null || job.id !== reply.id) return;
    slot.job = null;
    if (reply.ok) this.settle(job, true, reply.value);
    else this.settle(job, false, new WorkerError(reply.error, `${slot.handle.label}, running ${job.ref.name}`));
    if (slot.gone) return;
    this.idle.push(slot);
    this.dispatch();
  }

  private onExit(slot: Slot, exitCode: number | null, signal: string | null, error: unknown): void {
    const wasGone = slot.gone;
    slot.gone = true;
    this.slots.delete(slot);
    const i = this.idle.indexOf(slot);
    if (i >= 0) this.idle.splice(i, 1);
    const job = slot.job;
    if (job !== null) {
      slot.job = null;
      if (!wasGone) this.counts.crashed++;
      const how = signal !== null ? `was killed by ${signal}` : error !== undefined ? `died of ${describeError(error)}` : `exited with code ${String(exitCode)}`;
      this.settle(job, false, new WorkerCrashed(`${this.caller}(): ${slot.handle.label} ${how} while running ${job.ref.name}`, exitCode, signal, { cause: error }));
    }
    // Replace it for the jobs still waiting.
    if (!this.closed) this.dispatch();
  }

  /**
   * The caller gave up on `job`: drop it, or stop the worker running it. The job fails
   * with `reason`, or (null: a cancelled task, which sees its own exception) silently.
   */
  private abort(job: Job, reason: unknown): void {
    if (this.queue.remove(job)) {
      if (reason !== null) this.settle(job, false, reason);
      return;
    }
    for (const slot of this.slots) {
      if (slot.job !== job) continue;
      slot.job = null;
      this.counts.terminated++;
      if (reason !== null) this.settle(job, false, reason);
      this.stop(slot);
      this.dispatch();
      return;
    }
  }

  private stop(slot: Slot): void {
    if (slot.gone) return;
    slot.gone = true;
    this.slots.delete(slot);
    const i = this.idle.indexOf(slot);
    if (i >= 0) this.idle.splice(i, 1);
    const exited = slot.exited;
    this.dying.add(exited);
    void exited.then(() => this.dying.delete(exited));
    slot.handle.terminate();
  }

  private settle(job: Job, ok: boolean, value: unknown): void {
    job.settled = true;
    job.detach?.();
    job.detach = null;
    if (ok) job.resolve(value);
    else job.reject(value);
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/** The TypeError for argument `index` of a call to `caller`, which holds `staying`. */
function stayingError(caller: string, index: number, staying: StayingValue): TypeError {
  const where = `argument ${index + 1}${staying.path === '' ? '' : ` at ${staying.path}`}`;
  const instead = staying.instead === null ? 'pass plain data instead' : `pass plain data instead, or ${staying.instead} to share one with a thread`;
  return new TypeError(
    `${caller}(): ${where} is ${withArticle(staying.className)}, which cannot go to a worker: the worker would get a copy of its fields without its methods, ` +
      `while what it stands for (a connection, a file, tasks, waiters) stays in this thread; ${instead}`,
  );
}
