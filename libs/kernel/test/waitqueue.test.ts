import { SchedFIFO, SchedBarrier, spawn, sleep, timeoutAfter, TaskTimeout, awaitPromise, type Operation } from '../src/index.js';
import { runVirtual } from './helpers.js';

describe('SchedFIFO', () => {
  it('wakes parked tasks one at a time, oldest first; wake(n) wakes n', async () => {
    const q = new SchedFIFO();
    const woke: number[] = [];
    await runVirtual(function* () {
      const tasks = [];
      for (let i = 0; i < 4; i++) tasks.push(yield* spawn(function* () {
        yield* q.suspend('MY_WAIT');
        woke.push(i);
      }));
      yield* sleep(1);
      expect(q.length).toBe(4);
      expect(tasks[0].state).toBe('MY_WAIT');
      expect(q.wake()).toBe(1);
      yield* sleep(1);
      expect(woke).toEqual([0]);
      expect(q.wake(2)).toBe(2);
      yield* sleep(1);
      expect(woke).toEqual([0, 1, 2]);
      expect(q.wake(5)).toBe(1);
      for (const t of tasks) yield* t.join();
    });
    expect(woke).toEqual([0, 1, 2, 3]);
  });

  it('wakeNow from a Node callback runs the woken task inside the callback; from a task it only queues it', async () => {
    const q = new SchedFIFO();
    const log: string[] = [];
    const woken = await runVirtual(function* () {
      const waiter = yield* spawn(function* () {
        yield* q.suspend('MY_WAIT');
        log.push('woken');
        yield* q.suspend('MY_WAIT');
        log.push('woken again');
      });
      yield* sleep(0);
      // A Node callback with every task parked: the waiter runs before wakeNow returns.
      const fromCallback = yield* awaitPromise(
        new Promise<boolean>((resolve) =>
          setImmediate(() => {
            log.push('callback');
            const woke = q.wakeNow();
            log.push('callback done');
            resolve(woke);
          }),
        ),
      );
      // Inside a task it must not run another task re-entrantly: it is queued like wake().
      const fromTask = q.wakeNow();
      log.push('task called wakeNow');
      yield* waiter.join();
      return [fromCallback, fromTask, q.wakeNow()];
    });
    expect(log).toEqual(['callback', 'woken', 'callback done', 'task called wakeNow', 'woken again']);
    expect(woken).toEqual([true, true, false]);
  });

  it('a cancelled waiter leaves the queue wherever it stands', async () => {
    const q = new SchedFIFO();
    await runVirtual(function* () {
      const tasks = [];
      for (let i = 0; i < 3; i++) tasks.push(yield* spawn(function* () {
        yield* q.suspend('X');
      }));
      yield* sleep(1);
      yield* tasks[1].cancel();
      expect(q.length).toBe(2);
      expect([...q]).toEqual([tasks[0], tasks[2]]);
      q.wake(2);
      yield* tasks[0].join();
      yield* tasks[2].join();
    });
  });

  it('a timed-out waiter leaves the queue', async () => {
    const q = new SchedFIFO();
    const e = await runVirtual(function* () {
      try {
        yield* timeoutAfter(10, q.suspend('X'));
      } catch (err) {
        expect(q.length).toBe(0);
        return err;
      }
    });
    expect(e).toBeInstanceOf(TaskTimeout);
  });
});

describe('WaitQueue.wakeOne (public hand-off)', () => {
  /** The example in wakeOne's TSDoc: a primitive built on public API only. */
  class Mailbox<T> {
    private readonly getters = new SchedFIFO();
    private items: T[] = [];
    put(item: T): void {
      if (this.getters.wakeOne(item) === null) this.items.push(item);
    }
    *get(): Operation<T> {
      if (this.items.length > 0) return this.items.shift() as T;
      return (yield* this.getters.suspend('MAILBOX_GET')) as T;
    }
  }

  it('hands the value to the oldest parked task and returns it; null when nobody waits', async () => {
    await runVirtual(function* () {
      const q = new SchedFIFO();
      expect(q.wakeOne('nobody')).toBeNull();
      const first = yield* spawn(() => q.suspend('W'));
      const second = yield* spawn(() => q.suspend('W'));
      yield* sleep(1);
      expect(q.wakeOne('one')).toBe(first);
      expect(q.length).toBe(1);
      expect(q.wakeOne('two')).toBe(second);
      expect(yield* first.join()).toBe('one');
      expect(yield* second.join()).toBe('two');
    });
  });

  it('a primitive built on it loses nothing to cancellation', async () => {
    await runVirtual(function* () {
      const box = new Mailbox<string>();
      const cancelled = yield* spawn(() => box.get());
      const waiting = yield* spawn(() => box.get());
      yield* sleep(1);
      yield* cancelled.cancel();
      box.put('letter');
      expect(yield* waiting.join()).toBe('letter');
      box.put('kept');
      expect(yield* box.get()).toBe('kept');
    });
  });
});

describe('SchedBarrier', () => {
  it('wakes every parked task by default', async () => {
    const b = new SchedBarrier();
    let woke = 0;
    await runVirtual(function* () {
      const tasks = [];
      for (let i = 0; i < 5; i++) tasks.push(yield* spawn(function* () {
        yield* b.suspend('BARRIER');
        woke++;
      }));
      yield* sleep(1);
      expect(b.wake()).toBe(5);
      for (const t of tasks) yield* t.join();
    });
    expect(woke).toBe(5);
  });
});

describe('WaitQueue.trap and traceTrap (direct traps for hot paths)', () => {
  it('a yielded trap parks the task in its state; the waker hands over a value; the trap is reused', async () => {
    const { Kernel, traceTrap } = await import('../src/index.js');
    const q = new SchedFIFO();
    const kernel = new Kernel({ traceStacks: true });
    const got = await kernel.run(function* () {
      expect(q.trap('HOT_WAIT')).toBe(q.trap('HOT_WAIT'));
      const t = yield* spawn(function* parkedDirectly() {
        return (yield traceTrap(q.trap('HOT_WAIT'))) as string;
      });
      yield* sleep(1);
      expect(t.state).toBe('HOT_WAIT');
      expect(t.where()?.function).toMatch(/parkedDirectly/);
      q.wakeOne('handed over');
      return yield* t.join();
    });
    await kernel.shutdown();
    expect(got).toBe('handed over');
  });

  it('a task cancelled while parked on a direct trap leaves the queue', async () => {
    const { traceTrap } = await import('../src/index.js');
    const q = new SchedFIFO();
    await runVirtual(function* () {
      const t = yield* spawn(function* () {
        yield traceTrap(q.trap('HOT_WAIT'));
      });
      yield* sleep(1);
      yield* t.cancel();
      expect(q.length).toBe(0);
    });
  });

  it('traceTrap outside any task throws the usual clear error', async () => {
    const { traceTrap } = await import('../src/index.js');
    const q = new SchedFIFO();
    expect(() => traceTrap(q.trap('HOT_WAIT'))).toThrow(/an operation waiting in HOT_WAIT was run outside any task/);
  });
});
