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
import { availableParallelism } from 'node:os';
import { call, type Operation } from '@curio/kernel';
import { toRef, type FunctionRef, type Runnable } from './function-ref.js';
import { isTransfer, type Transferable, type Untransferred } from './transfer.js';
import { PoolClosed, WorkerCrashed, WorkerError, type RemoteErrorInfo } from './errors.js';
import { show } from './show.js';

/** Options of {@link ThreadPool} and {@link ProcessPool}. */
export interface PoolOptions {
  /** The most workers running at once; default: the machine's cores (`os.availableParallelism()`). */
  size?: number;
}

/** A snapshot of a pool. */
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

/** Options of a single job: see {@link ThreadPool.runAsync}. */
export interface JobOptions {
  /** Aborting it drops the job if it waits, or terminates its worker if it runs. */
  signal?: AbortSignal;
}

/** The result type of a worker function: what its promise resolves to. */
export type WorkerResult<R> = Untransferred<Awaited<R>>;

/** The arguments of a runnable, each of which may also be given as `transfer(value)`. */
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

interface Job {
  readonly ref: FunctionRef;
  readonly args: unknown[];
  readonly transferList: Transferable[];
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  readonly signal: AbortSignal | undefined;
  onAbort: (() => void) | null;
  id: number;
}

interface Slot {
  handle: WorkerHandle;
  job: Job | null;
  /** True once it was told to stop or died: it takes no more jobs. */
  gone: boolean;
  exited: Promise<void>;
}

let nextJobId = 1;

function checkSize(kind: string, size: unknown): number {
  if (size === undefined) return availableParallelism();
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 1) {
    throw new RangeError(`${kind}(): size must be an integer >= 1 (the most workers at once), got ${show(size)}`);
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
  private readonly queue: Job[] = [];
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
    if (options === null || typeof options !== 'object') throw new TypeError(`${kind}(): options must be an object, got ${show(options)}`);
    this.size = checkSize(kind, options.size);
  }

  /** @internal Starts one worker. */
  protected abstract startWorker(events: WorkerEvents): WorkerHandle;

  /** @internal Checks the arguments can go to this kind of worker. */
  protected checkArgs(_args: unknown[]): void {}

  /**
   * Runs `fn(...args)` in a worker and waits for its result: an operation for tasks.
   * Cancelling the task (or its timeout) drops the job, or terminates its worker if the
   * job is running; the pool starts another worker for later jobs.
   */
  run<A extends unknown[], R>(fn: Runnable<A, R>, ...args: WorkerArgs<A>): Operation<WorkerResult<R>> {
    // A function that cannot cross is the caller's mistake: say so at the call.
    toRef(this.caller + '()', fn);
    return call((signal) => this.runAsync(fn, args, { signal }));
  }

  /** Like {@link WorkerPool.run}, for promise code: `options.signal` plays the role of cancellation. */
  runAsync<A extends unknown[], R>(fn: Runnable<A, R>, args: WorkerArgs<A>, options: JobOptions = {}): Promise<WorkerResult<R>> {
    let job: Job;
    try {
      const ref = toRef(this.caller + '()', fn);
      if (!Array.isArray(args)) throw new TypeError(`${this.kind}.runAsync(): args must be an array, got ${show(args)}`);
      const transferList: Transferable[] = [];
      const plain = args.map((arg) => {
        if (!isTransfer(arg)) return arg;
        transferList.push(...arg.list);
        return arg.value;
      });
      this.checkArgs(plain);
      if (this.closed) throw new PoolClosed(`${this.caller}(): the ${this.kind} is closed`);
      options.signal?.throwIfAborted();
      let resolve!: (value: unknown) => void;
      let reject!: (error: unknown) => void;
      const promise = new Promise<unknown>((ok, fail) => {
        resolve = ok;
        reject = fail;
      });
      job = { ref, args: plain, transferList, resolve, reject, signal: options.signal, onAbort: null, id: nextJobId++ };
      if (options.signal !== undefined) {
        const signal = options.signal;
        job.onAbort = () => this.abort(job, signal.reason);
        signal.addEventListener('abort', job.onAbort, { once: true });
      }
      this.queue.push(job);
      this.dispatch();
      return promise as Promise<WorkerResult<R>>;
    } catch (error) {
      return Promise.reject(error);
    }
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
    for (const job of this.queue.splice(0)) this.settle(job, false, new PoolClosed(`${this.caller}(): the ${this.kind} was closed before the job started`));
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
        if (this.slots.size >= this.size) return;
        slot = this.startSlot();
      }
      const job = this.queue.shift() as Job;
      slot.job = job;
      slot.handle.keepAlive(true);
      try {
        slot.handle.send({ id: job.id, module: job.ref.module, name: job.ref.name, args: job.args }, job.transferList);
      } catch (error) {
        slot.job = null;
        this.makeIdle(slot);
        this.settle(job, false, new TypeError(`${this.caller}(): the arguments of ${job.ref.name} cannot be sent to a worker: ${(error as Error).message}`, { cause: error }));
      }
    }
  }

  private startSlot(): Slot {
    let markExited!: () => void;
    const slot: Slot = { handle: null as unknown as WorkerHandle, job: null, gone: false, exited: new Promise<void>((done) => (markExited = done)) };
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
    this.makeIdle(slot);
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

  /** The caller gave up on `job`: drop it, or stop the worker running it. */
  private abort(job: Job, reason: unknown): void {
    const waiting = this.queue.indexOf(job);
    if (waiting >= 0) {
      this.queue.splice(waiting, 1);
      this.settle(job, false, reason);
      return;
    }
    for (const slot of this.slots) {
      if (slot.job !== job) continue;
      slot.job = null;
      this.counts.terminated++;
      this.settle(job, false, reason);
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

  private makeIdle(slot: Slot): void {
    slot.handle.keepAlive(false);
    this.idle.push(slot);
  }

  private settle(job: Job, ok: boolean, value: unknown): void {
    if (job.onAbort !== null) job.signal?.removeEventListener('abort', job.onAbort);
    job.onAbort = null;
    if (ok) job.resolve(value);
    else job.reject(value);
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
