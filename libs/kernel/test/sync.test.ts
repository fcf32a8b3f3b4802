import { Kernel } from '../src/kernel.js';
import { VirtualClock } from '../src/clock.js';
import { spawn, sleep, clock } from '../src/ops.js';
import { timeoutAfter, ignoreAfter } from '../src/timeout.js';
import { CancelledError, CurioError, TaskCancelled, TaskTimeout } from '../src/errors.js';
import type { Operation } from '../src/traps.js';
import type { Task } from '../src/task.js';
import { Event, Lock, RLock, Semaphore, BoundedSemaphore, Condition, Result, type Lockable } from '../src/sync/index.js';

/**
 * Runs `main` in a kernel with a virtual clock (sleeps cost no real time) and checks that
 * it left no task behind.
 */
async function runVirtual<T>(body: () => Operation<T>): Promise<T> {
  const kernel = new Kernel({ clock: new VirtualClock() });
  try {
    const result = await kernel.run(function* main() {
      return yield* body();
    });
    expect([...kernel.tasks.values()].map(String)).toEqual([]);
    return result;
  } finally {
    await kernel.shutdown();
  }
}

/** A task that records whether it got to run: used to prove an operation did not yield. */
function* bystander(log: string[]): Operation<Task> {
  return yield* spawn(function* () {
    log.push('bystander ran');
  });
}

describe('Event', () => {
  it('wait blocks until set; isSet and clear report and reset the flag', async () => {
    const results: unknown[] = [];
    await runVirtual(function* () {
      const evt = new Event();
      const waiter = yield* spawn(function* () {
        results.push('wait_start', evt.isSet());
        yield* evt.wait();
        results.push('wait_done', evt.isSet(), yield* clock());
        evt.clear();
        results.push(evt.isSet());
      });
      const setter = yield* spawn(function* () {
        results.push('sleep');
        yield* sleep(1000);
        results.push('event_set');
        evt.set();
      });
      yield* waiter.join();
      yield* setter.join();
    });
    expect(results).toEqual(['wait_start', false, 'sleep', 'event_set', 'wait_done', true, 1000, false]);
  });

  it('wait returns at once, without yielding, when the event is already set', async () => {
    const log: string[] = [];
    await runVirtual(function* () {
      const evt = new Event();
      evt.set();
      const other = yield* bystander(log);
      yield* evt.wait();
      log.push('wait_done');
      yield* other.join();
    });
    expect(log).toEqual(['wait_done', 'bystander ran']);
  });

  it('set wakes every waiter, oldest first, and shows EVENT_WAIT while parked', async () => {
    const woken: string[] = [];
    let states: string[] = [];
    await runVirtual(function* () {
      const evt = new Event();
      const tasks: Task[] = [];
      for (const name of ['a', 'b', 'c']) {
        tasks.push(yield* spawn(function* () {
          yield* evt.wait();
          woken.push(name);
        }));
      }
      yield* sleep(10);
      states = tasks.map((t) => t.state);
      expect(String(evt)).toBe('Event(unset, waiters: 3)');
      evt.set();
      expect(String(evt)).toBe('Event(set, waiters: 0)');
      for (const t of tasks) yield* t.join();
    });
    expect(states).toEqual(['EVENT_WAIT', 'EVENT_WAIT', 'EVENT_WAIT']);
    expect(woken).toEqual(['a', 'b', 'c']);
  });

  it('a woken waiter returns even if the event is cleared before it runs', async () => {
    const results: string[] = [];
    await runVirtual(function* () {
      const evt = new Event();
      const t = yield* spawn(function* () {
        yield* evt.wait();
        results.push('woken');
      });
      yield* sleep(1);
      evt.set();
      evt.clear();
      yield* t.join();
      expect(evt.isSet()).toBe(false);
    });
    expect(results).toEqual(['woken']);
  });

  it('after clear, wait blocks again until the next set', async () => {
    const results: unknown[] = [];
    await runVirtual(function* () {
      const evt = new Event();
      const t = yield* spawn(function* () {
        results.push('event_wait');
        try {
          yield* timeoutAfter(1000, evt.wait());
          results.push('got event', yield* clock());
        } catch (e) {
          if (!(e instanceof TaskTimeout)) throw e;
          results.push('event_timeout');
        }
        evt.clear();
        yield* evt.wait();
        results.push('got event', yield* clock());
      });
      results.push('sleep');
      yield* sleep(250);
      results.push('event_set');
      evt.set();
      yield* sleep(1000);
      results.push('event_set');
      evt.set();
      yield* t.join();
    });
    expect(results).toEqual(['sleep', 'event_wait', 'event_set', 'got event', 250, 'event_set', 'got event', 1250]);
  });

  it('cancelling a waiter raises CancelledError in it and leaves no waiter behind', async () => {
    const results: string[] = [];
    await runVirtual(function* () {
      const evt = new Event();
      const t = yield* spawn(function* () {
        results.push('event_wait');
        try {
          yield* evt.wait();
        } catch (e) {
          if (e instanceof CancelledError) results.push('event_cancel');
          throw e;
        }
      });
      results.push('sleep');
      yield* sleep(1000);
      results.push('cancel_start');
      yield* t.cancel();
      results.push('cancel_done');
      expect(t.exception).toBeInstanceOf(TaskCancelled);
      expect(String(evt)).toBe('Event(unset, waiters: 0)');
    });
    expect(results).toEqual(['sleep', 'event_wait', 'cancel_start', 'event_cancel', 'cancel_done']);
  });

  it('a timed-out wait raises TaskTimeout and leaves no waiter behind', async () => {
    const results: unknown[] = [];
    await runVirtual(function* () {
      const evt = new Event();
      const t = yield* spawn(function* () {
        results.push('event_wait');
        try {
          yield* timeoutAfter(500, evt.wait());
        } catch (e) {
          if (!(e instanceof TaskTimeout)) throw e;
          results.push('event_timeout', yield* clock());
        }
      });
      results.push('sleep');
      yield* sleep(1000);
      results.push('sleep_done');
      expect(String(evt)).toBe('Event(unset, waiters: 0)');
      yield* t.join();
    });
    expect(results).toEqual(['sleep', 'event_wait', 'event_timeout', 500, 'sleep_done']);
  });

  it('a waiter woken and then cancelled before it runs still returns from wait; the cancellation comes at its next blocking call', async () => {
    const results: string[] = [];
    await runVirtual(function* () {
      const evt = new Event();
      const t = yield* spawn(function* () {
        yield* evt.wait();
        results.push('wait returned');
        try {
          yield* sleep(10);
          results.push('not here');
        } catch (e) {
          if (e instanceof TaskCancelled) results.push('cancelled at sleep');
          throw e;
        }
      });
      yield* sleep(1);
      evt.set();
      yield* t.cancel({ blocking: false });
      yield* t.wait();
      expect(t.exception).toBeInstanceOf(TaskCancelled);
    });
    expect(results).toEqual(['wait returned', 'cancelled at sleep']);
  });

  it('set and clear work from plain code outside any task; wait needs a task', async () => {
    const evt = new Event();
    evt.set();
    expect(evt.isSet()).toBe(true);
    evt.clear();
    expect(evt.isSet()).toBe(false);
    expect(() => evt.wait().next()).toThrow(CurioError);
    expect(() => evt.wait().next()).toThrow(/Event\.wait\(\) was called outside any task/);
  });
});

