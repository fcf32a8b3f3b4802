import { spawn, sleep } from '../src/ops.js';
import { CurioError } from '../src/errors.js';
import { RLock } from '../src/sync/index.js';
import { runLeavingNoTask } from './helpers.js';

describe('RLock', () => {
  it('the owner may acquire again; the lock is free after as many releases', async () => {
    await runLeavingNoTask(function* () {
      const lck = new RLock();
      yield* lck.acquire();
      yield* lck.acquire();
      expect(lck.recursion).toBe(2);
      expect(String(lck)).toBe('RLock(locked, recursion: 2, waiters: 0)');
      lck.release();
      expect(lck.locked()).toBe(true);
      lck.release();
      expect(lck.locked()).toBe(false);
      expect(lck.recursion).toBe(0);
    });
  });

  it('other tasks wait (RLOCK_ACQUIRE) until it is fully released, then get it in arrival order', async () => {
    const order: string[] = [];
    await runLeavingNoTask(function* () {
      const lck = new RLock();
      yield* lck.acquire();
      yield* lck.acquire();
      const worker = (name: string) =>
        function* () {
          yield* lck.withLock(function* () {
            order.push(name);
            expect(lck.recursion).toBe(1);
            yield* sleep(10);
          });
        };
      const a = yield* spawn(worker('a'));
      const b = yield* spawn(worker('b'));
      yield* sleep(1);
      expect(a.state).toBe('RLOCK_ACQUIRE');
      lck.release();
      yield* sleep(1);
      expect(order).toEqual([]);
      lck.release();
      // Handed straight to a.
      expect(lck.locked()).toBe(true);
      expect(lck.recursion).toBe(1);
      yield* a.join();
      yield* b.join();
      expect(lck.locked()).toBe(false);
    });
    expect(order).toEqual(['a', 'b']);
  });

  it('nested withLock by the same task does not deadlock', async () => {
    await runLeavingNoTask(function* () {
      const lck = new RLock();
      const depth = yield* lck.withLock(function* () {
        return yield* lck.withLock(function* () {
          return lck.recursion;
        });
      });
      expect(depth).toBe(2);
      expect(lck.locked()).toBe(false);
    });
  });

  it('release by a task that does not own it, or of an unlocked RLock, throws', async () => {
    await runLeavingNoTask(function* () {
      const lck = new RLock();
      expect(() => lck.release()).toThrow(/RLock\.release\(\): the lock is not locked/);
      const holder = yield* spawn(function* () {
        yield* lck.acquire();
        yield* sleep(100);
        lck.release();
      });
      yield* sleep(1);
      expect(() => lck.release()).toThrow(CurioError);
      expect(() => lck.release()).toThrow(/does not hold this lock/);
      expect(lck.recursion).toBe(1);
      yield* holder.join();
      expect(lck.locked()).toBe(false);
    });
  });

});
