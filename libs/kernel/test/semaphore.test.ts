import { spawn, sleep } from '../src/ops.js';
import { timeoutAfter } from '../src/timeout.js';
import { CancelledError, CurioError, TaskCancelled, TaskTimeout } from '../src/errors.js';
import type { Operation } from '../src/traps.js';
import { Semaphore, BoundedSemaphore } from '../src/sync/index.js';
import { runLeavingNoTask, bystander } from './helpers.js';

describe('Semaphore', () => {
  it('with value 1 admits one worker at a time, in arrival order', async () => {
    const results: unknown[] = [];
    await runLeavingNoTask(function* () {
      const sema = new Semaphore();
      const worker = function* (label: string): Operation<void> {
        results.push(`${label} wait`, sema.locked());
        yield* sema.withLock(function* () {
          results.push(`${label} acquire`);
          yield* sleep(250);
        });
        results.push(`${label} release`);
      };
      const tasks = [yield* spawn(worker, 'work1'), yield* spawn(worker, 'work2'), yield* spawn(worker, 'work3')];
      for (const t of tasks) yield* t.join();
      expect(sema.value).toBe(1);
    });
    expect(results).toEqual([
      'work1 wait', false, 'work1 acquire',
      'work2 wait', true,
      'work3 wait', true,
      'work1 release', 'work2 acquire',
      'work2 release', 'work3 acquire',
      'work3 release',
    ]);
  });

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

  it('release hands the permit to the oldest waiter; a newcomer waits behind it', async () => {
    const order: string[] = [];
    await runLeavingNoTask(function* () {
      const sema = new Semaphore(1);
      yield* sema.acquire();
      const waiter = (name: string) =>
        function* () {
          yield* sema.acquire();
          order.push(name);
          sema.release();
        };
      const w1 = yield* spawn(waiter('w1'));
      const w2 = yield* spawn(waiter('w2'));
      yield* sleep(1);
      expect(w1.state).toBe('SEMA_ACQUIRE');
      expect(String(sema)).toBe('Semaphore(locked, value: 0, waiters: 2)');
      sema.release();
      expect(sema.value).toBe(0);
      yield* sema.acquire();
      order.push('main');
      sema.release();
      yield* w1.join();
      yield* w2.join();
      expect(sema.value).toBe(1);
    });
    expect(order).toEqual(['w1', 'w2', 'main']);
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

  it('a cancelled acquire takes no permit', async () => {
    const results: string[] = [];
    await runLeavingNoTask(function* () {
      const sema = new Semaphore();
      yield* sema.withLock(function* () {
        const t = yield* spawn(function* () {
          results.push('lock_wait');
          try {
            yield* sema.withLock(function* () {
              results.push('never here');
            });
          } catch (e) {
            if (e instanceof CancelledError) results.push('lock_cancel');
            throw e;
          }
        });
        results.push('sleep');
        yield* sleep(1000);
        results.push('cancel_start');
        yield* t.cancel();
        results.push('cancel_done');
      });
      expect(String(sema)).toBe('Semaphore(unlocked, value: 1, waiters: 0)');
    });
    expect(results).toEqual(['sleep', 'lock_wait', 'cancel_start', 'lock_cancel', 'cancel_done']);
  });

  it('a timed-out acquire takes no permit', async () => {
    const results: string[] = [];
    await runLeavingNoTask(function* () {
      const sema = new Semaphore();
      yield* sema.withLock(function* () {
        const t = yield* spawn(function* () {
          results.push('lock_wait');
          try {
            yield* timeoutAfter(500, sema.acquire());
            results.push('never here');
            sema.release();
          } catch (e) {
            if (!(e instanceof TaskTimeout)) throw e;
            results.push('lock_timeout');
          }
        });
        results.push('sleep');
        yield* sleep(1000);
        results.push('sleep_done');
        yield* t.join();
      });
      expect(sema.value).toBe(1);
    });
    expect(results).toEqual(['sleep', 'lock_wait', 'lock_timeout', 'sleep_done']);
  });

  it('a waiter handed a permit and cancelled before it runs still gets it and gives it back', async () => {
    const results: string[] = [];
    await runLeavingNoTask(function* () {
      const sema = new Semaphore(1);
      yield* sema.acquire();
      const t = yield* spawn(function* () {
        yield* sema.withLock(function* () {
          results.push(`acquired, value ${sema.value}`);
          yield* sleep(10);
        });
      });
      yield* sleep(1);
      sema.release();
      yield* t.cancel({ blocking: false });
      yield* t.wait();
      expect(t.exception).toBeInstanceOf(TaskCancelled);
      expect(sema.value).toBe(1);
    });
    expect(results).toEqual(['acquired, value 0']);
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

  it('acquire outside any task throws a clear CurioError', () => {
    expect(() => new Semaphore().acquire().next()).toThrow(/Semaphore\.acquire\(\) was called outside any task/);
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
