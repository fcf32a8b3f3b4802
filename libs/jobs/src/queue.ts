/**
 * {@link JobQueue}: adding jobs, counting them, the dead letters, and {@link JobQueue.work}
 * (the workers themselves are in worker.ts).
 * @packageDocumentation
 */
import { randomUUID } from 'node:crypto';
import type { Operation } from '@curio/kernel';
import { RedisReplyError, type ConnectOptions, type RedisArg, type RedisCommands, type RedisConnection } from '@curio/redis';
import { checkBackoff, checkMs, type Backoff } from './backoff.js';
import { JobQueueError } from './errors.js';
import { fieldsOf, storedJob } from './job.js';
import { toJsonText, type JsonValue } from './json.js';
import { queueKeys, type QueueKeys } from './keys.js';
import { isConnectionTrouble, Link } from './link.js';
import { runScript, SCRIPTS } from './scripts.js';
import { Worker, checkWorkOptions, type JobHandler, type WorkOptions } from './worker.js';

/**
 * Options of {@link JobQueue.add}.
 *
 * @example
 * ```ts
 * import type { AddOptions } from '@curio/jobs';
 * const options: AddOptions = { attempts: 5, backoff: 1000, delay: 60_000, jobId: 'invoice:42' };
 * yield* queue.add({ invoice: 42 }, options);
 * ```
 */
export interface AddOptions {
  /** How many times the job is tried before it goes to the dead letters (default 3). */
  attempts?: number;
  /** The wait before each retry (default: exponential from 1000 ms); see {@link Backoff}. */
  backoff?: Backoff;
  /** Run no sooner than this many ms from now (default 0). */
  delay?: number;
  /** The job's id. Adding a job with an id the queue has seen before adds nothing (idempotent). */
  jobId?: string;
}

/**
 * What {@link JobQueue.add} did: the job's id, and whether it was added (false: a job
 * with that `jobId` was added before).
 *
 * @example
 * ```ts
 * const { id, added } = yield* queue.add({ n: 1 }, { jobId: 'once' });
 * if (!added) console.log(`${id} was there already`);
 * ```
 */
export interface JobAdded {
  /** The job's id. */
  readonly id: string;
  /** False when a job with this `jobId` had been added before (nothing was added). */
  readonly added: boolean;
}

/**
 * How many jobs a queue holds, by state. `waiting`: ready, not yet delivered;
 * `pending`: delivered to a worker, not yet acknowledged (running, or its worker died and
 * it waits out the visibility timeout); `delayed`: waiting for a `delay` or a retry's
 * backoff; `dead`: out of attempts.
 *
 * @example
 * ```ts
 * const { waiting, pending, delayed, dead } = yield* queue.counts();
 * ```
 */
export interface JobCounts {
  readonly waiting: number;
  readonly pending: number;
  readonly delayed: number;
  readonly dead: number;
}

/**
 * A job in the dead letters: out of attempts, with the last error its handler threw.
 *
 * @example
 * ```ts
 * for (const dead of yield* queue.deadLetters()) console.log(dead.id, dead.error, new Date(dead.failedAt));
 * ```
 */
export interface DeadJob<T extends JsonValue = JsonValue> {
  readonly id: string;
  readonly data: T;
  /** The attempts it had. */
  readonly attempts: number;
  /** The last error, as `Name: message`. */
  readonly error: string;
  /** When it died, in ms since the epoch (the Redis server's clock). */
  readonly failedAt: number;
}

/**
 * Options of the {@link JobQueue} constructor: how to reach Redis (those of `connect` in
 * `@curio/redis`).
 *
 * @example
 * ```ts
 * import { JobQueue, type JobQueueOptions } from '@curio/jobs';
 * const options: JobQueueOptions = { host: '127.0.0.1', port: 6379, db: 0 };
 * const queue = new JobQueue(options, 'emails');
 * ```
 */
export type JobQueueOptions = ConnectOptions;

/** Queue names: printable, no braces (they are the cluster hash tag) and no spaces. */
const NAME = /^[A-Za-z0-9_.:-]{1,200}$/;

