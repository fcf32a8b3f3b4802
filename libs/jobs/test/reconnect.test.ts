/**
 * Redis going away while a worker runs: a server of its own (persistent, so it comes back
 * with what it acknowledged) is killed with SIGKILL mid-run and started again on the same
 * port; the worker reconnects with backoff and every job is done.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { awaitPromise, sleep, spawn, type Task } from '@curio/kernel';
import { JobQueue, type Job } from '@curio/jobs';
import { startRedisServer } from '../../../tools/scripts/redis-server.cjs';
import { freshName, inKernel, until } from './helpers.js';

type Data = { n: number };

describe('a worker while Redis goes away', () => {
  it('Redis killed and restarted mid-run: the worker reconnects and every job is done, none lost', () => inKernel(function* () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'curio-jobs-restart-'));
    let server = yield* awaitPromise(startRedisServer({ dir, persist: true }));
    let worker: Task | null = null;
    try {
      using queue = new JobQueue<Data>({ port: server.port }, freshName('restart'));
      const total = 400;
      yield* queue.addBulk(Array.from({ length: total }, (_, n) => ({ data: { n } })));
      const runs = new Map<number, number>();
      let inFlight = 0;
      let inFlightAtKill = -1;
      const task = yield* spawn(queue.work(function* (job: Job<Data>) {
        inFlight++;
        try {
          yield* sleep(2);
          runs.set(job.data.n, (runs.get(job.data.n) ?? 0) + 1);
        } finally {
          inFlight--;
        }
      }, { concurrency: 4, visibilityTimeout: 500 }));
      worker = task;
      yield* until(function* () { return runs.size >= 100; });
      inFlightAtKill = inFlight;
      yield* awaitPromise(server.kill());
      const doneWhileDown = runs.size;
      yield* sleep(300);
      // Down: the jobs running (and the few fetched for free consumers) finished; nothing new was fetched.
      expect(runs.size).toBeLessThanOrEqual(doneWhileDown + inFlightAtKill + 4);
      server = yield* awaitPromise(startRedisServer({ port: server.port, dir, persist: true }));
      yield* until(function* () { return runs.size === total; });
      yield* until(function* () { const c = yield* queue.counts(); return c.pending === 0 && c.waiting === 0; });
      yield* task.cancel();
      const duplicates = [...runs.values()].filter((r) => r > 1).length;
      // Only a job whose acknowledgement was on its way when the server died can run twice.
      expect(duplicates).toBeLessThanOrEqual(inFlightAtKill + 4);
      expect(yield* queue.counts()).toEqual({ waiting: 0, pending: 0, delayed: 0, dead: 0 });
    } finally {
      if (worker !== null) yield* worker.cancel();
      yield* awaitPromise(server.stop());
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }));
});
