/**
 * Queues for passing items between tasks: {@link Queue} (FIFO), {@link PriorityQueue}
 * (smallest first) and {@link LifoQueue} (last in, first out).
 *
 * Items are handed over, never grabbed: `put` gives its item straight to the oldest
 * waiting getter, and `get` moves the oldest blocked putter's item into the freed slot.
 * So waiters are served in arrival order, newcomers cannot barge ahead of them, and a
 * waiter cancelled while parked takes nothing with it (a woken waiter already holds its
 * item; the kernel delays its cancellation to its next blocking call).
 *
 * A blocked putter's item is an offer keyed by the putter itself, and `get` admits the
 * item of the putter it wakes from the wait queue. A putter cancelled or timed out has
 * already left that queue, so its offer can never be taken, even before it resumes: a
 * `put` that raises added nothing.
 * @packageDocumentation
 */
import { CurioError } from './errors.js';
import type { Trap } from './traps.js';
import { type Operation } from './operation.js';
import { describeValue } from './describe-value.js';
import { HandWrittenOperation } from './hand-written.js';
import { SchedBarrier, SchedFIFO } from './waitqueue.js';
import { _requireTask, traceTrap } from './current.js';
import { Deque } from './deque.js';
import type { Task } from './task.js';

/** @internal Where a queue keeps its items; `shift` removes the next one in the queue's order. */
export interface ItemStore<T> {
  readonly length: number;
  push(item: T): void;
  shift(): T | undefined;
}

/**
 * What `_tryGet` returns from an empty queue (items may be anything, undefined included).
 * An object, not a Symbol: compared with an item, V8 emits a pointer comparison instead
 * of calling its generic StrictEqual (see docs/internals.md).
 */
const NO_ITEM: Readonly<{ noItem: true }> = Object.freeze({ noItem: true });

function checkMaxsize(kind: string, maxsize: number): void {
  if (typeof maxsize !== 'number' || !Number.isSafeInteger(maxsize) || maxsize < 0) {
    throw new RangeError(`${kind}(): maxsize must be an integer >= 0 (0 means unbounded), got ${describeValue(maxsize)}`);
  }
}

/**
 * A FIFO queue between tasks. `get` waits while the queue is empty; `put` waits while
 * it holds `maxsize` items (0, the default, means no limit). `taskDone` and `join` let a
 * producer wait until every item it put has been processed.
 *
 * @example
 * ```ts
 * const q = new Queue<string>(100);
 * yield* spawn(function* () {
 *   for (;;) { const job = yield* q.get(); handle(job); q.taskDone(); }
 * });
 * yield* q.put('job 1');
 * yield* q.join(); // every job handled
 * ```
 */
export class Queue<T = unknown> {
  /** The most items the queue holds before `put` waits; 0 means no limit. */
  readonly maxsize: number;
  /** @internal */ protected _items: ItemStore<T> = new Deque<T>();
  private unfinished = 0;
  /** The items of the putters parked in `putWaiting`, by putter; a putter that leaves (admitted, cancelled, timed out) takes its entry out. */
  private readonly offers = new Map<Task, T>();
  private readonly getWaiting = new SchedFIFO();
  private readonly putWaiting = new SchedFIFO();
  private readonly joinWaiting = new SchedBarrier();
  /** @internal What `get` waits on. */ readonly _getTrap = this.getWaiting.trap('QUEUE_GET');
  /** @internal What `put` waits on. */ readonly _putTrap = this.putWaiting.trap('QUEUE_PUT');
  private readonly joinTrap = this.joinWaiting.trap('QUEUE_JOIN');

  /**
   * @param maxsize the most items held before `put` waits; default 0 (no limit).
   * @throws RangeError if `maxsize` is not an integer >= 0.
   */
  constructor(maxsize = 0) {
    checkMaxsize(new.target.name, maxsize);
    this.maxsize = maxsize;
  }

  /**
   * Removes and returns the next item, waiting (state `QUEUE_GET`) while the queue is
   * empty. Getters are served in arrival order. Cancelled while waiting, it takes no item.
   */
  get(): Operation<T> {
    // Hand-written, not a function*: queues sit in the innermost loops (see hand-written.ts).
    return new QueueGet(this);
  }

  /**
   * Adds `item`, waiting (state `QUEUE_PUT`) while the queue is full. If a task is
   * waiting in `get`, the item goes straight to the oldest one. Cancelled while waiting,
   * the item is not added.
   */
  put(item: T): Operation<void> {
    return new QueuePut(this, item);
  }

