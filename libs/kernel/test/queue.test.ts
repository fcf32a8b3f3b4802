import { spawn, sleep, clock } from '../src/ops.js';
import { timeoutAfter, ignoreAfter } from '../src/timeout.js';
import { CancelledError, CurioError, TaskCancelled, TaskTimeout } from '../src/errors.js';
import type { Operation } from '../src/operation.js';
import type { Task } from '../src/task.js';
import { Queue, PriorityQueue, LifoQueue } from '../src/queue.js';
import { runLeavingNoTask } from './helpers.js';

/** Takes every item currently in the queue (each get finds an item, so none blocks). */
function* drain<T>(q: Queue<T>): Operation<T[]> {
  const out: T[] = [];
  while (!q.empty()) out.push(yield* q.get());
  return out;
}

/** A consumer in Curio's tests' style: gets until null, marking every item done. */
function* consumer(q: Queue<number | null>, label: string, results: unknown[], pauseMs = 0): Operation<void> {
  for (;;) {
    const item = yield* q.get();
    if (item === null) break;
    results.push([label, item]);
    if (pauseMs > 0) yield* sleep(pauseMs);
    q.taskDone();
  }
  q.taskDone();
  results.push(`${label} done`);
}

describe('Queue', () => {
  it('passes items to two consumers in turn; join waits for every taskDone', async () => {
    const results: unknown[] = [];
    await runLeavingNoTask(function* () {
      const q = new Queue<number | null>();
      results.push('producer_start');
      const c1 = yield* spawn(consumer, q, 'cons1', results, 0);
      const c2 = yield* spawn(consumer, q, 'cons2', results, 0);
      yield* sleep(100);
      for (let n = 0; n < 4; n++) {
        yield* q.put(n);
        yield* sleep(100);
      }
      for (let n = 0; n < 2; n++) yield* q.put(null);
      results.push('producer_join');
      yield* q.join();
      results.push('producer_done');
      yield* c1.join();
      yield* c2.join();
    });
    expect(results).toEqual([
      'producer_start',
      ['cons1', 0], ['cons2', 1], ['cons1', 2], ['cons2', 3],
      'producer_join', 'cons1 done', 'cons2 done', 'producer_done',
    ]);
  });

  it('an unbounded queue never blocks put', async () => {
    const results: unknown[] = [];
    await runLeavingNoTask(function* () {
      const q = new Queue<number | null>();
      results.push('producer_start');
      const c = yield* spawn(consumer, q, 'cons1', results, 0);
      yield* sleep(100);
      for (let n = 0; n < 4; n++) yield* q.put(n);
      yield* q.put(null);
      // The first item went straight to the waiting consumer; the rest are queued.
      expect(q.size()).toBe(4);
      expect(q.full()).toBe(false);
      results.push('producer_join');
      yield* q.join();
      results.push('producer_done');
      yield* c.join();
    });
    expect(results).toEqual(['producer_start', 'producer_join', ['cons1', 0], ['cons1', 1], ['cons1', 2], ['cons1', 3], 'cons1 done', 'producer_done']);
  });

  it('a bounded queue blocks put (QUEUE_PUT) while full', async () => {
    const results: unknown[] = [];
    await runLeavingNoTask(function* () {
      const q = new Queue<number | null>(2);
      results.push('producer_start');
      const c = yield* spawn(consumer, q, 'cons1', results, 100);
      yield* sleep(100);
      for (let n = 0; n < 4; n++) {
        yield* q.put(n);
        results.push(['produced', n]);
      }
      yield* q.put(null);
      results.push('producer_join');
      yield* q.join();
      results.push('producer_done');
      yield* c.join();
    });
    // put(0) goes to the waiting consumer, 1 and 2 fill the queue, put(3) waits for a slot.
    expect(results).toEqual([
      'producer_start',
      ['produced', 0], ['produced', 1], ['produced', 2],
      ['cons1', 0], ['cons1', 1], ['produced', 3],
      ['cons1', 2], 'producer_join',
      ['cons1', 3], 'cons1 done', 'producer_done',
    ]);
  });

  it('full, empty and size follow maxsize; a blocked putter shows QUEUE_PUT and resumes when a slot frees', async () => {
    await runLeavingNoTask(function* () {
      const q = new Queue<string>(2);
      expect(q.maxsize).toBe(2);
      expect(q.empty()).toBe(true);
      yield* q.put('a');
      yield* q.put('b');
      expect(q.full()).toBe(true);
      expect(q.size()).toBe(2);
      const putter = yield* spawn(function* () {
        yield* q.put('c');
        return yield* clock();
      });
      yield* sleep(50);
      expect(putter.state).toBe('QUEUE_PUT');
      expect(String(q)).toBe('Queue(size: 2, maxsize: 2, getters: 0, putters: 1)');
      expect(yield* q.get()).toBe('a');
      // The freed slot went to the putter's item at once.
      expect(q.size()).toBe(2);
      expect(q.full()).toBe(true);
      expect(yield* putter.join()).toBe(50);
      expect(yield* drain(q)).toEqual(['b', 'c']);
    });
  });

  it('getters are served in arrival order (QUEUE_GET)', async () => {
    await runLeavingNoTask(function* () {
      const q = new Queue<number>();
      const getters: Task<number>[] = [];
      for (let i = 0; i < 3; i++) getters.push(yield* spawn(() => q.get()));
      yield* sleep(1);
      expect(getters.map((t) => t.state)).toEqual(['QUEUE_GET', 'QUEUE_GET', 'QUEUE_GET']);
      expect(String(q)).toBe('Queue(size: 0, maxsize: 0, getters: 3, putters: 0)');
      for (let i = 1; i <= 3; i++) yield* q.put(i * 10);
      const got: number[] = [];
      for (const g of getters) got.push(yield* g.join());
      expect(got).toEqual([10, 20, 30]);
      expect(q.empty()).toBe(true);
    });
  });

  it('an item put while a getter waits is handed to that getter; a newcomer get cannot take it', async () => {
    await runLeavingNoTask(function* () {
      const q = new Queue<string>();
      const waiting = yield* spawn(() => q.get());
      yield* sleep(1);
      yield* q.put('x');
      // Handed over: not in the queue, so our own get finds nothing.
      expect(q.size()).toBe(0);
      expect(yield* ignoreAfter(10, q.get(), { timeoutResult: 'nothing' })).toBe('nothing');
      expect(yield* waiting.join()).toBe('x');
    });
  });

  it('blocked putters are admitted in arrival order; a newcomer put cannot take a freed slot', async () => {
    await runLeavingNoTask(function* () {
      const q = new Queue<string>(1);
      yield* q.put('a');
      const p1 = yield* spawn(() => q.put('b'));
      const p2 = yield* spawn(() => q.put('c'));
      yield* sleep(1);
      expect(yield* q.get()).toBe('a');
      // The slot went to p1's item; we are now behind p2.
      expect(q.full()).toBe(true);
      const newcomer = yield* spawn(() => q.put('d'));
      const got: string[] = [];
      for (let i = 0; i < 3; i++) got.push(yield* q.get());
      expect(got).toEqual(['b', 'c', 'd']);
      yield* p1.join();
      yield* p2.join();
      yield* newcomer.join();
    });
  });

  it('put with room and get with an item available do not yield', async () => {
    const log: string[] = [];
    await runLeavingNoTask(function* () {
      const q = new Queue<number>(10);
      const other = yield* spawn(function* () {
        log.push('bystander ran');
      });
      for (let i = 0; i < 100; i++) {
        yield* q.put(i);
        yield* q.get();
        q.taskDone();
      }
      yield* q.join();
      log.push('main done');
      yield* other.join();
    });
    expect(log).toEqual(['main done', 'bystander ran']);
  });

  it('ping-pongs items between two tasks in order', async () => {
    const rounds = 10_000;
    const total = await runLeavingNoTask(function* () {
      const ping = new Queue<number>();
      const pong = new Queue<number>();
      const echo = yield* spawn(function* () {
        for (;;) {
          const n = yield* ping.get();
          if (n < 0) return;
          yield* pong.put(n + 1);
        }
      });
      let sum = 0;
      let outOfOrder = 0;
      for (let i = 0; i < rounds; i++) {
        yield* ping.put(i);
        const back = yield* pong.get();
        if (back !== i + 1) outOfOrder++;
        sum += back;
      }
      yield* ping.put(-1);
      yield* echo.join();
      expect(outOfOrder).toBe(0);
      return sum;
    });
    expect(total).toBe((rounds * (rounds + 1)) / 2);
  });

  it('keeps undefined and null items', async () => {
    await runLeavingNoTask(function* () {
      const q = new Queue<undefined | null | number>();
      yield* q.put(undefined);
      yield* q.put(null);
      yield* q.put(0);
      expect(q.size()).toBe(3);
      expect(yield* drain(q)).toEqual([undefined, null, 0]);
      const g = yield* spawn(() => q.get());
      yield* sleep(1);
      yield* q.put(undefined);
      expect(yield* g.join()).toBeUndefined();
      expect(q.empty()).toBe(true);
    });
  });

  describe('cancellation', () => {
    it('a blocking get can be cancelled', async () => {
      const results: string[] = [];
      await runLeavingNoTask(function* () {
        const q = new Queue<number>();
        const t = yield* spawn(function* () {
          try {
            results.push('consumer waiting');
            yield* q.get();
            results.push('not here');
          } catch (e) {
            if (e instanceof CancelledError) results.push('consumer cancelled');
            throw e;
          }
        });
        yield* sleep(500);
        yield* t.cancel();
        expect(String(q)).toBe('Queue(size: 0, maxsize: 0, getters: 0, putters: 0)');
      });
      expect(results).toEqual(['consumer waiting', 'consumer cancelled']);
    });

    it('a blocking put can be cancelled', async () => {
      const results: string[] = [];
      await runLeavingNoTask(function* () {
        const q = new Queue<number>(1);
        const t = yield* spawn(function* () {
          results.push('producer_start');
          yield* q.put(0);
          try {
            yield* q.put(1);
            results.push('not here');
          } catch (e) {
            if (e instanceof CancelledError) results.push('producer_cancel');
            throw e;
          }
        });
        yield* sleep(500);
        yield* t.cancel();
        expect(String(q)).toBe('Queue(size: 1, maxsize: 1, getters: 0, putters: 0)');
      });
      expect(results).toEqual(['producer_start', 'producer_cancel']);
    });

    it('a blocking get respects timeouts', async () => {
      const results: unknown[] = [];
      await runLeavingNoTask(function* () {
        const q = new Queue<number>();
        try {
          results.push('consumer waiting');
          yield* timeoutAfter(500, q.get());
          results.push('not here');
        } catch (e) {
          if (!(e instanceof TaskTimeout)) throw e;
          results.push('consumer timeout', yield* clock());
        }
      });
      expect(results).toEqual(['consumer waiting', 'consumer timeout', 500]);
    });

    it('a blocking put respects timeouts and adds nothing', async () => {
      const results: unknown[] = [];
      await runLeavingNoTask(function* () {
        const q = new Queue<number>(1);
        results.push('producer start');
        yield* q.put(0);
        try {
          yield* timeoutAfter(500, q.put(1));
          results.push('not here');
        } catch (e) {
          if (!(e instanceof TaskTimeout)) throw e;
          results.push('producer timeout', yield* clock());
        }
        expect(q.unfinishedTasks).toBe(1);
        expect(yield* drain(q)).toEqual([0]);
      });
      expect(results).toEqual(['producer start', 'producer timeout', 500]);
    });

    it('a cancelled get loses no item: the next item goes to the next getter', async () => {
      await runLeavingNoTask(function* () {
        const q = new Queue<string>();
        const cancelled = yield* spawn(() => q.get());
        const timedOut = yield* spawn(() => timeoutAfter(5, q.get()));
        yield* sleep(1);
        yield* cancelled.cancel();
        yield* timedOut.wait();
        expect(timedOut.exception).toBeInstanceOf(TaskTimeout);
        const next = yield* spawn(() => q.get());
        yield* sleep(1);
        yield* q.put('item');
        expect(yield* next.join()).toBe('item');
        yield* q.put('kept');
        expect(yield* q.get()).toBe('kept');
      });
    });

    it('a getter handed an item and cancelled before it runs still receives it', async () => {
      const seen: string[] = [];
      await runLeavingNoTask(function* () {
        const q = new Queue<string>();
        const t = yield* spawn(function* () {
          seen.push(yield* q.get());
          yield* sleep(10);
          seen.push('not here');
        });
        yield* sleep(1);
        yield* q.put('handed');
        yield* t.cancel({ blocking: false });
        yield* t.wait();
        expect(t.exception).toBeInstanceOf(TaskCancelled);
        expect(q.empty()).toBe(true);
        expect(q.unfinishedTasks).toBe(1);
      });
      expect(seen).toEqual(['handed']);
    });

    it('a cancelled put withdraws exactly its own item; other putters keep their order', async () => {
      await runLeavingNoTask(function* () {
        const q = new Queue<number>(1);
        yield* q.put(1);
        const putters: Task[] = [];
        // Two equal items: withdrawing one must not disturb which is which.
        for (const item of [2, 3, 2, 4]) putters.push(yield* spawn(() => q.put(item)));
        yield* sleep(1);
        yield* putters[2].cancel();
        const timedOut = yield* spawn(() => timeoutAfter(1, q.put(99)));
        yield* timedOut.wait();
        expect(timedOut.exception).toBeInstanceOf(TaskTimeout);
        expect(String(q)).toBe('Queue(size: 1, maxsize: 1, getters: 0, putters: 3)');
        const got: number[] = [];
        for (let i = 0; i < 4; i++) got.push(yield* q.get());
        expect(got).toEqual([1, 2, 3, 4]);
        for (const p of [putters[0], putters[1], putters[3]]) yield* p.join();
        expect(q.empty()).toBe(true);
        expect(q.unfinishedTasks).toBe(4);
      });
    });

    it('a putter admitted and cancelled before it runs has still put its item', async () => {
      const results: string[] = [];
      await runLeavingNoTask(function* () {
        const q = new Queue<string>(1);
        yield* q.put('a');
        const t = yield* spawn(function* () {
          yield* q.put('b');
          results.push('put returned');
          yield* sleep(10);
        });
        yield* sleep(1);
        expect(yield* q.get()).toBe('a');
        yield* t.cancel({ blocking: false });
        yield* t.wait();
        expect(t.exception).toBeInstanceOf(TaskCancelled);
        expect(yield* drain(q)).toEqual(['b']);
      });
      expect(results).toEqual(['put returned']);
    });
  });

  describe('join and taskDone', () => {
    it('join returns at once when nothing is outstanding', async () => {
      await runLeavingNoTask(function* () {
        const q = new Queue<number>();
        yield* q.join();
        yield* q.put(1);
        yield* q.get();
        q.taskDone();
        yield* q.join();
        expect(q.unfinishedTasks).toBe(0);
      });
    });

    it('join waits (QUEUE_JOIN) until every item is marked done, then wakes every joiner', async () => {
      const results: unknown[] = [];
      await runLeavingNoTask(function* () {
        const q = new Queue<number>();
        yield* q.put(1);
        yield* q.put(2);
        const joiners: Task[] = [];
        for (const name of ['j1', 'j2']) {
          joiners.push(yield* spawn(function* () {
            yield* q.join();
            results.push(`${name} joined at ${yield* clock()}`);
          }));
        }
        yield* sleep(10);
        expect(joiners[0].state).toBe('QUEUE_JOIN');
        yield* q.get();
        yield* q.get();
        q.taskDone();
        expect(q.unfinishedTasks).toBe(1);
        yield* sleep(10);
        expect(results).toEqual([]);
        q.taskDone();
        for (const j of joiners) yield* j.join();
      });
      expect(results).toEqual(['j1 joined at 20', 'j2 joined at 20']);
    });

    it('taskDone called more times than items were put throws a CurioError', async () => {
      await runLeavingNoTask(function* () {
        const q = new Queue<number>();
        expect(() => q.taskDone()).toThrow(CurioError);
        yield* q.put(1);
        yield* q.get();
        q.taskDone();
        expect(() => q.taskDone()).toThrow(/Queue\.taskDone\(\): called more times than there were items put/);
        expect(q.unfinishedTasks).toBe(0);
      });
      expect(() => new LifoQueue().taskDone()).toThrow(/LifoQueue\.taskDone\(\)/);
    });

    it('a cancelled or timed-out join leaves no joiner behind', async () => {
      await runLeavingNoTask(function* () {
        const q = new Queue<number>();
        yield* q.put(1);
        const j = yield* spawn(() => q.join());
        yield* sleep(1);
        yield* j.cancel();
        expect(j.exception).toBeInstanceOf(TaskCancelled);
        expect(yield* ignoreAfter(5, q.join(), { timeoutResult: 'timeout' })).toBe('timeout');
        yield* q.get();
        q.taskDone();
        yield* q.join();
      });
    });
  });

  it('rejects a bad maxsize', () => {
    expect(() => new Queue(-1)).toThrow(RangeError);
    expect(() => new Queue(2.5)).toThrow(/Queue\(\): maxsize must be an integer >= 0 \(0 means unbounded\), got 2.5/);
    expect(() => new Queue(NaN)).toThrow(RangeError);
    expect(() => new PriorityQueue(-1)).toThrow(/PriorityQueue\(\): maxsize/);
    expect(() => new LifoQueue(Infinity)).toThrow(/LifoQueue\(\): maxsize/);
  });

  it('get, put and join outside any task throw a clear CurioError', () => {
    const q = new Queue<number>();
    expect(() => q.get().next()).toThrow(/Queue\.get\(\) was called outside any task/);
    expect(() => q.put(1).next()).toThrow(/Queue\.put\(\) was called outside any task/);
    expect(() => q.join().next()).toThrow(/Queue\.join\(\) was called outside any task/);
    expect(q.size()).toBe(0);
  });
});

