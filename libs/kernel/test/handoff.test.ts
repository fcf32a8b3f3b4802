/**
 * Issue 12, item 1, for every primitive that hands something to a waiter: an operation
 * that raises did not happen, and one that returned did. A waiter cancelled while parked
 * leaves the wait queue at once, so what is handed over next goes to the next waiter; a
 * waiter already handed something is not cancelled until its next blocking point.
 */
import {
  spawn, sleep, timeoutAfter, TaskCancelled, TaskTimeout, Lock, RLock, Semaphore, BoundedSemaphore,
  Condition, Event, Result, Queue, TaskGroup, type Operation, type Task,
} from '../src/index.js';
import { runVirtual } from './helpers.js';

/** Parks in `op`, recording `got` when it returns, then blocks again (where a held-back cancellation lands). */
function* waitThenBlock<T>(op: Operation<T>, log: unknown[]): Operation<void> {
  log.push(['got', yield* op]);
  yield* sleep(1000);
  log.push('not here');
}

describe.each<[string, () => Lock | RLock | Semaphore | Condition]>([
  ['Lock', () => new Lock()],
  ['RLock', () => new RLock()],
  ['Semaphore', () => new Semaphore(1)],
  ['BoundedSemaphore', () => new BoundedSemaphore(1)],
  ['Condition', () => new Condition()],
])('%s hand-over', (_name, make) => {
  it('a waiter cancelled before the release is not handed the lock; the next waiter is', async () => {
    await runVirtual(function* () {
      const lock = make();
      yield* lock.acquire();
      const first = yield* spawn(() => lock.acquire());
      const second = yield* spawn(() => lock.acquire());
      yield* sleep(1);
      yield* first.cancel({ blocking: false });
      lock.release();
      yield* first.wait();
      expect(first.exception).toBeInstanceOf(TaskCancelled);
      expect(yield* second.join()).toBe(true);
      // The second waiter got it: the lock is still taken, by the task that returned true.
      expect(lock.locked()).toBe(true);
    });
  });

  it('a waiter handed the lock and cancelled before it runs holds it until its next blocking point', async () => {
    await runVirtual(function* () {
      const lock = make();
      const log: unknown[] = [];
      yield* lock.acquire();
      const waiter = yield* spawn(() => lock.withLock(function* () {
        log.push('holding');
        yield* sleep(1000);
        log.push('not here');
      }));
      yield* sleep(1);
      lock.release();
      yield* waiter.cancel({ blocking: false });
      yield* waiter.wait();
      expect(waiter.exception).toBeInstanceOf(TaskCancelled);
      expect(log).toEqual(['holding']);
      // withLock released it on the way out.
      expect(lock.locked()).toBe(false);
    });
  });

  it('a waiter that times out in the tick the lock is released holds nothing', async () => {
    await runVirtual(function* () {
      const lock = make();
      yield* lock.acquire();
      const waiter = yield* spawn(() => timeoutAfter(5, lock.acquire()));
      yield* sleep(5);
      lock.release();
      yield* waiter.wait();
      expect(waiter.exception).toBeInstanceOf(TaskTimeout);
      expect(lock.locked()).toBe(false);
    });
  });
});

describe('Condition hand-over', () => {
  it('a notification is not spent on a waiter cancelled before it: the next waiter gets it', async () => {
    await runVirtual(function* () {
      const cond = new Condition();
      const log: string[] = [];
      const waiter = (name: string) => cond.withLock(function* () {
        yield* cond.wait();
        log.push(name);
      });
      const first = yield* spawn(waiter, 'first');
      const second = yield* spawn(waiter, 'second');
      yield* sleep(1);
      yield* first.cancel({ blocking: false });
      yield* cond.withLock(function* () {
        cond.notify(1);
      });
      yield* second.join();
      yield* first.wait();
      expect(first.exception).toBeInstanceOf(TaskCancelled);
      expect(log).toEqual(['second']);
      expect(cond.locked()).toBe(false);
    });
  });
});

