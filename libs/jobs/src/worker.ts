/**
 * {@link Worker}: what {@link JobQueue.work} runs. Its tasks:
 * - the reader: takes the free consumer slots, claims jobs whose worker died
 *   (XAUTOCLAIM, every `visibilityTimeout / 2`), then reads new ones with XREADGROUP
 *   BLOCK on a connection of its own, and hands them to the consumers;
 * - `concurrency` consumers (a TaskGroup): run the handler, then queue the
 *   acknowledgement or file the failure (retry after backoff, or dead);
 * - the acker: sends acknowledgements in batches;
 * - the heartbeat: every `visibilityTimeout / 3`, XCLAIM JUSTID on the jobs in flight
 *   resets their idle time, so a long job is not claimed by another worker;
 * - the scheduler: moves due delayed jobs (retries, `delay`) to the stream; every worker
 *   does it, the script is atomic, so it happens while any worker is alive.
 *
 * Stopping (the work task cancelled): the reader is cancelled first (a blocked XREADGROUP
 * closes its socket: nothing is left half-read), the consumers finish what they hold (for up
 * to `stopTimeout`), the acker sends what is left (up to `stopTimeout` again), deliveries
 * never started are given back to the stream, then the rest is cancelled and the
 * connections closed. A job whose handler was cut off at the deadline stays pending: it
 * may have done part of its work, and runs again elsewhere after the visibility timeout.
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import {
  CancelledError, Event, Queue, TaskGroup, TaskTimeout, clock, ignoreAfter, sleep, type Operation, type Task,
} from '@curio/kernel';
import type { RedisValue } from '@curio/redis';
import { Acker } from './acker.js';
import { backoffDelay } from './backoff.js';
import { backoffOf, deliveriesOf, type Delivery, type Job } from './job.js';
import type { JsonValue } from './json.js';
import type { QueueKeys } from './keys.js';
import { Link } from './link.js';
import { runScript, SCRIPTS } from './scripts.js';
import { Slots } from './slots.js';
import { JobQueueError } from './errors.js';
import { ensureGroup, type JobQueue } from './queue.js';

/**
 * A job's handler: a generator function given the {@link Job}. Returning acknowledges the
 * job; throwing fails this attempt.
 *
 * @example
 * ```ts
 * import type { JobHandler } from '@curio/jobs';
 * const handler: JobHandler<{ to: string }> = function* (job) { yield* sendMail(job.data.to); };
 * ```
 */
export type JobHandler<T extends JsonValue = JsonValue> = (job: Job<T>) => Operation<unknown>;

/**
 * Options of {@link JobQueue.work}.
 *
 * @example
 * ```ts
 * import type { WorkOptions } from '@curio/jobs';
 * const options: WorkOptions = { concurrency: 50, visibilityTimeout: 30_000, stopTimeout: 10_000 };
 * yield* queue.work(handler, options);
 * ```
 */
export interface WorkOptions {
  /** How many jobs run at once in this worker (default 1). */
  concurrency?: number;
  /**
   * How long (ms) a delivered job may go without its worker's heartbeat before another
   * worker claims it (default 30 000). The heartbeat comes every third of it while the job
   * runs, so only a worker that died (or stopped the event loop that long) loses its jobs.
   */
  visibilityTimeout?: number;
  /** On stop, how long (ms) the jobs in flight get to finish (default 10 000); then they are cancelled. */
  stopTimeout?: number;
  /** The longest (ms) the scheduler waits between looks at the delayed jobs (default 200). */
  delayedPoll?: number;
}

/** @internal */
export interface WorkSettings {
  concurrency: number;
  visibilityTimeout: number;
  stopTimeout: number;
  delayedPoll: number;
}

/** @internal */
export function checkWorkOptions(options: WorkOptions): WorkSettings {
  if (typeof options !== 'object' || options === null) throw new TypeError('work(): options must be an object');
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 100_000) throw new RangeError(`work(): concurrency must be an integer from 1 to 100000, got ${String(concurrency)}`);
  const ms = (name: keyof WorkOptions, fallback: number, min: number): number => {
    const value = options[name] ?? fallback;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min) throw new RangeError(`work(): ${name} must be a finite number of ms >= ${min}, got ${String(value)}`);
    return value;
  };
  return { concurrency, visibilityTimeout: ms('visibilityTimeout', 30_000, 30), stopTimeout: ms('stopTimeout', 10_000, 0), delayedPoll: ms('delayedPoll', 200, 1) };
}