  /** @internal The first step of `get`: the next item, or NO_ITEM if the caller must wait in `_getTrap`. */
  _tryGet(): T | typeof NO_ITEM {
    const items = this._items;
    // Getters only ever wait on an empty queue, so an item here is nobody else's.
    if (items.length === 0) return NO_ITEM;
    const item = items.shift() as T;
    if (this.putWaiting.length > 0) this.admitPutter();
    return item;
  }

  /** @internal The first step of `put` by `putter`: true if the item went in, false if `putter` must wait in putTrap (its offer is recorded). */
  _tryPut(putter: Task, item: T): boolean {
    if (this.getWaiting.length > 0) {
      this.unfinished++;
      // The getter resumes with the item.
      this.getWaiting.wakeOne(item);
      return true;
    }
    if (this.maxsize === 0 || this._items.length < this.maxsize) {
      this.unfinished++;
      this._items.push(item);
      return true;
    }
    this.offers.set(putter, item);
    return false;
  }

  /** @internal A putter left putWaiting without being admitted (cancelled, timed out): get() can no longer take its offer. */
  _withdraw(putter: Task): void {
    this.offers.delete(putter);
  }

  /**
   * Waits (state `QUEUE_JOIN`) until every item put so far has been marked done with
   * {@link Queue.taskDone}. Returns at once if none is outstanding.
   */
  *join(): Operation<void> {
    _requireTask('Queue.join');
    if (this.unfinished > 0) yield traceTrap(this.joinTrap);
  }

  /**
   * Marks one item taken from the queue as processed; when none is left outstanding,
   * wakes every task waiting in {@link Queue.join}. Never blocks.
   * @throws CurioError if called more times than items were put.
   */
  taskDone(): void {
    if (this.unfinished <= 0) {
      throw new CurioError(`${this.constructor.name}.taskDone(): called more times than there were items put`);
    }
    if (--this.unfinished === 0 && this.joinWaiting.length > 0) this.joinWaiting.wake();
  }

  /** How many items the queue holds. */
  size(): number {
    return this._items.length;
  }

  /** True if the queue holds no item. */
  empty(): boolean {
    return this._items.length === 0;
  }

  /** True if the queue holds `maxsize` items, so a `put` would wait. Always false without a limit. */
  full(): boolean {
    return this.maxsize > 0 && this._items.length >= this.maxsize;
  }

  /** How many items were put and not yet marked done with {@link Queue.taskDone}. */
  get unfinishedTasks(): number {
    return this.unfinished;
  }

  /** `Queue(size: 2, maxsize: 0, getters: 0, putters: 0)`. */
  toString(): string {
    return `${this.constructor.name}(size: ${this._items.length}, maxsize: ${this.maxsize}, getters: ${this.getWaiting.length}, putters: ${this.putWaiting.length})`;
  }

  /** A slot was freed: the oldest parked putter is woken and its item goes into the slot. */
  private admitPutter(): void {
    const putter = this.putWaiting.wakeOne() as Task;
    const item = this.offers.get(putter) as T;
    this.offers.delete(putter);
    this.unfinished++;
    this._items.push(item);
  }
}

/** `Queue.get()` as a hand-written operation. */
class QueueGet<T> extends HandWrittenOperation<T> {
  constructor(private readonly queue: Queue<T>) {
    super();
  }

  next(sent?: unknown): IteratorResult<Trap, T> {
    const phase = this.phase;
    this.phase = 'done';
    // put() hands its item to us as it wakes us.
    if (phase === 'waiting') return { value: sent as T, done: true };
    if (phase === 'done') return { value: undefined as T, done: true };
    _requireTask('Queue.get');
    const queue = this.queue;
    const item = queue._tryGet();
    if (item !== NO_ITEM) return { value: item as T, done: true };
    this.phase = 'waiting';
    return { value: traceTrap(queue._getTrap), done: false };
  }

  // A cancelled getter has left getWaiting (the kernel detached it) and took nothing.
  protected release(): void {}
}

/** `Queue.put(item)` as a hand-written operation. */
class QueuePut<T> extends HandWrittenOperation<void> {
  private putter: Task | null = null;

  constructor(
    private readonly queue: Queue<T>,
    private readonly item: T,
  ) {
    super();
  }

  next(): IteratorResult<Trap, void> {
    const phase = this.phase;
    this.phase = 'done';
    // Woken by get(), which moved our item into the queue.
    if (phase !== 'start') return { value: undefined, done: true };
    const me = _requireTask('Queue.put');
    if (this.queue._tryPut(me, this.item)) return { value: undefined, done: true };
    this.putter = me;
    this.phase = 'waiting';
    return { value: traceTrap(this.queue._putTrap), done: false };
  }

  // Cancelled or timed out: we left putWaiting then, so get() never took the offer.
  protected release(): void {
    this.queue._withdraw(this.putter as Task);
  }
}

