/**
 * {@link UniversalQueue}: a queue in shared memory that kernel tasks, async code and
 * worker threads all use, with Curio's semantics: `get` waits while it is empty and `put`
 * waits while it is full, in every world.
 *
 * The state lives in one SharedArrayBuffer: a header of counters and a ring of bytes
 * holding the items, each as a length and its structured-clone serialization
 * (`node:v8`). A short futex lock guards the header; a waiter waits for a sequence number
 * to move (`GET_SEQ` moves on every put, `PUT_SEQ` on every get) and then tries again, so
 * a waiter that is cancelled has taken nothing and put nothing.
 * @packageDocumentation
 */
import { Buffer } from 'node:buffer';
import { CurioError, type Operation, describeValue } from '@curio/kernel';
import { serialize, deserialize } from 'node:v8';
import { changedAsync, changedInTask, changedSync, lock, unlock } from './shared-wait.js';
import { SHARED_MARK, isSharedArrayBuffer, registerReviver, sharedKind } from './shared-mark.js';
import { UniversalOperation } from './universal-op.js';

const LOCK = 0;
const COUNT = 1;
const HEAD = 2;
const TAIL = 3;
const USED = 4;
const GET_SEQ = 5;
const PUT_SEQ = 6;
const MAXSIZE = 7;
const UNFINISHED = 8;
const CAPACITY = 9;
const HEADER_BYTES = 64;
const LENGTH_BYTES = 4;

/**
 * Options of {@link UniversalQueue}.
 *
 * @example
 * ```ts
 * const frames = new UniversalQueue<Uint8Array>(4, { bufferSize: 64 << 20 });
 * ```
 */
export interface UniversalQueueOptions {
  /**
   * Bytes of shared memory for the items (their serialized form), default 1 MiB. A
   * `put` also waits while the items would not fit, so this bounds even an unbounded queue.
   */
  bufferSize?: number;
}

/**
 * The structured clone of a {@link UniversalQueue}: what a worker receives.
 *
 * @example
 * ```ts
 * import { workerData } from 'node:worker_threads';
 * const q = UniversalQueue.from(workerData.queue as UniversalQueueClone);
 * ```
 */
export interface UniversalQueueClone {
  readonly [SHARED_MARK]: 'UniversalQueue';
  readonly buffer: SharedArrayBuffer;
}

const DEFAULT_BUFFER_SIZE = 1 << 20;

/** Set by {@link UniversalQueue.from} around the constructor: the memory of the queue being rebuilt. */
let adopting: SharedArrayBuffer | null = null;

/**
 * A FIFO queue shared by kernel tasks (`yield* q.get()`), async code (`await q.get()`) and
 * worker threads (either of those, or `q.getSync()` to block the thread). `put` waits
 * while the queue holds `maxsize` items (0: no limit but the buffer) in every world, so a
 * fast producer in a thread is held back by a slow consumer in a task.
 *
 * Items are copied by structured clone, as `postMessage` copies them. The queue lives in a
 * SharedArrayBuffer: to hand it to a worker thread, pass it as an argument of
 * `runInThread` (it arrives as a working queue), or post it and rebuild it on the other
 * side with {@link UniversalQueue.from}. It cannot go to another process.
 *
 * @example
 * ```ts
 * const q = new UniversalQueue<number>(10);
 * // worker module: export const produce = workerFunction(import.meta.url, function produce(q: UniversalQueue<number>, n: number) {
 * //   for (let i = 0; i < n; i++) q.putSync(i);   // blocks this worker thread while the queue is full
 * // });
 * yield* spawn(() => runInThread(produce, q, 100));
 * for (let i = 0; i < 100; i++) console.log(yield* q.get());
 * ```
 */
export class UniversalQueue<T = unknown> {
  /** Marks the clone a worker receives, so it can be rebuilt there. */
  readonly [SHARED_MARK] = 'UniversalQueue' as const;
  /** The shared memory holding the queue. */
  readonly buffer: SharedArrayBuffer;
  readonly #header: Int32Array;
  readonly #ring: Uint8Array;
  readonly #capacity: number;

