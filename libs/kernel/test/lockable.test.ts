/**
 * What every mutual-exclusion primitive promises, as one table: Lock, RLock, and the
 * semaphores with one permit behave alike for a task that only acquires and releases.
 * Each primitive's own file tests what sets it apart (recursion, several permits, a bound,
 * ownership errors).
 */
import { spawn, sleep } from '../src/ops.js';
import { timeoutAfter } from '../src/timeout.js';
import { CancelledError, TaskCancelled, TaskTimeout } from '../src/errors.js';
import type { Operation } from '../src/operation.js';
import { Lock, RLock, Semaphore, BoundedSemaphore, Condition, type Lockable } from '../src/sync/index.js';
import { runLeavingNoTask, bystander } from './helpers.js';

interface Primitive {
  name: string;
  make: () => Lock | RLock | Semaphore;
  /** The task state of a waiter blocked in `acquire`. */
  waitState: string;
  /** `String(lock)` while held with two waiters. */
  heldByOneWithTwoWaiting: string;
}

const PRIMITIVES: Primitive[] = [
  { name: 'Lock', make: () => new Lock(), waitState: 'LOCK_ACQUIRE', heldByOneWithTwoWaiting: 'Lock(locked, waiters: 2)' },
  { name: 'RLock', make: () => new RLock(), waitState: 'RLOCK_ACQUIRE', heldByOneWithTwoWaiting: 'RLock(locked, recursion: 1, waiters: 2)' },
  { name: 'Semaphore', make: () => new Semaphore(1), waitState: 'SEMA_ACQUIRE', heldByOneWithTwoWaiting: 'Semaphore(locked, value: 0, waiters: 2)' },
  {
    name: 'BoundedSemaphore',
    make: () => new BoundedSemaphore(1),
    waitState: 'SEMA_ACQUIRE',
    heldByOneWithTwoWaiting: 'BoundedSemaphore(locked, value: 0, waiters: 2)',
  },
];

describe.each(PRIMITIVES)('$name (one holder at a time)', ({ name, make, waitState, heldByOneWithTwoWaiting }) => {
  it('serializes workers in arrival order (withLock)', async () => {
    const results: unknown[] = [];
    await runLeavingNoTask(function* () {
      const lock = make();
      const worker = function* (label: string): Operation<void> {
        results.push(`${label} wait`, lock.locked());
        yield* lock.withLock(function* () {
          results.push(`${label} acquire`);
          yield* sleep(250);
        });
        results.push(`${label} release`);
      };
      const tasks = [yield* spawn(worker, 'work1'), yield* spawn(worker, 'work2'), yield* spawn(worker, 'work3')];
      for (const t of tasks) yield* t.join();
      expect(lock.locked()).toBe(false);
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

  it(`release hands it to the oldest waiter (${waitState}); a newcomer cannot barge ahead of waiters`, async () => {
    const order: string[] = [];
    await runLeavingNoTask(function* () {
      const lock = make();
      yield* lock.acquire();
      const waiter = (label: string) =>
        function* () {
          yield* lock.acquire();
          order.push(label);
          lock.release();
        };
      const w1 = yield* spawn(waiter('w1'));
      const w2 = yield* spawn(waiter('w2'));
      yield* sleep(1);
      expect(w1.state).toBe(waitState);
      expect(String(lock)).toBe(heldByOneWithTwoWaiting);
      lock.release();
      // Handed over to w1 (not yet running): still held, and we queue behind w2.
      expect(lock.locked()).toBe(true);
      expect(String(lock)).toContain('waiters: 1');
      yield* lock.acquire();
      order.push('main');
      lock.release();
      yield* w1.join();
      yield* w2.join();
      expect(lock.locked()).toBe(false);
    });
    expect(order).toEqual(['w1', 'w2', 'main']);
  });

  it('uncontended acquire and release do not yield', async () => {
    const log: string[] = [];
    await runLeavingNoTask(function* () {
      const lock = make();
      const other = yield* bystander(log);
      for (let i = 0; i < 100; i++) {
        yield* lock.acquire();
        lock.release();
      }
      log.push('main done');
      yield* other.join();
    });
    expect(log).toEqual(['main done', 'bystander ran']);
  });

  it('a cancelled acquire raises CancelledError and leaves nothing held and no waiter behind', async () => {
    const results: string[] = [];
    await runLeavingNoTask(function* () {
      const lock = make();
      yield* lock.withLock(function* () {
        const t = yield* spawn(function* () {
          results.push('lock_wait');
          try {
            yield* lock.withLock(function* () {
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
        expect(String(lock)).toContain('waiters: 0');
      });
      expect(lock.locked()).toBe(false);
    });
    expect(results).toEqual(['sleep', 'lock_wait', 'cancel_start', 'lock_cancel', 'cancel_done']);
  });

  it('a timed-out acquire raises TaskTimeout and leaves nothing held', async () => {
    const results: string[] = [];
    await runLeavingNoTask(function* () {
      const lock = make();
      yield* lock.withLock(function* () {
        const t = yield* spawn(function* () {
          results.push('lock_wait');
          try {
            yield* timeoutAfter(500, lock.acquire());
            results.push('never here');
            lock.release();
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
      expect(lock.locked()).toBe(false);
      expect(String(lock)).toContain('waiters: 0');
    });
    expect(results).toEqual(['sleep', 'lock_wait', 'lock_timeout', 'sleep_done']);
  });

  it('a waiter handed it and cancelled before it runs still gets it, and gives it back in finally', async () => {
    const results: string[] = [];
    await runLeavingNoTask(function* () {
      const lock = make();
      yield* lock.acquire();
      const t = yield* spawn(function* () {
        yield* lock.withLock(function* () {
          results.push(`acquired, locked ${lock.locked()}`);
          try {
            yield* sleep(10);
          } catch (e) {
            if (e instanceof TaskCancelled) results.push('cancelled while holding');
            throw e;
          }
        });
      });
      yield* sleep(1);
      lock.release();
      yield* t.cancel({ blocking: false });
      yield* t.wait();
      expect(t.exception).toBeInstanceOf(TaskCancelled);
      expect(lock.locked()).toBe(false);
    });
    expect(results).toEqual(['acquired, locked true', 'cancelled while holding']);
  });

  it('acquire outside any task throws a clear CurioError naming the primitive', () => {
    expect(() => make().acquire().next()).toThrow(`${name}.acquire() was called outside any task`);
  });
});

describe('Lockable', () => {
  it('every lock-like primitive, Condition included, works through the common interface', async () => {
    await runLeavingNoTask(function* () {
      const all: Lockable[] = [...PRIMITIVES.map((p) => p.make()), new Condition()];
      for (const lock of all) {
        expect(yield* lock.acquire()).toBe(true);
        expect(lock.locked()).toBe(true);
        lock.release();
        expect(lock.locked()).toBe(false);
      }
    });
  });
});