/**
 * A durable job queue on Redis Streams, shared by every process (on any machine) that opens
 * it with the same Redis and name. {@link JobQueue.add} adds jobs (JSON data);
 * {@link JobQueue.work} runs them until it is cancelled. Delivery is at least once: a job is
 * acknowledged only after its handler returns, so a job whose worker died runs again
 * elsewhere (after the visibility timeout). A failing job is retried with backoff up to its
 * attempts, then kept in the dead letters ({@link JobQueue.deadLetters},
 * {@link JobQueue.retryDead}).
 *
 * The queue opens its own connections: one for `add`, `counts` and the dead letters (opened
 * at first use, opened again after Redis went away), and two for each `work` (commands, and
 * the blocking reads). `close()` (or `using`) closes the first one.
 *
 * @example
 * ```ts
 * import { run } from 'curio';
 * import { JobQueue } from '@curio/jobs';
 * await run(function* () {
 *   using queue = new JobQueue({ port: 6379 }, 'emails');
 *   yield* queue.add({ to: 'ann@example.com' }, { attempts: 5 });
 *   yield* queue.work(function* (job) { console.log('send to', job.data); }, { concurrency: 10 });
 * });
 * ```
 */
export class JobQueue<T extends JsonValue = JsonValue> {
  /** The queue's name. */
  readonly name: string;
  /** @internal */
  readonly keys: QueueKeys;
  /** @internal */
  readonly options: ConnectOptions;
  private conn: RedisConnection | null = null;
  private readonly link: Link;

  /** @throws TypeError for a name that is not 1-200 of `A-Z a-z 0-9 _ . : -`. */
  constructor(options: JobQueueOptions, name: string) {
    if (typeof name !== 'string' || !NAME.test(name)) throw new TypeError(`JobQueue(): the name must be 1-200 characters of A-Z a-z 0-9 _ . : -, got ${JSON.stringify(name)}`);
    if (typeof options !== 'object' || options === null) throw new TypeError('JobQueue(): options must be an object (how to connect to Redis)');
    this.name = name;
    this.keys = queueKeys(name);
    this.options = { ...options };
    this.link = new Link(this.options, (c) => ensureGroup(c, this.keys));
  }

  /**
   * Adds one job. `data` must be JSON (see {@link JsonValue}); anything JSON would change
   * is refused here, before anything is sent.
   * @throws TypeError for data that is not JSON, RangeError for a bad option.
   * @throws JobQueueError if Redis cannot be reached.
   *
   * @example
   * ```ts
   * const { id } = yield* queue.add({ to: 'ann' }, { attempts: 5, backoff: 500 });
   * ```
   */
  *add(data: T, options: AddOptions = {}): Operation<JobAdded> {
    const [added] = yield* this.addJobs('add', [{ data, options }]);
    return added;
  }

  /**
   * Adds many jobs in few round trips (one script run per thousand jobs, pipelined). Every
   * job is checked before any is sent.
   *
   * @example
   * ```ts
   * const results = yield* queue.addBulk([{ data: { n: 1 } }, { data: { n: 2 }, options: { delay: 1000 } }]);
   * ```
   */
  *addBulk(jobs: ReadonlyArray<{ data: T; options?: AddOptions }>): Operation<JobAdded[]> {
    if (!Array.isArray(jobs)) throw new TypeError('addBulk(): give an array of { data, options? }');
    return yield* this.addJobs('addBulk', jobs);
  }

  /**
   * Counts the jobs by state (see {@link JobCounts}), in one round trip.
   *
   * @example
   * ```ts
   * const counts = yield* queue.counts();   // { waiting: 3, pending: 1, delayed: 0, dead: 0 }
   * ```
   */
  *counts(): Operation<JobCounts> {
    const k = this.keys;
    const [length, summary, delayed, dead] = yield* this.call('counts', (c) =>
      c.pipeline().command('XLEN', k.stream).command('XPENDING', k.stream, k.group).command('ZCARD', k.delayed).command('ZCARD', k.dead).exec());
    const pending = Array.isArray(summary) ? Number(summary[0]) : 0;
    return { waiting: Math.max(0, Number(length) - pending), pending, delayed: Number(delayed), dead: Number(dead) };
  }