describe.each<[string, () => { wait: () => Operation<unknown>; fire: () => void; expected: unknown }]>([
  ['Event', () => {
    const e = new Event();
    return { wait: () => e.wait(), fire: () => e.set(), expected: undefined };
  }],
  ['Result', () => {
    const r = new Result<number>();
    return { wait: () => r.unwrap(), fire: () => r.setValue(42), expected: 42 };
  }],
])('%s hand-over', (_name, make) => {
  it('a waiter woken and cancelled before it runs returns from its wait; the cancellation lands at its next blocking point', async () => {
    await runVirtual(function* () {
      const { wait, fire, expected } = make();
      const log: unknown[] = [];
      const t = yield* spawn(waitThenBlock, wait(), log);
      yield* sleep(1);
      fire();
      yield* t.cancel({ blocking: false });
      yield* t.wait();
      expect(t.exception).toBeInstanceOf(TaskCancelled);
      expect(log).toEqual([['got', expected]]);
    });
  });

  it('a waiter cancelled before the wake raises and returns nothing', async () => {
    await runVirtual(function* () {
      const { wait, fire } = make();
      const log: unknown[] = [];
      const t = yield* spawn(waitThenBlock, wait(), log);
      yield* sleep(1);
      yield* t.cancel({ blocking: false });
      fire();
      yield* t.wait();
      expect(t.exception).toBeInstanceOf(TaskCancelled);
      expect(log).toEqual([]);
    });
  });
});

describe('Queue.get hand-over', () => {
  it('a getter cancelled before a put is not handed the item; the next getter is', async () => {
    await runVirtual(function* () {
      const q = new Queue<string>();
      const first = yield* spawn(() => q.get());
      const second = yield* spawn(() => q.get());
      yield* sleep(1);
      yield* first.cancel({ blocking: false });
      yield* q.put('item');
      yield* first.wait();
      expect(first.exception).toBeInstanceOf(TaskCancelled);
      expect(yield* second.join()).toBe('item');
    });
  });

  it('a getter that times out in the tick an item is put takes nothing; the item stays queued', async () => {
    await runVirtual(function* () {
      const q = new Queue<string>();
      const getter = yield* spawn(() => timeoutAfter(5, q.get()));
      yield* sleep(5);
      yield* q.put('item');
      yield* getter.wait();
      expect(getter.exception).toBeInstanceOf(TaskTimeout);
      expect(yield* q.get()).toBe('item');
    });
  });
});

describe('TaskGroup.nextDone hand-over', () => {
  it('a nextDone cancelled before a member finishes takes nothing: the next nextDone gets the task', async () => {
    await runVirtual(function* () {
      const g = new TaskGroup<number>();
      const member = yield* g.spawn(function* () {
        yield* sleep(10);
        return 7;
      });
      const waiter = yield* spawn(() => g.nextDone());
      yield* sleep(1);
      yield* waiter.cancel();
      expect(waiter.exception).toBeInstanceOf(TaskCancelled);
      const done = (yield* g.nextDone()) as Task<number>;
      expect(done).toBe(member);
      expect(done.result).toBe(7);
      yield* g.join();
    });
  });

  it('a nextDone woken and cancelled before it runs returns the task (it left the group with it)', async () => {
    await runVirtual(function* () {
      const g = new TaskGroup<number>();
      const gate = new Event();
      const member = yield* g.spawn(function* () {
        yield* gate.wait();
        return 7;
      });
      const log: unknown[] = [];
      const waiter = yield* spawn(waitThenBlock, g.nextDone(), log);
      yield* sleep(1);
      gate.set();
      // Let the member finish (which wakes the waiter), then cancel the waiter before it runs.
      yield* member.wait();
      yield* waiter.cancel({ blocking: false });
      yield* waiter.wait();
      expect(waiter.exception).toBeInstanceOf(TaskCancelled);
      expect(log).toEqual([['got', member]]);
      expect(yield* g.nextDone()).toBeNull();
      yield* g.join();
    });
  });
});