  /**
   * @param maxsize the most items held before `put` waits; default 0 (only the buffer limits it).
   * @param options `bufferSize`: bytes of shared memory for the items (default 1 MiB).
   * @throws RangeError if `maxsize` or `bufferSize` is not a valid size.
   */
  constructor(maxsize = 0, options: UniversalQueueOptions = {}) {
    if (adopting !== null) {
      this.buffer = adopting;
      this.#header = new Int32Array(this.buffer, 0, HEADER_BYTES / 4);
      this.#ring = new Uint8Array(this.buffer, HEADER_BYTES);
      this.#capacity = Atomics.load(this.#header, CAPACITY);
      return;
    }
    if (typeof maxsize !== 'number' || !Number.isSafeInteger(maxsize) || maxsize < 0 || maxsize > 0x7fffffff) {
      throw new RangeError(`UniversalQueue(): maxsize must be an integer >= 0 (0 means no limit but the buffer), got ${describeValue(maxsize)}`);
    }
    const bufferSize = options.bufferSize ?? DEFAULT_BUFFER_SIZE;
    if (typeof bufferSize !== 'number' || !Number.isSafeInteger(bufferSize) || bufferSize < 64 || bufferSize > 0x7fffffff) {
      throw new RangeError(`UniversalQueue(): bufferSize must be an integer from 64 to 2^31-1 bytes, got ${describeValue(bufferSize)}`);
    }
    this.buffer = new SharedArrayBuffer(HEADER_BYTES + bufferSize);
    this.#header = new Int32Array(this.buffer, 0, HEADER_BYTES / 4);
    this.#ring = new Uint8Array(this.buffer, HEADER_BYTES);
    this.#capacity = bufferSize;
    Atomics.store(this.#header, MAXSIZE, maxsize);
    Atomics.store(this.#header, CAPACITY, bufferSize);
  }

  /**
   * The queue again, from its structured clone (what a worker gets from `postMessage`
   * or `workerData`). `runInThread` arguments are rebuilt automatically.
   *
   * @example
   * ```ts
   * import { workerData } from 'node:worker_threads';
   * const q = UniversalQueue.from<number>(workerData.queue);
   * ```
   * @throws TypeError if `clone` is not a clone of a UniversalQueue.
   */
  static from<T = unknown>(clone: UniversalQueueClone | UniversalQueue<T>): UniversalQueue<T> {
    if (clone instanceof UniversalQueue) return clone;
    if (sharedKind(clone) !== 'UniversalQueue' || !isSharedArrayBuffer((clone as UniversalQueueClone).buffer)) {
      throw new TypeError(`UniversalQueue.from(): expected a UniversalQueue sent to this thread, got ${describeValue(clone)}`);
    }
    adopting = (clone as UniversalQueueClone).buffer;
    try {
      return new UniversalQueue<T>();
    } finally {
      adopting = null;
    }
  }

  /** The most items held before `put` waits (0: only the buffer limits it). */
  get maxsize(): number {
    return Atomics.load(this.#header, MAXSIZE);
  }

  /**
   * Adds `item` (a structured-clone copy of it), waiting while the queue is full: in a
   * task `yield* q.put(item)`, in async code `await q.put(item)`.
   * @throws RangeError (from the returned operation) if the item is larger than the buffer.
   */
  put(item: T): UniversalOperation<void> {
    return new UniversalOperation(
      () => this.#putInTask(item),
      () => this.#putAsync(item),
    );
  }

  /** Removes and returns the next item, waiting while the queue is empty: `yield* q.get()` or `await q.get()`. */
  get(): UniversalOperation<T> {
    return new UniversalOperation(
      () => this.#getInTask(),
      () => this.#getAsync(),
    );
  }

  /** Like {@link UniversalQueue.put}, blocking the thread: for worker threads (refused on the main thread). */
  putSync(item: T): void {
    const bytes = this.#encode(item);
    for (;;) {
      const seen = this.#tryPut(bytes);
      if (seen === null) return;
      changedSync('UniversalQueue.putSync()', this.#header, PUT_SEQ, seen);
    }
  }

  /** Like {@link UniversalQueue.get}, blocking the thread: for worker threads (refused on the main thread). */
  getSync(): T {
    for (;;) {
      const got = this.#tryGet();
      if (got.item !== null) return deserialize(got.item) as T;
      changedSync('UniversalQueue.getSync()', this.#header, GET_SEQ, got.seen);
    }
  }

  /** Adds `item` if there is room at once; returns false (adding nothing) if the queue is full. Never blocks. */
  tryPut(item: T): boolean {
    return this.#tryPut(this.#encode(item)) === null;
  }

  /** Waits until every item put has been marked done with {@link UniversalQueue.taskDone}. */
  join(): UniversalOperation<void> {
    const header = this.#header;
    return new UniversalOperation(
      function* () {
        for (let n = Atomics.load(header, UNFINISHED); n !== 0; n = Atomics.load(header, UNFINISHED)) yield* changedInTask(header, UNFINISHED, n, 'UQUEUE_JOIN');
      },
      async () => {
        for (let n = Atomics.load(header, UNFINISHED); n !== 0; n = Atomics.load(header, UNFINISHED)) await changedAsync(header, UNFINISHED, n);
      },
    );
  }

  /**
   * Marks one item taken from the queue as processed; the last one wakes every
   * {@link UniversalQueue.join}. Never blocks.
   * @throws CurioError if called more times than items were put.
   */
  taskDone(): void {
    const before = Atomics.sub(this.#header, UNFINISHED, 1);
    if (before <= 0) {
      Atomics.add(this.#header, UNFINISHED, 1);
      throw new CurioError('UniversalQueue.taskDone(): called more times than there were items put');
    }
    if (before === 1) Atomics.notify(this.#header, UNFINISHED);
  }

  /** How many items the queue holds. */
  size(): number {
    return Atomics.load(this.#header, COUNT);
  }

  /** True if the queue holds no item. */
  empty(): boolean {
    return this.size() === 0;
  }

  /** True if the queue holds `maxsize` items, so a `put` would wait. */
  full(): boolean {
    const maxsize = this.maxsize;
    return maxsize > 0 && this.size() >= maxsize;
  }

  /** `UniversalQueue(size: 2, maxsize: 10)`. */
  toString(): string {
    return `UniversalQueue(size: ${this.size()}, maxsize: ${this.maxsize})`;
  }

  *#putInTask(item: T): Operation<void> {
    const bytes = this.#encode(item);
    for (;;) {
      const seen = this.#tryPut(bytes);
      if (seen === null) return;
      yield* changedInTask(this.#header, PUT_SEQ, seen, 'UQUEUE_PUT');
    }
  }

  async #putAsync(item: T): Promise<void> {
    const bytes = this.#encode(item);
    for (;;) {
      const seen = this.#tryPut(bytes);
      if (seen === null) return;
      await changedAsync(this.#header, PUT_SEQ, seen);
    }
  }

  *#getInTask(): Operation<T> {
    for (;;) {
      const got = this.#tryGet();
      if (got.item !== null) return deserialize(got.item) as T;
      yield* changedInTask(this.#header, GET_SEQ, got.seen, 'UQUEUE_GET');
    }
  }

  async #getAsync(): Promise<T> {
    for (;;) {
      const got = this.#tryGet();
      if (got.item !== null) return deserialize(got.item) as T;
      await changedAsync(this.#header, GET_SEQ, got.seen);
    }
  }

  #encode(item: T): Buffer {
    const bytes = serialize(item);
    if (bytes.length + LENGTH_BYTES > this.#capacity) {
      throw new RangeError(`UniversalQueue.put(): the item takes ${bytes.length} bytes serialized, more than the queue's buffer of ${this.#capacity}; make the queue with a larger bufferSize`);
    }
    return bytes;
  }

  /** Adds the item if there is room: null when added, else the PUT_SEQ to wait on. */
  #tryPut(bytes: Buffer): number | null {
    const h = this.#header;
    const need = bytes.length + LENGTH_BYTES;
    lock(h, LOCK);
    const maxsize = h[MAXSIZE];
    if ((maxsize > 0 && h[COUNT] >= maxsize) || this.#capacity - h[USED] < need) {
      const seen = h[PUT_SEQ];
      unlock(h, LOCK);
      return seen;
    }
    let tail = h[TAIL];
    tail = this.#write(tail, lengthBytes(bytes.length));
    h[TAIL] = this.#write(tail, bytes);
    h[USED] += need;
    h[COUNT]++;
    h[UNFINISHED]++;
    h[GET_SEQ]++;
    unlock(h, LOCK);
    Atomics.notify(h, GET_SEQ);
    return null;
  }

  /** Takes the next item's bytes if there is one, else the GET_SEQ to wait on. */
  #tryGet(): { item: Buffer; seen: 0 } | { item: null; seen: number } {
    const h = this.#header;
    lock(h, LOCK);
    if (h[COUNT] === 0) {
      const seen = h[GET_SEQ];
      unlock(h, LOCK);
      return { item: null, seen };
    }
    const head = h[HEAD];
    const header = Buffer.allocUnsafe(LENGTH_BYTES);
    let at = this.#read(head, header);
    const item = Buffer.allocUnsafe(header.readUInt32LE(0));
    at = this.#read(at, item);
    h[HEAD] = at;
    h[USED] -= LENGTH_BYTES + item.length;
    h[COUNT]--;
    h[PUT_SEQ]++;
    unlock(h, LOCK);
    Atomics.notify(h, PUT_SEQ);
    return { item, seen: 0 };
  }

  /** Copies `bytes` into the ring at `at`, wrapping around; returns the offset after them. */
  #write(at: number, bytes: Uint8Array): number {
    const first = Math.min(bytes.length, this.#capacity - at);
    this.#ring.set(bytes.subarray(0, first), at);
    if (first < bytes.length) this.#ring.set(bytes.subarray(first), 0);
    return (at + bytes.length) % this.#capacity;
  }

  /** Fills `into` from the ring at `at`, wrapping around; returns the offset after it. */
  #read(at: number, into: Uint8Array): number {
    const first = Math.min(into.length, this.#capacity - at);
    into.set(this.#ring.subarray(at, at + first), 0);
    if (first < into.length) into.set(this.#ring.subarray(0, into.length - first), first);
    return (at + into.length) % this.#capacity;
  }
}

function lengthBytes(n: number): Buffer {
  const b = Buffer.allocUnsafe(LENGTH_BYTES);
  b.writeUInt32LE(n, 0);
  return b;
}

registerReviver('UniversalQueue', (clone) => UniversalQueue.from(clone as unknown as UniversalQueueClone));
