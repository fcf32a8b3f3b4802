/**
 * UniversalQueue and UniversalEvent between every pair of worlds: kernel tasks, plain
 * async code and worker threads (blocking with the *Sync methods, or awaiting). The
 * thread side lives in test/fixtures/universal.mjs and imports the built package
 * (`nx test` builds it first).
 */
import { join } from 'node:path';
import { run, spawn, sleep, timeoutAfter, ignoreAfter, TaskTimeout, CurioError } from '@curio/kernel';
import { ThreadPool, UniversalQueue, UniversalEvent, functionRef } from '@curio/workers';

const FIXTURE = join(__dirname, 'fixtures/universal.mjs');
const ref = (name: string) => functionRef(FIXTURE, name);

type World = 'task' | 'async' | 'thread (blocking)' | 'thread (async)';
const WORLDS: World[] = ['task', 'async', 'thread (blocking)', 'thread (async)'];

let pool: ThreadPool;
beforeAll(() => {
  pool = new ThreadPool({ size: 4 });
});
afterAll(() => pool.close());

/** Puts 0..n-1 into `q` from `world`; `progress[0]` counts the puts that returned. */
function produce(world: World, q: UniversalQueue<number>, n: number, progress: SharedArrayBuffer): Promise<unknown> {
  const cells = new Int32Array(progress);
  switch (world) {
    case 'task':
      return run(function* () {
        for (let i = 0; i < n; i++) {
          yield* q.put(i);
          Atomics.store(cells, 0, i + 1);
        }
      });
    case 'async':
      return (async () => {
        for (let i = 0; i < n; i++) {
          await q.put(i);
          Atomics.store(cells, 0, i + 1);
        }
      })();
    case 'thread (blocking)':
      return pool.runAsync(ref('produceSync'), [q, n, progress]);
    case 'thread (async)':
      return pool.runAsync(ref('produceAsync'), [q, n, progress]);
  }
}

/** Gets n items from `q` in `world`; `beforeEach` runs (in the test's thread) before each get of the task and async worlds. */
function consume(world: World, q: UniversalQueue<number>, n: number, beforeEach: () => Promise<void> = async () => {}): Promise<number[]> {
  switch (world) {
    case 'task':
      return (async () => {
        const items: number[] = [];
        for (let i = 0; i < n; i++) {
          await beforeEach();
          items.push(await run(() => q.get()));
        }
        return items;
      })();
    case 'async':
      return (async () => {
        const items: number[] = [];
        for (let i = 0; i < n; i++) {
          await beforeEach();
          items.push(await q.get());
        }
        return items;
      })();
    case 'thread (blocking)':
      return pool.runAsync(ref('consumeSync'), [q, n]) as Promise<number[]>;
    case 'thread (async)':
      return pool.runAsync(ref('consumeAsync'), [q, n]) as Promise<number[]>;
  }
}

const pairs = WORLDS.flatMap((producer) => WORLDS.map((consumer) => [producer, consumer] as const));

