import { Kernel } from '../src/kernel.js';
import { VirtualClock } from '../src/clock.js';
import { spawn, sleep } from '../src/ops.js';
import { timeoutAfter } from '../src/timeout.js';
import { CancelledError, CurioError, TaskCancelled, TaskTimeout } from '../src/errors.js';
import type { Operation } from '../src/traps.js';
import { Lock, RLock, Semaphore, BoundedSemaphore, Condition, type Lockable } from '../src/sync/index.js';
import { runLeavingNoTask, bystander } from './helpers.js';

describe('Lock', () => {
  it('serializes workers in arrival order (withLock)', async () => {
    const results: unknown[] = [];
    await runLeavingNoTask(function* () {
      const lck = new Lock();
      const worker = function* (label: string): Operation<void> {
        results.push(`${label} wait`, lck.locked());
        yield* lck.withLock(function* () {
          results.push(`${label} acquire`);
          yield* sleep(250);
        });
        results.push(`${label} release`);
      };
      const tasks = [yield* spawn(worker, 'work1'), yield* spawn(worker, 'work2'), yield* spawn(worker, 'work3')];
      for (const t of tasks) yield* t.join();
      expect(lck.locked()).toBe(false);
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

  it('release hands the lock to the oldest waiter; a newcomer cannot barge ahead of waiters', async () => {
    const order: string[] = [];
    await runLeavingNoTask(function* () {
      const lck = new Lock();
      yield* lck.acquire();
      const waiter = (name: string) =>
        function* () {
          yield* lck.acquire();
          order.push(name);
          lck.release();
        };
      const w1 = yield* spawn(waiter('w1'));
      const w2 = yield* spawn(waiter('w2'));
      yield* sleep(1);
      expect(w1.state).toBe('LOCK_ACQUIRE');
      expect(String(lck)).toBe('Lock(locked, waiters: 2)');
      lck.release();
      // Handed over to w1 (not yet running): still locked, and we queue behind w2.
      expect(lck.locked()).toBe(true);
      expect(String(lck)).toBe('Lock(locked, waiters: 1)');
      yield* lck.acquire();
      order.push('main');
      lck.release();
      yield* w1.join();
      yield* w2.join();
    });
    expect(order).toEqual(['w1', 'w2', 'main']);
  });

  it('uncontended acquire and release do not yield', async () => {
    const log: string[] = [];
    await runLeavingNoTask(function* () {
      const lck = new Lock();
      const other = yield* bystander(log);
      for (let i = 0; i < 100; i++) {
        yield* lck.acquire();
        lck.release();
      }
      log.push('main done');
      yield* other.join();
    });
    expect(log).toEqual(['main done', 'bystander ran']);
  });

  it('a cancelled acquire raises CancelledError and leaves no lock held and no waiter behind', async () => {
    const results: string[] = [];
    await runLeavingNoTask(function* () {
      const lck = new Lock();
      yield* lck.withLock(function* () {
        const t = yield* spawn(function* () {
          results.push('lock_wait');
          try {
            yield* lck.withLock(function* () {
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
        expect(String(lck)).toBe('Lock(locked, waiters: 0)');
      });
      expect(lck.locked()).toBe(false);
    });
    expect(results).toEqual(['sleep', 'lock_wait', 'cancel_start', 'lock_cancel', 'cancel_done']);
  });

  it('a timed-out acquire raises TaskTimeout and leaves no lock held', async () => {
    const results: string[] = [];
    await runLeavingNoTask(function* () {
      const lck = new Lock();
      yield* lck.withLock(function* () {
        const t = yield* spawn(function* () {
          results.push('lock_wait');
          try {
            yield* timeoutAfter(500, lck.acquire());
            results.push('never here');
            lck.release();
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
      expect(String(lck)).toBe('Lock(unlocked, waiters: 0)');
    });
    expect(results).toEqual(['sleep', 'lock_wait', 'lock_timeout', 'sleep_done']);
  });

  it('a waiter handed the lock and cancelled before it runs still gets it, and releases it in finally', async () => {
    const results: string[] = [];
    await runLeavingNoTask(function* () {
      const lck = new Lock();
      yield* lck.acquire();
      const t = yield* spawn(function* () {
        yield* lck.withLock(function* () {
          results.push('acquired');
          try {
            yield* sleep(10);
          } catch (e) {
            if (e instanceof TaskCancelled) results.push('cancelled while holding');
            throw e;
          }
        });
      });
      yield* sleep(1);
      lck.release();
      yield* t.cancel({ blocking: false });
      yield* t.wait();
      expect(t.exception).toBeInstanceOf(TaskCancelled);
      expect(lck.locked()).toBe(false);
    });
    expect(results).toEqual(['acquired', 'cancelled while holding']);
  });

  it('releasing an unlocked lock throws a CurioError saying so', async () => {
    await runLeavingNoTask(function* () {
      const lck = new Lock();
      expect(() => lck.release()).toThrow(CurioError);
      expect(() => lck.release()).toThrow(/Lock\.release\(\): the lock is not locked/);
      yield* lck.acquire();
      lck.release();
      expect(() => lck.release()).toThrow(/not locked/);
    });
  });

  it('releasing a lock held by another task throws a CurioError naming both, and the lock stays held', async () => {
    let message = '';
    await runLeavingNoTask(function* () {
      const lck = new Lock();
      const holder = yield* spawn.with({ name: 'holder' })(function* () {
        yield* lck.acquire();
        yield* sleep(100);
        lck.release();
      });
      yield* sleep(1);
      try {
        lck.release();
      } catch (e) {
        expect(e).toBeInstanceOf(CurioError);
        message = (e as Error).message;
      }
      expect(lck.locked()).toBe(true);
      yield* holder.join();
      expect(lck.locked()).toBe(false);
    });
    expect(message).toMatch(/^Lock\.release\(\): task \d+ \(main\) does not hold this lock; it is held by task \d+ \(holder\)/);
  });

  it('releasing from plain code outside any task throws, naming the holder', async () => {
    const lck = new Lock();
    const kernel = new Kernel({ clock: new VirtualClock() });
    await kernel.run(function* main() {
      yield* lck.acquire();
    });
    await kernel.shutdown();
    expect(() => lck.release()).toThrow(/^Lock\.release\(\): code running outside any task does not hold this lock; it is held by task \d+ \(main\)/);
    expect(lck.locked()).toBe(true);
  });

  it('acquiring a lock the task already holds throws instead of deadlocking', async () => {
    await runLeavingNoTask(function* () {
      const lck = new Lock();
      yield* lck.acquire();
      let error: unknown = null;
      try {
        yield* lck.acquire();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(CurioError);
      expect((error as Error).message).toMatch(/already holds this lock.*use RLock/);
      lck.release();
      expect(lck.locked()).toBe(false);
    });
  });

  it('withLock returns the block result, releases on error, and accepts an operation', async () => {
    await runLeavingNoTask(function* () {
      const lck = new Lock();
      const value = yield* lck.withLock(function* () {
        expect(lck.locked()).toBe(true);
        return 42;
      });
      expect(value).toBe(42);
      expect(lck.locked()).toBe(false);
      const boom = new Error('boom');
      let caught: unknown = null;
      try {
        yield* lck.withLock(function* () {
          throw boom;
        });
      } catch (e) {
        caught = e;
      }
      expect(caught).toBe(boom);
      expect(lck.locked()).toBe(false);
      const slept = yield* lck.withLock(sleep(5));
      expect(slept).toBe(5);
      expect(lck.locked()).toBe(false);
    });
  });

  it('withLock rejects a block that is not a generator', async () => {
    await runLeavingNoTask(function* () {
      const lck = new Lock();
      expect(() => lck.withLock(42 as unknown as Operation<void>).next()).toThrow(TypeError);
      let caught: unknown = null;
      try {
        yield* lck.withLock((() => 7) as unknown as () => Operation<number>);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(TypeError);
      expect(lck.locked()).toBe(false);
    });
  });

  it('acquire outside any task throws a clear CurioError', () => {
    expect(() => new Lock().acquire().next()).toThrow(/Lock\.acquire\(\) was called outside any task/);
  });
});

describe('Lockable', () => {
  it('every lock-like primitive works through the common interface', async () => {
    await runLeavingNoTask(function* () {
      const all: Lockable[] = [new Lock(), new RLock(), new Semaphore(1), new BoundedSemaphore(1), new Condition()];
      for (const lock of all) {
        expect(yield* lock.acquire()).toBe(true);
        expect(lock.locked()).toBe(true);
        lock.release();
        expect(lock.locked()).toBe(false);
      }
    });
  });
});
