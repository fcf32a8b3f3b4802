import { spawn, sleep } from '../src/ops.js';
import { CurioError } from '../src/errors.js';
import type { Operation } from '../src/operation.js';
import { Semaphore, BoundedSemaphore } from '../src/sync/index.js';
import { runLeavingNoTask, bystander } from './helpers.js';

describe('Semaphore', () => {
  it('with value 2 admits two workers at once', async () => {
    const results: unknown[] = [];
    await runLeavingNoTask(function* () {
      const sema = new Semaphore(2);
      const worker = function* (label: string, ms: number): Operation<void> {
        results.push(`${label} wait`, sema.locked());
        yield* sema.withLock(function* () {
          results.push(`${label} acquire`, sema.value);
          yield* sleep(ms);
        });
        results.push(`${label} release`);
      };
      const tasks = [yield* spawn(worker, 'work1', 250), yield* spawn(worker, 'work2', 300), yield* spawn(worker, 'work3', 350)];
      for (const t of tasks) yield* t.join();
      expect(sema.value).toBe(2);
    });
    expect(results).toEqual([
      'work1 wait', false, 'work1 acquire', 1,
      'work2 wait', false, 'work2 acquire', 0,
      'work3 wait', true,
      'work1 release', 'work3 acquire', 0,
      'work2 release',
      'work3 release',
    ]);
  });

  it('acquire with a free permit does not yield', async () => {
    const log: string[] = [];
    await runLeavingNoTask(function* () {
      const sema = new Semaphore(3);
      const other = yield* bystander(log);
      for (let i = 0; i < 3; i++) yield* sema.acquire();
      expect(sema.locked()).toBe(true);
      for (let i = 0; i < 3; i++) sema.release();
      log.push('main done');
      yield* other.join();
    });
    expect(log).toEqual(['main done', 'bystander ran']);
  });

  it('release from plain code adds a permit; bad initial values are rejected', () => {
    const sema = new Semaphore(0);
    expect(sema.locked()).toBe(true);
    sema.release();
    sema.release();
    expect(sema.value).toBe(2);
    expect(() => new Semaphore(-1)).toThrow(RangeError);
    expect(() => new Semaphore(1.5)).toThrow(/Semaphore\(\): the initial value must be an integer >= 0, got 1.5/);
    expect(() => new Semaphore(NaN)).toThrow(RangeError);
    expect(() => new Semaphore('2' as unknown as number)).toThrow(RangeError);
  });

});

describe('BoundedSemaphore', () => {
  it('releasing above the initial value throws and leaves the value unchanged', async () => {
    await runLeavingNoTask(function* () {
      const sema = new BoundedSemaphore(1);
      expect(sema.bound).toBe(1);
      let error: unknown = null;
      try {
        sema.release();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(CurioError);
      expect((error as Error).message).toBe('BoundedSemaphore.release(): released too many times (all 1 permits are already free)');
      expect(sema.value).toBe(1);
    });
  });

  it('acquire and release within the bound work, including handing over to waiters', async () => {
    const order: string[] = [];
    await runLeavingNoTask(function* () {
      const sema = new BoundedSemaphore(2);
      yield* sema.acquire();
      yield* sema.acquire();
      const t = yield* spawn(function* () {
        yield* sema.withLock(function* () {
          order.push('waiter');
        });
      });
      yield* sleep(1);
      expect(String(sema)).toBe('BoundedSemaphore(locked, value: 0, waiters: 1)');
      sema.release();
      sema.release();
      yield* t.join();
      expect(sema.value).toBe(2);
      expect(() => sema.release()).toThrow(CurioError);
    });
    expect(order).toEqual(['waiter']);
  });

  it('rejects a bad initial value', () => {
    expect(() => new BoundedSemaphore(-2)).toThrow(/BoundedSemaphore\(\): the initial value must be an integer >= 0/);
  });
});