describe('UniversalQueue', () => {
  it.each(pairs)('carries items in order from %s to %s', async (producer, consumer) => {
    const q = new UniversalQueue<number>();
    const n = 200;
    const [, items] = await Promise.all([produce(producer, q, n, new SharedArrayBuffer(4)), consume(consumer, q, n)]);
    expect(items).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(q.empty()).toBe(true);
  });

  it.each(WORLDS)('holds back a producer in %s while the queue is full', async (producer) => {
    const maxsize = 3;
    const n = 12;
    const q = new UniversalQueue<number>(maxsize);
    const progress = new SharedArrayBuffer(4);
    const done = new Int32Array(progress);
    let taken = 0;
    let worstLead = 0;
    // The consumer lets the queue fill up before each get: a producer that was not held
    // back would be more than maxsize puts ahead of it.
    const waitUntilFull = async () => {
      while (!q.full() && Atomics.load(done, 0) < n) await new Promise((resolve) => setImmediate(resolve));
      worstLead = Math.max(worstLead, Atomics.load(done, 0) - taken);
      expect(q.size()).toBeLessThanOrEqual(maxsize);
      taken++;
    };
    const [, items] = await Promise.all([produce(producer, q, n, progress), consume('async', q, n, waitUntilFull)]);
    expect(items).toHaveLength(n);
    expect(worstLead).toBeLessThanOrEqual(maxsize);
    expect(worstLead).toBeGreaterThanOrEqual(maxsize - 1);
  });

  it('a task cancelled while getting takes no item; the next getter gets it', async () => {
    const q = new UniversalQueue<string>();
    const result = await run(function* () {
      const timedOut = yield* ignoreAfter(20, q.get(), { timeoutResult: 'timed out' });
      const getter = yield* spawn(() => q.get());
      yield* sleep(5);
      yield* q.put('kept');
      return [timedOut, yield* getter.join(), q.size()];
    });
    expect(result).toEqual(['timed out', 'kept', 0]);
  });

  it('a task cancelled while putting into a full queue adds nothing', async () => {
    const q = new UniversalQueue<string>(1);
    const error = await run(function* () {
      yield* q.put('first');
      try {
        yield* timeoutAfter(20, q.put('second'));
        return null;
      } catch (e) {
        return e;
      }
    });
    expect(error).toBeInstanceOf(TaskTimeout);
    expect(q.size()).toBe(1);
    expect(await q.get()).toBe('first');
    expect(q.empty()).toBe(true);
  });

  it('join waits for taskDone of every item, from a task and from async code', async () => {
    const q = new UniversalQueue<number>();
    for (let i = 0; i < 5; i++) expect(q.tryPut(i)).toBe(true);
    const consumer = pool.runAsync(ref('consumeSync'), [q, 5]); // marks each item done
    await Promise.all([run(() => q.join()), q.join()]);
    expect(await consumer).toEqual([0, 1, 2, 3, 4]);
    expect(() => q.taskDone()).toThrow(CurioError);
  });

  it('checks its arguments and refuses to block the main thread', async () => {
    expect(() => new UniversalQueue(-1)).toThrow(/maxsize must be an integer >= 0 \(0 means no limit but the buffer\), got -1/);
    expect(() => new UniversalQueue(0, { bufferSize: 10 })).toThrow(/bufferSize must be an integer from 64 to 2\^31-1 bytes, got 10/);
    const small = new UniversalQueue<string>(0, { bufferSize: 64 });
    await expect(small.put('x'.repeat(100))).rejects.toThrow(/the item takes \d+ bytes serialized, more than the queue's buffer of 64; make the queue with a larger bufferSize/);
    expect(() => small.getSync()).toThrow(/blocking would freeze the main thread's event loop.*yield\* UniversalQueue\.get\(\)/);
    expect(() => UniversalQueue.from({} as never)).toThrow(/expected a UniversalQueue sent to this thread, got an object/);
  });

  it('bounds an unbounded queue by its buffer: put waits for room', async () => {
    const q = new UniversalQueue<Buffer>(0, { bufferSize: 1024 });
    let puts = 0;
    const producer = (async () => {
      for (let i = 0; i < 10; i++) {
        await q.put(Buffer.alloc(300, i));
        puts++;
      }
    })();
    await new Promise((resolve) => setImmediate(resolve));
    expect(q.size()).toBe(3);
    expect(puts).toBe(3);
    const got: number[] = [];
    for (let i = 0; i < 10; i++) got.push((await q.get())[0]);
    await producer;
    expect(got).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('reaches a worker thread as a working queue, nested in an object too', async () => {
    const q = new UniversalQueue<number>(7);
    const e = new UniversalEvent();
    expect(await pool.runAsync(ref('describeArgs'), [q, { event: e }])).toEqual(['UniversalQueue(size: 0, maxsize: 7)', 'UniversalEvent(unset)', 7]);
    expect(UniversalQueue.from(structuredClone(q)).maxsize).toBe(7);
  });
});

/** Sets `e` from `world`. */
function setFrom(world: World, e: UniversalEvent): Promise<unknown> {
  switch (world) {
    case 'task':
      return run(function* () {
        yield* sleep(1);
        e.set();
      });
    case 'async':
      return new Promise((resolve) => setTimeout(resolve, 1)).then(() => e.set());
    default:
      return pool.runAsync(ref('setEvent'), [e]);
  }
}

/** Waits for `e` in `world`. */
function waitIn(world: World, e: UniversalEvent): Promise<unknown> {
  switch (world) {
    case 'task':
      return run(function* () {
        yield* e.wait();
        return 'woken';
      });
    case 'async':
      return e.wait().then(() => 'woken');
    case 'thread (blocking)':
      return pool.runAsync(ref('waitEventSync'), [e]);
    case 'thread (async)':
      return pool.runAsync(ref('waitEventAsync'), [e]);
  }
}

describe('UniversalEvent', () => {
  it.each(pairs)('set in %s wakes a waiter in %s', async (setter, waiter) => {
    const e = new UniversalEvent();
    const waiting = waitIn(waiter, e);
    await setFrom(setter, e);
    expect(await waiting).toBe('woken');
    expect(e.isSet()).toBe(true);
  });

  it('wakes every waiter at once, and clear makes waits block again', async () => {
    const e = new UniversalEvent();
    const waiters = [waitIn('task', e), waitIn('async', e), waitIn('thread (blocking)', e), waitIn('thread (async)', e)];
    e.set();
    expect(await Promise.all(waiters)).toEqual(['woken', 'woken', 'woken', 'woken']);
    e.clear();
    expect(e.isSet()).toBe(false);
    const late = await run(() => ignoreAfter(20, e.wait(), { timeoutResult: 'still clear' }));
    expect(late).toBe('still clear');
    expect(() => e.waitSync()).toThrow(/blocking would freeze the main thread's event loop/);
  });
});
