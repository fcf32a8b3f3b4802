/** JobQueue without workers: adding (one, bulk, delayed, idempotent), counting, refusing bad input. */
import { awaitPromise } from '@curio/kernel';
import { connect } from '@curio/redis';
import { JobQueue, JobQueueError } from '@curio/jobs';
import { freePort } from '../../../tools/scripts/free-port.cjs';
import { freshName, inKernel, redisPort } from './helpers.js';

describe('JobQueue.add and counts', () => {
  it('counts added jobs as waiting, delayed ones as delayed', () => inKernel(function* () {
    using queue = new JobQueue({ port: redisPort() }, freshName('counts'));
    expect(yield* queue.counts()).toEqual({ waiting: 0, pending: 0, delayed: 0, dead: 0 });
    const first = yield* queue.add({ n: 1 });
    expect(first.added).toBe(true);
    expect(typeof first.id).toBe('string');
    yield* queue.add({ n: 2 });
    yield* queue.add({ n: 3 }, { delay: 60_000 });
    expect(yield* queue.counts()).toEqual({ waiting: 2, pending: 0, delayed: 1, dead: 0 });
  }));

  it('addBulk adds 2500 jobs (several script runs) and gives one result per job, in order', () => inKernel(function* () {
    using queue = new JobQueue({ port: redisPort() }, freshName('bulk'));
    const jobs = Array.from({ length: 2500 }, (_, i) => ({ data: { i }, options: { jobId: `j${i}` } }));
    const results = yield* queue.addBulk(jobs);
    expect(results.map((r) => r.id)).toEqual(jobs.map((j) => j.options.jobId));
    expect(results.every((r) => r.added)).toBe(true);
    expect((yield* queue.counts()).waiting).toBe(2500);
  }));

  it('a jobId seen before adds nothing: add is idempotent, in add and in addBulk', () => inKernel(function* () {
    using queue = new JobQueue({ port: redisPort() }, freshName('idempotent'));
    expect(yield* queue.add({ v: 1 }, { jobId: 'invoice:42' })).toEqual({ id: 'invoice:42', added: true });
    expect(yield* queue.add({ v: 2 }, { jobId: 'invoice:42' })).toEqual({ id: 'invoice:42', added: false });
    const bulk = yield* queue.addBulk([{ data: { v: 3 }, options: { jobId: 'invoice:42' } }, { data: { v: 4 }, options: { jobId: 'invoice:43' } }]);
    expect(bulk.map((r) => r.added)).toEqual([false, true]);
    expect((yield* queue.counts()).waiting).toBe(2);
  }));

  it('refuses data that JSON would change, naming the bad part, and sends nothing', () => inKernel(function* () {
    using queue = new JobQueue({ port: redisPort() }, freshName('json'));
    const bad: Array<[unknown, RegExp]> = [
      [undefined, /data is a undefined/],
      [{ when: new Date(0) }, /data\.when is a Date, not a plain object/],
      [{ n: 10n }, /data\.n is a bigint/],
      [{ f: () => 1 }, /data\.f is a function/],
      [[1, Number.NaN], /data\[1\] is the number NaN/],
      [{ m: new Map() }, /data\.m is a Map/],
    ];
    for (const [data, message] of bad) {
      let error: unknown = null;
      try {
        yield* queue.add(data as never);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toMatch(/^add\(\): job data must be JSON/);
      expect((error as Error).message).toMatch(message);
    }
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    let error: unknown = null;
    try {
      yield* queue.addBulk([{ data: { ok: true } }, { data: cyclic as never }]);
    } catch (e) {
      error = e;
    }
    expect((error as Error).message).toMatch(/^addBulk\[1\]\(\): .*data\.self is a reference back/);
    expect(yield* queue.counts()).toEqual({ waiting: 0, pending: 0, delayed: 0, dead: 0 });
  }));

  it('refuses bad options with errors naming them', () => inKernel(function* () {
    using queue = new JobQueue({ port: redisPort() }, freshName('options'));
    const cases: Array<[object, RegExp]> = [
      [{ attempts: 0 }, /attempts must be an integer >= 1, got 0/],
      [{ delay: -1 }, /delay must be a finite number of ms >= 0, got -1/],
      [{ backoff: { type: 'linear', delay: 1 } }, /backoff.type must be 'fixed' or 'exponential'/],
      [{ jobId: '' }, /jobId must be a non-empty string/],
    ];
    for (const [options, message] of cases) {
      let error: unknown = null;
      try {
        yield* queue.add({ x: 1 }, options);
      } catch (e) {
        error = e;
      }
      expect((error as Error).message).toMatch(message);
    }
    expect(() => new JobQueue({ port: redisPort() }, 'has {braces}')).toThrow(/the name must be/);
  }));

  it('with no Redis at the port, add fails at once with a JobQueueError saying the connection was refused', () => inKernel(function* () {
    const port = yield* awaitPromise(freePort());
    using queue = new JobQueue({ port }, freshName('down'));
    let error: unknown = null;
    try {
      yield* queue.add({ x: 1 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(JobQueueError);
    expect((error as Error).message).toMatch(new RegExp(`add\\(\\): cannot reach Redis at 127.0.0.1:${port}: .*(refused|ECONNREFUSED)`, 'i'));
  }));

  it('stores jobs under keys with the queue name as hash tag', () => inKernel(function* () {
    const name = freshName('keys');
    using queue = new JobQueue({ port: redisPort() }, name);
    yield* queue.add({ x: 1 });
    using conn = yield* connect({ port: redisPort() });
    expect(yield* conn.command('XLEN', `curio:jobs:{${name}}:stream`)).toBe(1);
  }));
});
