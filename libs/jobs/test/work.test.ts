/**
 * JobQueue.work against a real redis-server: at-least-once delivery, acknowledgement only
 * after the handler returns, retries then dead letters, reclaiming a dead worker's jobs,
 * claim extension, the graceful stop, and cancellation while blocked in XREADGROUP.
 */
import { CancelledError, Event, TaskCancelled, sleep, spawn } from '@curio/kernel';
import { connect } from '@curio/redis';
import { JobQueue, type Job, type JsonValue } from '@curio/jobs';
import { admin, connectedClients, freshName, inKernel, redisPort, until } from './helpers.js';

type Data = { n: number };

describe('JobQueue.work', () => {
  it('runs every job once and acknowledges each only after its handler returns', () => inKernel(function* () {
    using queue = new JobQueue<Data>({ port: redisPort() }, freshName('deliver'));
    yield* queue.addBulk(Array.from({ length: 200 }, (_, n) => ({ data: { n } })));
    const runs = new Map<number, number>();
    const gate = new Event();
    let pendingSeenInHandler = -1;
    const worker = yield* spawn(queue.work(function* (job: Job<Data>) {
      if (job.data.n === 0) {
        // While this handler runs, its job is delivered and not acknowledged.
        pendingSeenInHandler = (yield* queue.counts()).pending;
        yield* gate.wait();
      }
      runs.set(job.data.n, (runs.get(job.data.n) ?? 0) + 1);
    }, { concurrency: 8 }));
    yield* until(function* () { return runs.size === 199; });
    expect(pendingSeenInHandler).toBeGreaterThanOrEqual(1);
    yield* until(function* () { return (yield* queue.counts()).pending === 1; });
    expect(yield* queue.counts()).toEqual({ waiting: 0, pending: 1, delayed: 0, dead: 0 });
    gate.set();
    yield* until(function* () { return (yield* queue.counts()).pending === 0; });
    yield* worker.cancel();
    expect(worker.exception).toBeInstanceOf(TaskCancelled);
    expect(runs.size).toBe(200);
    expect([...runs.values()].every((r) => r === 1)).toBe(true);
    expect(yield* queue.counts()).toEqual({ waiting: 0, pending: 0, delayed: 0, dead: 0 });
  }));

  it('retries a failing job with backoff, then puts it in the dead letters with its last error; exact counts', () => inKernel(function* () {
    using queue = new JobQueue<Data>({ port: redisPort() }, freshName('retry'));
    // 5 jobs: job n fails its first n attempts; each has 3 attempts. So jobs 0-2 succeed
    // (after 0, 1, 2 failures) and jobs 3-4 die after 3 attempts each.
    yield* queue.addBulk(Array.from({ length: 5 }, (_, n) => ({ data: { n }, options: { attempts: 3, backoff: { type: 'fixed' as const, delay: 40 } } })));
    const attempts = new Map<number, number[]>();
    const times = new Map<number, number[]>();
    const done = new Set<number>();
    const worker = yield* spawn(queue.work(function* (job: Job<Data>) {
      attempts.set(job.data.n, [...(attempts.get(job.data.n) ?? []), job.attempt]);
      times.set(job.data.n, [...(times.get(job.data.n) ?? []), Date.now()]);
      if (job.attempt <= job.data.n) throw new Error(`job ${job.data.n} fails attempt ${job.attempt}`);
      done.add(job.data.n);
    }, { concurrency: 4, delayedPoll: 10 }));
    yield* until(function* () { return (yield* queue.counts()).dead === 2 && done.size === 3; });
    yield* worker.cancel();
    expect(Object.fromEntries(attempts)).toEqual({ 0: [1], 1: [1, 2], 2: [1, 2, 3], 3: [1, 2, 3], 4: [1, 2, 3] });
    // The backoff: 40 ms with a jitter between half and all of it.
    for (const list of times.values()) for (let i = 1; i < list.length; i++) expect(list[i] - list[i - 1]).toBeGreaterThanOrEqual(19);
    expect(yield* queue.counts()).toEqual({ waiting: 0, pending: 0, delayed: 0, dead: 2 });
    const dead = yield* queue.deadLetters();
    expect(dead.map((d) => [d.data, d.attempts, d.error]).sort()).toEqual([
      [{ n: 3 }, 3, 'Error: job 3 fails attempt 3'],
      [{ n: 4 }, 3, 'Error: job 4 fails attempt 3'],
    ]);
    // A retried dead job starts its attempts over.
    expect(yield* queue.retryDead(dead[0].id)).toBe(true);
    expect(yield* queue.retryDead(dead[0].id)).toBe(false);
    expect(yield* queue.counts()).toEqual({ waiting: 1, pending: 0, delayed: 0, dead: 1 });
    const seen: number[] = [];
    const again = yield* spawn(queue.work(function* (job: Job<Data>) {
      seen.push(job.attempt);
    }));
    yield* until(function* () { return seen.length === 1 && (yield* queue.counts()).pending === 0; });
    yield* again.cancel();
    expect(seen).toEqual([1]);
    expect(yield* queue.removeDead(dead[1].id)).toBe(true);
    expect(yield* queue.counts()).toEqual({ waiting: 0, pending: 0, delayed: 0, dead: 0 });
  }));

  it('a delayed job runs no sooner than its delay', () => inKernel(function* () {
    using queue = new JobQueue<Data>({ port: redisPort() }, freshName('delay'));
    const added = Date.now();
    yield* queue.add({ n: 1 }, { delay: 150 });
    let ranAt = 0;
    const worker = yield* spawn(queue.work(function* () {
      ranAt = Date.now();
    }, { delayedPoll: 20 }));
    yield* until(function* () { return ranAt > 0; });
    yield* worker.cancel();
    expect(ranAt - added).toBeGreaterThanOrEqual(140);
  }));

  it('a job whose worker died (delivered, never acknowledged) is claimed by another worker after visibilityTimeout', () => inKernel(function* () {
    const name = freshName('reclaim');
    using queue = new JobQueue<Data>({ port: redisPort() }, name);
    yield* queue.add({ n: 7 });
    // A "worker" that takes the job and dies: read it in the group, never acknowledge.
    using conn = yield* connect({ port: redisPort() });
    const stream = `curio:jobs:{${name}}:stream`;
    const taken = yield* conn.command('XREADGROUP', 'GROUP', 'workers', 'dead-worker', 'COUNT', 1, 'STREAMS', stream, '>');
    expect(Array.isArray(taken)).toBe(true);
    const takenAt = Date.now();
    expect(yield* queue.counts()).toEqual({ waiting: 0, pending: 1, delayed: 0, dead: 0 });
    let ranAt = 0;
    const worker = yield* spawn(queue.work(function* (job: Job<Data>) {
      expect(job.data).toEqual({ n: 7 });
      ranAt = Date.now();
    }, { visibilityTimeout: 300 }));
    yield* until(function* () { return ranAt > 0 && (yield* queue.counts()).pending === 0; });
    yield* worker.cancel();
    expect(ranAt - takenAt).toBeGreaterThanOrEqual(290);
    expect(yield* queue.counts()).toEqual({ waiting: 0, pending: 0, delayed: 0, dead: 0 });
  }));

  it('a long job extends its claim: with a second worker watching, a job 4x the visibilityTimeout runs once', () => inKernel(function* () {
    using queue = new JobQueue<Data>({ port: redisPort() }, freshName('extend'));
    yield* queue.add({ n: 1 });
    let runs = 0;
    let finished = false;
    const handler = function* () {
      runs++;
      yield* sleep(600);
      finished = true;
    };
    const first = yield* spawn(queue.work(handler, { visibilityTimeout: 150 }));
    yield* until(function* () { return runs === 1; });
    const second = yield* spawn(queue.work(handler, { visibilityTimeout: 150 }));
    yield* until(function* () { return finished && (yield* queue.counts()).pending === 0; });
    yield* sleep(300);
    yield* first.cancel();
    yield* second.cancel();
    expect(runs).toBe(1);
  }));

  it('a handler that is cancelled (stop deadline passed) does not acknowledge: its job runs again elsewhere', () => inKernel(function* () {
    using queue = new JobQueue<Data>({ port: redisPort() }, freshName('cancelled-handler'));
    yield* queue.add({ n: 1 });
    const started = new Event();
    let handlerSaw: unknown = null;
    const stuck = yield* spawn(queue.work(function* () {
      started.set();
      try {
        yield* sleep(60_000);
      } catch (e) {
        handlerSaw = e;
        throw e;
      }
    }, { stopTimeout: 50, visibilityTimeout: 200 }));
    yield* started.wait();
    yield* stuck.cancel();
    expect(handlerSaw).toBeInstanceOf(CancelledError);
    expect(yield* queue.counts()).toEqual({ waiting: 0, pending: 1, delayed: 0, dead: 0 });
    let ranAgain = 0;
    const other = yield* spawn(queue.work(function* (job: Job<JsonValue>) {
      expect(job.attempt).toBe(1);
      ranAgain++;
    }, { visibilityTimeout: 200 }));
    yield* until(function* () { return ranAgain === 1 && (yield* queue.counts()).pending === 0; });
    yield* other.cancel();
    expect(ranAgain).toBe(1);
  }));

  it('graceful stop: cancelled mid-run, jobs in flight finish and are acknowledged, the rest stay waiting; a second worker runs those, nothing twice', () => inKernel(function* () {
    using queue = new JobQueue<Data>({ port: redisPort() }, freshName('graceful'));
    const total = 300;
    yield* queue.addBulk(Array.from({ length: total }, (_, n) => ({ data: { n } })));
    const runs = new Map<number, number>();
    let inFlight = 0;
    let inFlightAtCancel = -1;
    const handler = function* (job: Job<Data>) {
      inFlight++;
      try {
        yield* sleep(10 + (job.data.n % 7) * 3);
        runs.set(job.data.n, (runs.get(job.data.n) ?? 0) + 1);
      } finally {
        inFlight--;
      }
    };
    const first = yield* spawn(queue.work(handler, { concurrency: 10 }));
    yield* until(function* () { return runs.size >= 50 && inFlight > 0; });
    inFlightAtCancel = inFlight;
    const doneBefore = runs.size;
    yield* first.cancel();
    expect(first.exception).toBeInstanceOf(TaskCancelled);
    expect(inFlightAtCancel).toBeGreaterThan(0);
    // The jobs in flight finished (none was cut off) and every finished job was acknowledged.
    expect(runs.size).toBe(doneBefore + inFlightAtCancel);
    expect(yield* queue.counts()).toEqual({ waiting: total - runs.size, pending: 0, delayed: 0, dead: 0 });
    const second = yield* spawn(queue.work(handler, { concurrency: 10 }));
    yield* until(function* () { return runs.size === total && (yield* queue.counts()).pending === 0; });
    yield* second.cancel();
    expect([...runs.values()].filter((r) => r !== 1)).toEqual([]);
  }));

  it('cancelled while blocked in XREADGROUP, a worker leaves no task and no connection behind (counted), and the queue works on', () => inKernel(function* (kernel) {
    using queue = new JobQueue<Data>({ port: redisPort() }, freshName('blocked'));
    yield* queue.counts();
    using watch = yield* admin();
    const clientsBefore = yield* connectedClients(watch);
    const tasksBefore = kernel.tasks.size;
    for (let round = 0; round < 20; round++) {
      const worker = yield* spawn(queue.work(function* () { /* no jobs come */ }, { concurrency: 3 }));
      // Wait until its reader is blocked on the server.
      yield* until(function* () {
        const list = (yield* watch.command('CLIENT', 'LIST')) as string;
        return /cmd=xreadgroup/.test(list);
      });
      expect(yield* connectedClients(watch)).toBe(clientsBefore + 2);
      yield* worker.cancel();
      expect(worker.exception).toBeInstanceOf(TaskCancelled);
      expect(kernel.tasks.size).toBe(tasksBefore);
      yield* until(function* () { return (yield* connectedClients(watch)) === clientsBefore; });
    }
    // Nothing was popped for the cancelled readers: a job added now is delivered and runs.
    yield* queue.add({ n: 5 });
    let ran = 0;
    const worker = yield* spawn(queue.work(function* () { ran++; }));
    yield* until(function* () { return ran === 1 && (yield* queue.counts()).pending === 0; });
    yield* worker.cancel();
    expect(kernel.tasks.size).toBe(tasksBefore);
  }));

  it('refuses bad work options, naming them', () => inKernel(function* () {
    using queue = new JobQueue({ port: redisPort() }, freshName('work-options'));
    for (const [options, message] of [[{ concurrency: 0 }, /concurrency must be an integer/], [{ visibilityTimeout: -5 }, /visibilityTimeout must be a finite number of ms >= 30/]] as const) {
      let error: unknown = null;
      try {
        yield* queue.work(function* () { /* never runs */ }, options);
      } catch (e) {
        error = e;
      }
      expect((error as Error).message).toMatch(message);
    }
  }));
});