/** @internal One running {@link JobQueue.work}. */
export class Worker<T extends JsonValue> {
  /** This worker's consumer name in the group: host, pid and a random part. */
  readonly consumer = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private readonly keys: QueueKeys;
  private readonly commands: Link;
  private readonly reader: Link;
  private readonly acker: Acker;
  private readonly slots: Slots;
  private readonly handoff = new Queue<Delivery | null>();
  /** The deliveries the consumers are running now (entry id → delivery). */
  private readonly inFlight = new Map<string, Delivery>();
  /**
   * Deliveries handed to a handler whose outcome is not yet on the server (running,
   * cancelled, or finished with the acknowledgement still to send). On stop, every other
   * delivery this consumer holds was never started, and is given back.
   */
  private readonly started = new Set<string>();
  private readonly failed = new Event();
  private failure: unknown = null;

  constructor(queue: JobQueue<T>, private readonly handler: JobHandler<T>, private readonly settings: WorkSettings) {
    this.keys = queue.keys;
    const prepare = (c: Parameters<typeof ensureGroup>[0]): Operation<void> => ensureGroup(c, this.keys);
    this.commands = new Link(queue.options, prepare);
    this.reader = new Link(queue.options, prepare);
    this.acker = new Acker(this.commands, this.keys, (ids) => {
      for (const id of ids) this.started.delete(id);
    });
    this.slots = new Slots(settings.concurrency);
  }

