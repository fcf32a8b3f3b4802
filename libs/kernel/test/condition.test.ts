import { spawn, sleep, clock } from '../src/ops.js';
import { timeoutAfter } from '../src/timeout.js';
import { CancelledError, CurioError, TaskCancelled, TaskTimeout } from '../src/errors.js';
import type { Operation } from '../src/operation.js';
import type { Task } from '../src/task.js';
import { Lock, RLock, Semaphore, Condition } from '../src/sync/index.js';
import { runLeavingNoTask } from './helpers.js';

describe('Condition', () => {
  it('producer and consumers take turns (wait / notify)', async () => {
    const results: unknown[] = [];
    await runLeavingNoTask(function* () {
      const cond = new Condition();
      const q: (number | null)[] = [];
      const consumer = function* (label: string): Operation<void> {
        for (;;) {
          const done = yield* cond.withLock(function* () {
            if (q.length === 0) {
              results.push(`${label} wait`);
              yield* cond.wait();
            }
            const item = q.shift();
            if (item === null) return true;
            results.push([label, item]);
            return false;
          });
          if (done) break;
        }
        results.push(`${label} done`);
      };
      const producer = function* (count: number, nconsumers: number): Operation<void> {
        for (let n = 0; n < count; n++) {
          yield* cond.withLock(function* () {
            q.push(n);
            results.push(['producing', n]);
            cond.notify();
          });
          yield* sleep(100);
        }
        for (let n = 0; n < nconsumers; n++) {
          yield* cond.withLock(function* () {
            q.push(null);
            results.push(['ending', n]);
            cond.notify();
          });
          yield* sleep(100);
        }
      };
      const tasks = [yield* spawn(consumer, 'cons1'), yield* spawn(consumer, 'cons2'), yield* spawn(producer, 4, 2)];
      for (const t of tasks) yield* t.join();
    });
    expect(results).toEqual([
      'cons1 wait', 'cons2 wait',
      ['producing', 0], ['cons1', 0], 'cons1 wait',
      ['producing', 1], ['cons2', 1], 'cons2 wait',
      ['producing', 2], ['cons1', 2], 'cons1 wait',
      ['producing', 3], ['cons2', 3], 'cons2 wait',
      ['ending', 0], 'cons1 done',
      ['ending', 1], 'cons2 done',
    ]);
  });

  it('a cancelled wait re-acquires the lock before CancelledError reaches the caller', async () => {
    const results: unknown[] = [];
    await runLeavingNoTask(function* () {
      const cond = new Condition();
      const t = yield* spawn(function* () {
        try {
          yield* cond.withLock(function* () {
            results.push('cond_wait');
            try {
              yield* cond.wait();
              results.push('never here');
            } catch (e) {
              // Still holding the lock here: notify would throw otherwise.
              results.push('holding', cond.locked());
              cond.notify();
              throw e;
            }
          });
        } catch (e) {
          if (e instanceof CancelledError) results.push('worker_cancel');
          throw e;
        }
      });
      results.push('sleep');
      yield* sleep(1000);
      expect(t.state).toBe('COND_WAIT');
      results.push('cancel_start');
      yield* t.cancel();
      results.push('cancel_done');
      expect(String(cond)).toBe('Condition(unlocked, waiters: 0)');
    });
    expect(results).toEqual(['sleep', 'cond_wait', 'cancel_start', 'holding', true, 'worker_cancel', 'cancel_done']);
  });

  it('a timed-out wait re-acquires the lock before TaskTimeout reaches the caller', async () => {
    const results: unknown[] = [];
    await runLeavingNoTask(function* () {
      const cond = new Condition();
      const t = yield* spawn(function* () {
        try {
          yield* cond.withLock(function* () {
            results.push('cond_wait');
            try {
              yield* timeoutAfter(250, cond.wait());
            } catch (e) {
              results.push('holding', cond.locked());
              throw e;
            }
            results.push('never here');
          });
        } catch (e) {
          if (!(e instanceof TaskTimeout)) throw e;
          results.push('worker_timeout', yield* clock());
        }
      });
      results.push('sleep');
      yield* sleep(1000);
      results.push('done');
      yield* t.join();
      expect(cond.locked()).toBe(false);
    });
    expect(results).toEqual(['sleep', 'cond_wait', 'holding', true, 'worker_timeout', 250, 'done']);
  });

  it('a cancelled waiter waits for a contended lock before its exception propagates', async () => {
    const results: string[] = [];
    await runLeavingNoTask(function* () {
      const cond = new Condition();
      const t = yield* spawn(function* () {
        yield* cond.acquire();
        try {
          yield* cond.wait();
        } catch (e) {
          results.push(`caught ${(e as Error).name}, locked by me: ${cond.locked()}`);
          cond.release();
          throw e;
        }
      });
      yield* sleep(1);
      yield* cond.acquire();
      yield* t.cancel({ blocking: false });
      yield* sleep(50);
      // The cancellation was thrown in; the worker is now queued for the lock we hold.
      expect(t.state).toBe('LOCK_ACQUIRE');
      expect(results).toEqual([]);
      results.push('main releases');
      cond.release();
      yield* t.wait();
      expect(t.exception).toBeInstanceOf(TaskCancelled);
      expect(cond.locked()).toBe(false);
    });
    expect(results).toEqual(['main releases', 'caught TaskCancelled, locked by me: true']);
  });

  it('a cancellation arriving during the re-acquire after a notify is held until the next blocking call', async () => {
    const results: string[] = [];
    await runLeavingNoTask(function* () {
      const cond = new Condition();
      const t = yield* spawn(function* () {
        yield* cond.withLock(function* () {
          yield* cond.wait();
          results.push(`wait returned holding the lock: ${cond.locked()}`);
        });
        try {
          yield* sleep(10);
        } catch (e) {
          if (e instanceof TaskCancelled) results.push('cancelled at sleep');
          throw e;
        }
      });
      yield* sleep(1);
      yield* cond.acquire();
      cond.notify();
      yield* sleep(10);
      expect(t.state).toBe('LOCK_ACQUIRE');
      yield* t.cancel({ blocking: false });
      yield* sleep(10);
      expect(t.state).toBe('LOCK_ACQUIRE');
      cond.release();
      yield* t.wait();
      expect(t.exception).toBeInstanceOf(TaskCancelled);
      expect(cond.locked()).toBe(false);
    });
    expect(results).toEqual(['wait returned holding the lock: true', 'cancelled at sleep']);
  });

  it('notifyAll wakes every waiter; each runs once the notifier releases the lock', async () => {
    const results: string[] = [];
    await runLeavingNoTask(function* () {
      const cond = new Condition();
      const worker = function* (name: string): Operation<void> {
        yield* cond.withLock(function* () {
          results.push('cond_wait');
          yield* cond.wait();
          results.push(`wait_done ${name}`);
        });
      };
      const tasks = [yield* spawn(worker, 'a'), yield* spawn(worker, 'b'), yield* spawn(worker, 'c')];
      results.push('sleep');
      yield* sleep(1000);
      yield* cond.withLock(function* () {
        results.push('notify');
        cond.notifyAll();
        expect(String(cond)).toBe('Condition(locked, waiters: 0)');
      });
      results.push('done');
      for (const t of tasks) yield* t.join();
    });
    expect(results).toEqual(['sleep', 'cond_wait', 'cond_wait', 'cond_wait', 'notify', 'done', 'wait_done a', 'wait_done b', 'wait_done c']);
  });

  it('notify(n) wakes the n oldest waiters', async () => {
    const woken: string[] = [];
    await runLeavingNoTask(function* () {
      const cond = new Condition();
      const tasks: Task[] = [];
      for (const name of ['a', 'b', 'c', 'd']) {
        tasks.push(yield* spawn(function* () {
          yield* cond.withLock(function* () {
            yield* cond.wait();
            woken.push(name);
          });
        }));
      }
      yield* sleep(1);
      yield* cond.withLock(function* () {
        cond.notify(2);
      });
      yield* sleep(1);
      expect(woken).toEqual(['a', 'b']);
      yield* cond.withLock(function* () {
        cond.notify(0);
        expect(String(cond)).toBe('Condition(locked, waiters: 2)');
        cond.notify(Infinity);
      });
      for (const t of tasks) yield* t.join();
    });
    expect(woken).toEqual(['a', 'b', 'c', 'd']);
  });

  it('waitFor waits until the predicate holds and returns its value', async () => {
    const results: unknown[] = [];
    await runLeavingNoTask(function* () {
      const cond = new Condition();
      const q: number[] = [];
      const consumer = function* (label: string): Operation<void> {
        yield* cond.withLock(function* () {
          results.push(`${label} waitfor`);
          const got = yield* cond.waitFor(() => q.length > 2 && q.length);
          results.push([label, got]);
        });
        results.push(`${label} done`);
      };
      const producer = function* (count: number): Operation<void> {
        for (let n = 0; n < count; n++) {
          yield* cond.withLock(function* () {
            q.push(n);
            results.push(['producing', n]);
            cond.notify();
          });
          yield* sleep(100);
        }
      };
      const tasks = [yield* spawn(consumer, 'cons1'), yield* spawn(consumer, 'cons2'), yield* spawn(producer, 4)];
      for (const t of tasks) yield* t.join();
    });
    expect(results).toEqual([
      'cons1 waitfor', 'cons2 waitfor',
      ['producing', 0], ['producing', 1], ['producing', 2],
      ['cons1', 3], 'cons1 done',
      ['producing', 3],
      ['cons2', 4], 'cons2 done',
    ]);
  });

  it('waitFor returns at once when the predicate already holds', async () => {
    await runLeavingNoTask(function* () {
      const cond = new Condition();
      const value = yield* cond.withLock(function* () {
        return yield* cond.waitFor(() => 'ready');
      });
      expect(value).toBe('ready');
      let caught: unknown = null;
      try {
        yield* cond.withLock(function* () {
          yield* cond.waitFor('yes' as unknown as () => boolean);
        });
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(TypeError);
      expect(cond.locked()).toBe(false);
    });
  });

  it('wait, waitFor, notify and notifyAll without holding the lock throw a CurioError', async () => {
    await runLeavingNoTask(function* () {
      const cond = new Condition();
      expect(() => cond.notify()).toThrow(CurioError);
      expect(() => cond.notify()).toThrow(/Condition\.notify\(\): task \d+ \(main\) must hold the condition's lock \(the lock is not held by anyone\)/);
      expect(() => cond.notifyAll()).toThrow(/Condition\.notifyAll\(\): .* must hold the condition's lock/);
      const errors: unknown[] = [];
      for (const op of [() => cond.wait(), () => cond.waitFor(() => false)]) {
        try {
          yield* op();
        } catch (e) {
          errors.push(e);
        }
      }
      expect(errors.map((e) => (e as Error).message)).toEqual([
        expect.stringMatching(/^Condition\.wait\(\): .* must hold the condition's lock/),
        expect.stringMatching(/^Condition\.waitFor\(\): .* must hold the condition's lock/),
      ]);
      // Held by another task is not held by us.
      const holder = yield* spawn.with({ name: 'holder' })(function* () {
        yield* cond.withLock(sleep(100));
      });
      yield* sleep(1);
      expect(() => cond.notify()).toThrow(/the lock is held by task \d+ \(holder\)/);
      expect(() => cond.release()).toThrow(/does not hold this lock/);
      yield* holder.join();
    });
    expect(() => new Condition().notify()).toThrow(/code running outside any task must hold/);
  });

  it('notify rejects a bad count', async () => {
    await runLeavingNoTask(function* () {
      const cond = new Condition();
      yield* cond.withLock(function* () {
        expect(() => cond.notify(-1)).toThrow(RangeError);
        expect(() => cond.notify(1.5)).toThrow(/Condition\.notify\(\): n must be an integer >= 0, got 1.5/);
      });
    });
  });

  it('uses a given Lock, shared with other code', async () => {
    await runLeavingNoTask(function* () {
      const lock = new Lock();
      const cond = new Condition(lock);
      yield* lock.acquire();
      expect(cond.locked()).toBe(true);
      cond.notify();
      cond.release();
      expect(lock.locked()).toBe(false);
    });
  });

  it('with an RLock, wait releases every level of recursion and restores it', async () => {
    const results: unknown[] = [];
    await runLeavingNoTask(function* () {
      const lock = new RLock();
      const cond = new Condition(lock);
      const t = yield* spawn(function* () {
        yield* lock.acquire();
        yield* lock.acquire();
        yield* cond.wait();
        results.push(`recursion after wait: ${lock.recursion}`);
        lock.release();
        lock.release();
      });
      yield* sleep(1);
      // Fully released while the worker waits: we can take it.
      yield* cond.withLock(function* () {
        results.push(`main holds, recursion ${lock.recursion}`);
        cond.notify();
      });
      yield* t.join();
      expect(lock.locked()).toBe(false);
    });
    expect(results).toEqual(['main holds, recursion 1', 'recursion after wait: 2']);
  });

  it('rejects a lock that is neither a Lock nor an RLock', () => {
    expect(() => new Condition(new Semaphore() as unknown as Lock)).toThrow(/Condition\(\): the lock must be a Lock or an RLock/);
  });
});