/**
 * Options of {@link PriorityQueue}.
 * @example
 * ```ts
 * const options: PriorityQueueOptions<Job> = { compare: (a, b) => a.deadline - b.deadline };
 * const jobs = new PriorityQueue<Job>(0, options);
 * ```
 */
export interface PriorityQueueOptions<T> {
  /**
   * Orders items like `Array.prototype.sort`'s comparator: negative if `a` comes out
   * before `b`, positive if after, 0 for a tie. Default: the natural order (`<`), with
   * arrays compared element by element like tuples (`[priority, data]`).
   */
  compare?: (a: T, b: T) => number;
}

/**
 * The default order: `<` for numbers, strings, bigints and dates; arrays element by
 * element (so `[priority, data]` pairs sort by priority first). Values `<` cannot order
 * compare equal.
 */
function naturalOrder(a: unknown, b: unknown): number {
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const c = naturalOrder(a[i], b[i]);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  return (a as number) < (b as number) ? -1 : (b as number) < (a as number) ? 1 : 0;
}

/** A binary min-heap; equal items come out in insertion order (each carries a sequence number). */
class BinaryHeap<T> implements ItemStore<T> {
  private readonly items: T[] = [];
  private readonly seqs: number[] = [];
  private nextSeq = 0;

  constructor(private readonly compare: (a: T, b: T) => number) {}

  get length(): number {
    return this.items.length;
  }

  push(item: T): void {
    const items = this.items;
    const seqs = this.seqs;
    const seq = this.nextSeq++;
    let i = items.length;
    items.push(item);
    seqs.push(seq);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(item, seq, items[parent], seqs[parent])) break;
      items[i] = items[parent];
      seqs[i] = seqs[parent];
      i = parent;
    }
    items[i] = item;
    seqs[i] = seq;
  }

  shift(): T | undefined {
    const items = this.items;
    const seqs = this.seqs;
    if (items.length === 0) return undefined;
    const top = items[0];
    const last = items.pop() as T;
    const lastSeq = seqs.pop() as number;
    const n = items.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= n) break;
        if (child + 1 < n && this.before(items[child + 1], seqs[child + 1], items[child], seqs[child])) child++;
        if (!this.before(items[child], seqs[child], last, lastSeq)) break;
        items[i] = items[child];
        seqs[i] = seqs[child];
        i = child;
      }
      items[i] = last;
      seqs[i] = lastSeq;
    }
    return top;
  }

  private before(a: T, seqA: number, b: T, seqB: number): boolean {
    const c = this.compare(a, b);
    return c < 0 || (!(c > 0) && seqA < seqB);
  }
}

/** A stack: `shift` takes the most recently pushed item. */
class ItemStack<T> implements ItemStore<T> {
  private readonly items: T[] = [];

  get length(): number {
    return this.items.length;
  }

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T | undefined {
    return this.items.pop();
  }
}

/**
 * A {@link Queue} whose `get` returns the smallest item first (a binary heap). Items
 * that compare equal come out in the order they were put.
 *
 * @example
 * ```ts
 * const jobs = new PriorityQueue<[number, string]>();
 * yield* jobs.put([2, 'later']);
 * yield* jobs.put([1, 'first']);
 * (yield* jobs.get())[1]; // 'first'
 * const byDeadline = new PriorityQueue<Job>(0, { compare: (a, b) => a.deadline - b.deadline });
 * ```
 */
export class PriorityQueue<T = unknown> extends Queue<T> {
  /**
   * @param maxsize the most items held before `put` waits; default 0 (no limit).
   * @param options `compare`: the order of items (default: natural order).
   * @throws RangeError if `maxsize` is not an integer >= 0.
   * @throws TypeError if `compare` is not a function.
   */
  constructor(maxsize = 0, options: PriorityQueueOptions<T> = {}) {
    super(maxsize);
    const compare = options.compare ?? naturalOrder;
    if (typeof compare !== 'function') throw new TypeError(`PriorityQueue(): compare must be a function (a, b) => number, got ${describeValue(compare)}`);
    this._items = new BinaryHeap<T>(compare);
  }
}

/**
 * A {@link Queue} whose `get` returns the most recently put item first (a stack).
 * @example
 * ```ts
 * const stack = new LifoQueue<number>();
 * yield* stack.put(1);
 * yield* stack.put(2);
 * yield* stack.get();   // 2
 * ```
 */
export class LifoQueue<T = unknown> extends Queue<T> {
  /**
   * @param maxsize the most items held before `put` waits; default 0 (no limit).
   * @throws RangeError if `maxsize` is not an integer >= 0.
   */
  constructor(maxsize = 0) {
    super(maxsize);
    this._items = new ItemStack<T>();
  }
}