  *run(): Operation<never> {
    try {
      yield* this.commands.open();
      yield* this.reader.open();
    } catch (error) {
      this.close();
      if (error instanceof CancelledError) throw error;
      throw new JobQueueError(`work(): cannot reach Redis: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    const consumers = new TaskGroup({ wait: 'all' });
    const services = new TaskGroup({ wait: 'none' });
    let readerTask: Task | null = null;
    let ackerTask: Task | null = null;
    try {
      for (let i = 0; i < this.settings.concurrency; i++) yield* consumers.spawn(this.guarded(() => this.consume()));
      ackerTask = yield* services.spawn(this.guarded(() => this.acker.run()));
      yield* services.spawn(this.guarded(() => this.heartbeat()));
      yield* services.spawn(this.guarded(() => this.schedule()));
      readerTask = yield* services.spawn(this.guarded(() => this.read()));
      yield* this.failed.wait();
      throw this.failure;
    } catch (error) {
      if (error instanceof CancelledError && readerTask !== null && ackerTask !== null) yield* this.stop(readerTask, consumers, ackerTask);
      throw error;
    } finally {
      yield* consumers.cancelRemaining();
      yield* services.cancelRemaining();
      this.close();
    }
  }

  /** The graceful stop: no more fetching; what is in flight finishes and is acknowledged, within the deadlines. */
  private *stop(readerTask: Task, consumers: TaskGroup, ackerTask: Task): Operation<void> {
    yield* readerTask.cancel();
    // Deliveries not yet picked up stay with us (given back below): the consumers end after their job.
    while (!this.handoff.empty()) yield* this.handoff.get();
    for (let i = 0; i < this.settings.concurrency; i++) yield* this.handoff.put(null);
    yield* ignoreAfter(this.settings.stopTimeout, consumers.join());
    this.acker.finish();
    yield* ignoreAfter(this.settings.stopTimeout, ackerTask.wait());
    yield* ignoreAfter(this.settings.stopTimeout, this.giveBack());
  }

  /**
   * Gives back what this consumer was delivered and never started: jobs fetched but not
   * picked up, and a read whose reply was cut off by the stop (the server delivered it,
   * the cancelled reader never saw it). Other workers get them at once.
   */
  private *giveBack(): Operation<void> {
    const { stream, group } = this.keys;
    const mine = yield* this.commands.use((c) => c.command('XPENDING', stream, group, '-', '+', 10_000, this.consumer));
    const ids = (Array.isArray(mine) ? mine : []).map((row) => (Array.isArray(row) ? String(row[0]) : '')).filter((id) => id !== '' && !this.started.has(id));
    if (ids.length > 0) yield* this.commands.use((c) => runScript(c, SCRIPTS.requeue, [stream], [group, ...ids]));
  }

  private close(): void {
    this.commands.close();
    this.reader.close();
  }

  /** A task body that reports a failure (anything but a cancellation) to {@link Worker.run}, which then fails with it. */
  private guarded(body: () => Operation<void>): () => Operation<void> {
    const report = (error: unknown): void => {
      if (this.failure === null) this.failure = error;
      this.failed.set();
    };
    return function* () {
      try {
        yield* body();
      } catch (error) {
        if (!(error instanceof CancelledError)) report(error);
        throw error;
      }
    };
  }

  // ---------------------------------------------------------------- the tasks

  private *read(): Operation<void> {
    const { stream, group } = this.keys;
    const consumer = this.consumer;
    const claimEvery = Math.max(15, this.settings.visibilityTimeout / 2);
    const block = Math.max(10, Math.min(claimEvery, 1000));
    let nextClaim = 0;
    let cursor = '0-0';
    for (;;) {
      const n = yield* this.slots.takeAll();
      let got: Delivery[] = [];
      try {
        if ((yield* clock()) >= nextClaim) {
          const minIdle = Math.round(this.settings.visibilityTimeout);
          const reply = yield* this.commands.use((c) => c.command('XAUTOCLAIM', stream, group, consumer, minIdle, cursor, 'COUNT', n));
          cursor = Array.isArray(reply) ? String(reply[0]) : '0-0';
          got = Array.isArray(reply) ? deliveriesOf(reply[1] ?? null) : [];
          if (cursor === '0-0') nextClaim = (yield* clock()) + claimEvery;
        }
        if (got.length < n) {
          const count = n - got.length;
          const args = got.length > 0 ? ['COUNT', count] : ['COUNT', count, 'BLOCK', block];
          const reply = yield* this.reader.use((c) => c.command('XREADGROUP', 'GROUP', group, consumer, ...args, 'STREAMS', stream, '>'));
          got = got.concat(entriesOfRead(reply));
        }
      } finally {
        this.slots.give(n - got.length);
      }
      for (const delivery of got) yield* this.handoff.put(delivery);
    }
  }

  private *consume(): Operation<void> {
    for (;;) {
      const delivery = yield* this.handoff.get();
      if (delivery === null) return;
      this.inFlight.set(delivery.entryId, delivery);
      this.started.add(delivery.entryId);
      try {
        yield* this.runOne(delivery);
      } finally {
        this.inFlight.delete(delivery.entryId);
        this.slots.give(1);
      }
    }
  }

  /** Runs one job: acknowledged if the handler returns, filed as failed if it throws, left alone if it is cancelled. */
  private *runOne(delivery: Delivery): Operation<void> {
    const stored = delivery.job;
    let failure: unknown = null;
    try {
      const data = JSON.parse(stored.data) as T;
      yield* this.handler({ id: stored.id, data, attempt: stored.made + 1, attempts: stored.attempts });
    } catch (error) {
      // A TaskTimeout is the handler's own timeoutAfter running out: a failure like any other.
      if (error instanceof CancelledError && !(error instanceof TaskTimeout)) throw error;
      failure = error;
    }
    if (failure === null) {
      this.acker.push(delivery.entryId);
      return;
    }
    const made = stored.made + 1;
    const retryIn = made < stored.attempts ? backoffDelay(backoffOf(stored), made) : -1;
    const k = this.keys;
    const args = [k.group, k.job, delivery.entryId, stored.id, stored.data, stored.attempts, made, stored.backoff, describeError(failure), retryIn];
    yield* this.commands.use((c) => runScript(c, SCRIPTS.fail, [k.stream, k.delayed, k.dead], args));
    this.started.delete(delivery.entryId);
  }

  private *heartbeat(): Operation<void> {
    const { stream, group } = this.keys;
    const every = this.settings.visibilityTimeout / 3;
    for (;;) {
      yield* sleep(every);
      const ids = [...this.inFlight.keys()];
      if (ids.length === 0) continue;
      yield* this.commands.use((c) => c.command('XCLAIM', stream, group, this.consumer, 0, ...ids, 'JUSTID'));
    }
  }

  private *schedule(): Operation<void> {
    const k = this.keys;
    const most = 500;
    for (;;) {
      const reply = yield* this.commands.use((c) => runScript(c, SCRIPTS.promote, [k.delayed, k.stream], [k.job, most]));
      const [moved, wait] = Array.isArray(reply) ? reply.map(Number) : [0, -1];
      if (moved >= most) continue;
      yield* sleep(wait < 0 ? this.settings.delayedPoll : Math.min(wait, this.settings.delayedPoll));
    }
  }
}

/** The entries of an XREADGROUP reply (`[[stream, entries]]`, or nil when BLOCK ran out). */
function entriesOfRead(reply: RedisValue): Delivery[] {
  if (!Array.isArray(reply) || reply.length === 0) return [];
  const first = reply[0];
  return Array.isArray(first) ? deliveriesOf(first[1] ?? null) : [];
}

/** `Name: message` of a handler's failure, for the dead letters. */
function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