describe('Lock', () => {
  it('serializes workers in arrival order (withLock)', async () => {
    const results: unknown[] = [];
    await runVirtual(function* () {
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
    await runVirtual(function* () {
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
    await runVirtual(function* () {
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
    await runVirtual(function* () {
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
    await runVirtual(function* () {
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
    await runVirtual(function* () {
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
    await runVirtual(function* () {
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
    await runVirtual(function* () {
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
    await runVirtual(function* () {
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
    await runVirtual(function* () {
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
    await runVirtual(function* () {
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

describe('RLock', () => {
  it('the owner may acquire again; the lock is free after as many releases', async () => {
    await runVirtual(function* () {
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
    await runVirtual(function* () {
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
    await runVirtual(function* () {
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
    await runVirtual(function* () {
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

  it('a cancelled or timed-out acquire leaves nothing held', async () => {
    await runVirtual(function* () {
      const lck = new RLock();
      yield* lck.acquire();
      const t = yield* spawn(function* () {
        yield* lck.acquire();
      });
      yield* sleep(1);
      yield* t.cancel();
      expect(t.exception).toBeInstanceOf(TaskCancelled);
      const timedOut = yield* spawn(function* () {
        return yield* ignoreAfter(50, lck.acquire(), { timeoutResult: 'timeout' });
      });
      expect(yield* timedOut.join()).toBe('timeout');
      expect(String(lck)).toBe('RLock(locked, recursion: 1, waiters: 0)');
      lck.release();
      expect(lck.locked()).toBe(false);
    });
  });

  it('a waiter handed the RLock and cancelled before it runs still owns it until its finally', async () => {
    const results: string[] = [];
    await runVirtual(function* () {
      const lck = new RLock();
      yield* lck.acquire();
      const t = yield* spawn(function* () {
        yield* lck.withLock(function* () {
          results.push(`acquired ${lck.recursion}`);
          yield* sleep(10);
        });
      });
      yield* sleep(1);
      lck.release();
      yield* t.cancel({ blocking: false });
      yield* t.wait();
      expect(t.exception).toBeInstanceOf(TaskCancelled);
      expect(lck.locked()).toBe(false);
    });
    expect(results).toEqual(['acquired 1']);
  });
});

describe('Semaphore', () => {
  it('with value 1 admits one worker at a time, in arrival order', async () => {
    const results: unknown[] = [];
    await runVirtual(function* () {
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
    await runVirtual(function* () {
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
    await runVirtual(function* () {
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
    await runVirtual(function* () {
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
    await runVirtual(function* () {
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
    await runVirtual(function* () {
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
    await runVirtual(function* () {
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
    await runVirtual(function* () {
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
    await runVirtual(function* () {
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

describe('Condition', () => {
  it('producer and consumers take turns (wait / notify)', async () => {
    const results: unknown[] = [];
    await runVirtual(function* () {
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
    await runVirtual(function* () {
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
    await runVirtual(function* () {
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
    await runVirtual(function* () {
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
    await runVirtual(function* () {
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
    await runVirtual(function* () {
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
    await runVirtual(function* () {
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
    await runVirtual(function* () {
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
    await runVirtual(function* () {
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
    await runVirtual(function* () {
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
    await runVirtual(function* () {
      const cond = new Condition();
      yield* cond.withLock(function* () {
        expect(() => cond.notify(-1)).toThrow(RangeError);
        expect(() => cond.notify(1.5)).toThrow(/Condition\.notify\(\): n must be an integer >= 0, got 1.5/);
      });
    });
  });

  it('uses a given Lock, shared with other code', async () => {
    await runVirtual(function* () {
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
    await runVirtual(function* () {
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

describe('Result', () => {
  it('unwrap waits (RESULT_WAIT) for setValue; every waiter gets the value', async () => {
    await runVirtual(function* () {
      const result = new Result<number>();
      const waiters: Task<number>[] = [];
      for (let i = 0; i < 3; i++) waiters.push(yield* spawn(() => result.unwrap()));
      yield* sleep(10);
      expect(waiters[0].state).toBe('RESULT_WAIT');
      expect(result.isSet()).toBe(false);
      expect(String(result)).toBe('Result(unset, waiters: 3)');
      result.setValue(42);
      expect(result.isSet()).toBe(true);
      expect(String(result)).toBe('Result(value: 42)');
      const values: number[] = [];
      for (const w of waiters) values.push(yield* w.join());
      expect(values).toEqual([42, 42, 42]);
      expect(yield* result.unwrap()).toBe(42);
    });
  });

  it('unwrap throws the exception set with setException, every time', async () => {
    const boom = new Error('boom');
    await runVirtual(function* () {
      const result = new Result<string>();
      const waiter = yield* spawn(function* () {
        try {
          yield* result.unwrap();
          return null;
        } catch (e) {
          return e;
        }
      });
      yield* sleep(1);
      result.setException(boom);
      expect(yield* waiter.join()).toBe(boom);
      let again: unknown = null;
      try {
        yield* result.unwrap();
      } catch (e) {
        again = e;
      }
      expect(again).toBe(boom);
      expect(String(result)).toBe('Result(exception: Error: boom)');
    });
  });

  it('a Result is set once: a second setValue or setException throws', () => {
    const result = new Result<number>();
    result.setValue(1);
    expect(() => result.setValue(2)).toThrow(CurioError);
    expect(() => result.setException(new Error('x'))).toThrow(/Result\.setException\(\): the result is already set \(to a value\)/);
    const failed = new Result<number>();
    failed.setException(new Error('x'));
    expect(() => failed.setValue(1)).toThrow(/already set \(to an exception\)/);
  });

  it('a cancelled or timed-out unwrap leaves no waiter, and the value still reaches later callers', async () => {
    await runVirtual(function* () {
      const result = new Result<string>();
      const t = yield* spawn(() => result.unwrap());
      yield* sleep(1);
      yield* t.cancel();
      expect(t.exception).toBeInstanceOf(TaskCancelled);
      let timedOut: unknown = null;
      try {
        yield* timeoutAfter(50, result.unwrap());
      } catch (e) {
        timedOut = e;
      }
      expect(timedOut).toBeInstanceOf(TaskTimeout);
      expect(String(result)).toBe('Result(unset, waiters: 0)');
      result.setValue('late');
      expect(yield* result.unwrap()).toBe('late');
    });
  });

  it('a waiter woken and then cancelled before it runs still gets the value', async () => {
    const seen: string[] = [];
    await runVirtual(function* () {
      const result = new Result<string>();
      const t = yield* spawn(function* () {
        seen.push(yield* result.unwrap());
        yield* sleep(10);
      });
      yield* sleep(1);
      result.setValue('delivered');
      yield* t.cancel({ blocking: false });
      yield* t.wait();
      expect(t.exception).toBeInstanceOf(TaskCancelled);
    });
    expect(seen).toEqual(['delivered']);
  });

  it('unwrap outside any task throws', () => {
    expect(() => new Result().unwrap().next()).toThrow(/Result\.unwrap\(\) was called outside any task/);
  });
});

describe('Lockable', () => {
  it('every lock-like primitive works through the common interface', async () => {
    await runVirtual(function* () {
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