describe('PriorityQueue', () => {
  it('gets the smallest [priority, data] pair first (tuples compare element by element)', async () => {
    const results: number[] = [];
    const priorities = [4, 2, 1, 3, 12];
    await runLeavingNoTask(function* () {
      const q = new PriorityQueue<[number, number | null]>();
      for (const n of priorities) yield* q.put([n, n]);
      yield* q.put([100, null]);
      const c = yield* spawn(function* () {
        for (;;) {
          const [, item] = yield* q.get();
          if (item === null) break;
          results.push(item);
          q.taskDone();
          yield* sleep(200);
        }
        q.taskDone();
      });
      yield* q.join();
      yield* c.join();
    });
    expect(results).toEqual([1, 2, 3, 4, 12]);
  });

  it('orders numbers numerically and strings lexically by default', async () => {
    await runLeavingNoTask(function* () {
      const nums = new PriorityQueue<number>();
      for (const n of [10, 9, 100, -1, 2]) yield* nums.put(n);
      expect(yield* drain(nums)).toEqual([-1, 2, 9, 10, 100]);
      const words = new PriorityQueue<string>();
      for (const w of ['pear', 'apple', 'fig']) yield* words.put(w);
      expect(yield* drain(words)).toEqual(['apple', 'fig', 'pear']);
      const pairs = new PriorityQueue<[number, string]>();
      for (const p of [[2, 'b'], [1, 'z'], [2, 'a'], [1, 'y']] as [number, string][]) yield* pairs.put(p);
      expect(yield* drain(pairs)).toEqual([[1, 'y'], [1, 'z'], [2, 'a'], [2, 'b']]);
    });
  });

  it('items that compare equal come out in the order they were put', async () => {
    await runLeavingNoTask(function* () {
      const q = new PriorityQueue<{ pri: number; name: string }>(0, { compare: (a, b) => a.pri - b.pri });
      const input = [
        { pri: 2, name: 'c1' }, { pri: 1, name: 'a1' }, { pri: 2, name: 'c2' }, { pri: 1, name: 'a2' },
        { pri: 1, name: 'a3' }, { pri: 2, name: 'c3' }, { pri: 0, name: 'z' }, { pri: 1, name: 'a4' },
      ];
      for (const item of input) yield* q.put(item);
      expect((yield* drain(q)).map((x) => x.name)).toEqual(['z', 'a1', 'a2', 'a3', 'a4', 'c1', 'c2', 'c3']);
      // Values `<` cannot order are ties too: first in, first out.
      const plain = new PriorityQueue<object>();
      const objs = [{ id: 1 }, { id: 2 }, { id: 3 }];
      for (const o of objs) yield* plain.put(o);
      expect(yield* drain(plain)).toEqual(objs);
    });
  });

  it('a custom comparator sets the order', async () => {
    await runLeavingNoTask(function* () {
      const q = new PriorityQueue<number>(0, { compare: (a, b) => b - a });
      for (const n of [3, 1, 4, 1, 5, 9, 2, 6]) yield* q.put(n);
      expect(yield* drain(q)).toEqual([9, 6, 5, 4, 3, 2, 1, 1]);
    });
    expect(() => new PriorityQueue(0, { compare: 'desc' as unknown as (a: number, b: number) => number })).toThrow(TypeError);
  });

  it('stays sorted through many interleaved puts and gets', async () => {
    await runLeavingNoTask(function* () {
      const q = new PriorityQueue<number>();
      let seed = 12345;
      const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) % 1000;
      const shadow: number[] = [];
      for (let round = 0; round < 50; round++) {
        for (let i = 0; i < 40; i++) {
          const n = next();
          shadow.push(n);
          yield* q.put(n);
        }
        shadow.sort((a, b) => a - b);
        for (let i = 0; i < 20; i++) expect(yield* q.get()).toBe(shadow.shift());
      }
      expect(q.size()).toBe(shadow.length);
      expect(yield* drain(q)).toEqual(shadow);
    });
  });

  it('blocks put at maxsize and hands an item straight to a waiting getter', async () => {
    await runLeavingNoTask(function* () {
      const q = new PriorityQueue<number>(2);
      const getter = yield* spawn(() => q.get());
      yield* sleep(1);
      yield* q.put(50);
      expect(yield* getter.join()).toBe(50);
      yield* q.put(7);
      yield* q.put(3);
      expect(q.full()).toBe(true);
      const putter = yield* spawn(() => q.put(1));
      yield* sleep(1);
      expect(putter.state).toBe('QUEUE_PUT');
      expect(yield* q.get()).toBe(3);
      yield* putter.join();
      expect(yield* drain(q)).toEqual([1, 7]);
      expect(String(q)).toBe('PriorityQueue(size: 0, maxsize: 2, getters: 0, putters: 0)');
    });
  });
});