  /**
   * The dead letters, oldest first (at most `limit`, default 100).
   *
   * @example
   * ```ts
   * const dead = yield* queue.deadLetters(10);
   * ```
   */
  *deadLetters(limit = 100): Operation<Array<DeadJob<T>>> {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`deadLetters(): limit must be an integer >= 1, got ${String(limit)}`);
    const k = this.keys;
    return yield* this.call('deadLetters', function* (c) {
      const ids = (yield* c.command('ZRANGE', k.dead, 0, limit - 1)) as string[];
      if (ids.length === 0) return [];
      const p = c.pipeline();
      for (const id of ids) p.command('HGETALL', k.job + id);
      const hashes = yield* p.exec();
      return hashes.map((hash, i) => {
        const fields = fieldsOf(hash);
        const job = storedJob(fields);
        return { id: ids[i], data: parseData(job.data) as T, attempts: job.attempts, error: fields.error ?? '', failedAt: Number(fields.failedAt ?? 0) };
      });
    });
  }

  /**
   * Puts a dead job back in the queue with its attempts starting over. Gives false if there
   * is no dead job with that id.
   *
   * @example
   * ```ts
   * for (const dead of yield* queue.deadLetters()) yield* queue.retryDead(dead.id);
   * ```
   */
  *retryDead(id: string): Operation<boolean> {
    if (typeof id !== 'string') throw new TypeError('retryDead(): the id must be a string');
    const k = this.keys;
    return (yield* this.call('retryDead', (c) => runScript(c, SCRIPTS.retryDead, [k.dead, k.stream], [k.job, id]))) === 1;
  }

  /**
   * Forgets a dead job. Gives false if there is no dead job with that id.
   *
   * @example
   * ```ts
   * yield* queue.removeDead('invoice:42');
   * ```
   */
  *removeDead(id: string): Operation<boolean> {
    if (typeof id !== 'string') throw new TypeError('removeDead(): the id must be a string');
    const k = this.keys;
    return (yield* this.call('removeDead', (c) => runScript(c, SCRIPTS.removeDead, [k.dead], [k.job, id]))) === 1;
  }

  /**
   * Runs jobs with `handler` (a generator function given the {@link Job}) until cancelled:
   * `concurrency` consumer tasks in a TaskGroup, fed by one blocking reader on a connection
   * of its own. A job is acknowledged after its handler returns; a handler that throws fails
   * the attempt (retried after its backoff, or dead after its last attempt); a handler
   * cancelled is not acknowledged (the job runs again elsewhere after `visibilityTimeout`).
   * Long jobs extend their claim while they run. Redis going away while it runs: it
   * reconnects with backoff and goes on.
   *
   * Cancelled (SIGTERM under `main()`, or a timeout around it), it stops fetching, lets the
   * jobs in flight finish and be acknowledged for up to `stopTimeout` ms, cancels what is
   * left (those jobs stay for other workers) and rethrows the cancellation.
   * @throws JobQueueError at once if Redis cannot be reached when it starts.
   *
   * @example
   * ```ts
   * yield* queue.work(function* (job) {
   *   yield* sleep(10);
   *   console.log('done', job.id);
   * }, { concurrency: 50, visibilityTimeout: 30_000 });
   * ```
   */
  *work(handler: JobHandler<T>, options: WorkOptions = {}): Operation<never> {
    if (typeof handler !== 'function') throw new TypeError('work(): the handler must be a generator function (function*) given the job');
    const settings = checkWorkOptions(options);
    const worker = new Worker<T>(this, handler, settings);
    return yield* worker.run();
  }

  /** Closes the connection of `add`, `counts` and the dead letters (idempotent; a running `work` has its own). */
  close(): void {
    this.link.close();
    this.conn = null;
  }

  /** `using queue = new JobQueue(...)` closes it at the end of the block. */
  [Symbol.dispose](): void {
    this.close();
  }

  // ---------------------------------------------------------------- internals

  private *addJobs(method: string, jobs: ReadonlyArray<{ data: T; options?: AddOptions }>): Operation<JobAdded[]> {
    const args: RedisArg[][] = [];
    const ids: string[] = [];
    let chunk: RedisArg[] = [this.keys.job];
    for (let i = 0; i < jobs.length; i++) {
      const { data, options = {} } = jobs[i] ?? ({} as { data: T });
      const where = jobs.length === 1 && method === 'add' ? method : `${method}[${i}]`;
      const id = options.jobId ?? randomUUID();
      chunk.push(...jobArgs(where, data, options, id));
      ids.push(id);
      if (chunk.length > 6000) {
        args.push(chunk);
        chunk = [this.keys.job];
      }
    }
    if (chunk.length > 1) args.push(chunk);
    if (args.length === 0) return [];
    const k = this.keys;
    const replies = yield* this.call(method, function* (c) {
      if (args.length === 1) return [yield* runScript(c, SCRIPTS.add, [k.stream, k.ids, k.delayed], args[0])];
      // Load the script once, then one pipelined EVALSHA per chunk.
      yield* c.command('SCRIPT', 'LOAD', SCRIPTS.add.source);
      const p = c.pipeline();
      for (const a of args) p.command('EVALSHA', SCRIPTS.add.sha, 3, k.stream, k.ids, k.delayed, ...a);
      return yield* p.exec();
    });
    const flags: boolean[] = [];
    for (const reply of replies) {
      if (reply instanceof RedisReplyError) throw reply;
      for (const flag of reply as number[]) flags.push(flag === 1);
    }
    return ids.map((id, i) => ({ id, added: flags[i] ?? false }));
  }

  /**
   * Runs `op` on the queue's connection; Redis unreachable or gone is a {@link JobQueueError}
   * naming where. A connection kept from earlier that turns out dead (the server restarted
   * meanwhile) gets one fresh try.
   */
  private *call<R>(method: string, op: (c: RedisConnection) => Operation<R>): Operation<R> {
    for (let tries = 0; ; tries++) {
      const reused = this.conn !== null && !this.conn.closed;
      try {
        const conn = reused && this.conn !== null ? this.conn : (this.conn = yield* this.link.open());
        return yield* op(conn);
      } catch (error) {
        if (!isConnectionTrouble(error)) throw error;
        this.conn?.close();
        this.conn = null;
        if (reused && tries === 0) continue;
        const where = `${this.options.host ?? '127.0.0.1'}:${this.options.port ?? 6379}`;
        throw new JobQueueError(`${method}(): cannot reach Redis at ${where}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
    }
  }
}

/** The 6 script arguments of one job (see the ADD script), checked. */
function jobArgs(method: string, data: unknown, options: AddOptions, id: string): RedisArg[] {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${method}(): options must be an object`);
  const text = toJsonText(method, data);
  const attempts = options.attempts ?? 3;
  if (!Number.isInteger(attempts) || attempts < 1) throw new RangeError(`${method}(): attempts must be an integer >= 1, got ${String(attempts)}`);
  const backoff = checkBackoff(method, options.backoff);
  const delay = Math.ceil(checkMs(method, 'delay', options.delay ?? 0));
  if (options.jobId !== undefined && (typeof options.jobId !== 'string' || options.jobId === '')) throw new TypeError(`${method}(): jobId must be a non-empty string, got ${String(options.jobId)}`);
  return [id, options.jobId === undefined ? '0' : '1', text, attempts, JSON.stringify(backoff), delay];
}

/** Stored JSON text back to data (text that is not JSON, written by something else, comes back as the text). */
function parseData(text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return text;
  }
}

/** @internal Creates the consumer group (and the stream) if they are missing. */
export function* ensureGroup(conn: RedisCommands, keys: QueueKeys): Operation<void> {
  try {
    yield* conn.command('XGROUP', 'CREATE', keys.stream, keys.group, '0', 'MKSTREAM');
  } catch (error) {
    if (!(error instanceof RedisReplyError) || error.code !== 'BUSYGROUP') throw error;
  }
}