describe('LifoQueue', () => {
  it('gets the most recently put item first', async () => {
    const results: number[] = [];
    await runLeavingNoTask(function* () {
      const q = new LifoQueue<number | null>();
      yield* q.put(null);
      for (let n = 0; n < 4; n++) yield* q.put(n);
      const c = yield* spawn(function* () {
        for (;;) {
          const item = yield* q.get();
          if (item === null) break;
          results.push(item);
          q.taskDone();
          yield* sleep(200);
        }
        q.taskDone();
      });
      yield* q.join();
      yield* c.join();
    });
    expect(results).toEqual([3, 2, 1, 0]);
  });

  it('blocks put at maxsize; the admitted item goes on top', async () => {
    await runLeavingNoTask(function* () {
      const q = new LifoQueue<string>(2);
      yield* q.put('a');
      yield* q.put('b');
      const putter = yield* spawn(() => q.put('c'));
      yield* sleep(1);
      expect(putter.state).toBe('QUEUE_PUT');
      expect(yield* q.get()).toBe('b');
      yield* putter.join();
      expect(yield* drain(q)).toEqual(['c', 'a']);
    });
  });

  it('a cancelled get on a LifoQueue loses nothing', async () => {
    await runLeavingNoTask(function* () {
      const q = new LifoQueue<number>();
      const t = yield* spawn(() => q.get());
      yield* sleep(1);
      yield* t.cancel();
      yield* q.put(1);
      yield* q.put(2);
      expect(yield* drain(q)).toEqual([2, 1]);
    });
  });
});

// Issue 12, item 1: an operation that raises did not happen. A putter that leaves the
// queue cancelled or timed out must take its item with it at once, not when it resumes:
// a get that frees a slot in between must not add the withdrawn item.
describe.each([
  ['Queue', () => new Queue<string>(1)],
  ['LifoQueue', () => new LifoQueue<string>(1)],
  ['PriorityQueue', () => new PriorityQueue<string>(1)],
])('%s: a put that raises adds nothing', (_name, make) => {
  it('a putter cancelled before a get frees a slot adds nothing', async () => {
    await runLeavingNoTask(function* () {
      const q = make();
      yield* q.put('a');
      const producer = yield* spawn(() => q.put('b'));
      yield* sleep(1);
      yield* producer.cancel({ blocking: false });
      // The producer has not resumed yet: this get frees the slot it was waiting for.
      expect(yield* q.get()).toBe('a');
      yield* producer.wait();
      expect(producer.exception).toBeInstanceOf(TaskCancelled);
      expect(q.empty()).toBe(true);
      expect(q.unfinishedTasks).toBe(1);
    });
  });

  it('a putter that times out in the tick a get frees a slot, and retries, delivers its item once', async () => {
    await runLeavingNoTask(function* () {
      const q = make();
      yield* q.put('a');
      let attempts = 0;
      const producer = yield* spawn(function* () {
        for (;;) {
          attempts++;
          try {
            yield* timeoutAfter(5, q.put('b'));
            return;
          } catch (e) {
            if (!(e instanceof TaskTimeout)) throw e;
          }
        }
      });
      // Sleep first, so at clock 5 this task is woken before the producer's timeout fires:
      // the get below runs before the producer has seen its TaskTimeout.
      yield* sleep(5);
      const received = [yield* q.get()];
      yield* sleep(1);
      while (!q.empty()) received.push(yield* q.get());
      yield* producer.join();
      expect(received).toEqual(['a', 'b']);
      expect(attempts).toBe(2);
      expect(q.unfinishedTasks).toBe(2);
    });
  });
});
