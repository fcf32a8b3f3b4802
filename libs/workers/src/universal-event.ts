/**
 * {@link UniversalEvent}: a flag in shared memory that kernel tasks, async code and worker
 * threads set and wait for.
 * @packageDocumentation
 */
import { changedAsync, changedInTask, changedSync } from './shared-wait.js';
import { SHARED_MARK, isSharedArrayBuffer, registerReviver, sharedKind } from './shared-mark.js';
import { UniversalOperation } from './universal-op.js';
import { describeValue } from '@curio/kernel';

const FLAG = 0;

/**
 * The structured clone of a {@link UniversalEvent}: what a worker receives.
 *
 * @example
 * ```ts
 * import { workerData } from 'node:worker_threads';
 * const stop = UniversalEvent.from(workerData.stop as UniversalEventClone);
 * ```
 */
export interface UniversalEventClone {
  readonly [SHARED_MARK]: 'UniversalEvent';
  readonly buffer: SharedArrayBuffer;
}

let adopting: SharedArrayBuffer | null = null;

/**
 * A flag, initially clear, shared by kernel tasks, async code and worker threads: `wait`
 * returns once it is set (`yield* e.wait()` in a task, `await e.wait()` in async code,
 * `e.waitSync()` blocking a worker thread); `set` wakes every waiter in every world.
 * Hand it to a worker thread as a `runInThread` argument, or post it and rebuild it with
 * {@link UniversalEvent.from}.
 *
 * @example
 * ```ts
 * const done = new UniversalEvent();
 * yield* spawn(() => runInThread(crunch, data, done)); // the worker calls done.set()
 * yield* done.wait();
 * ```
 */
export class UniversalEvent {
  /** Marks the clone a worker receives, so it can be rebuilt there. */
  readonly [SHARED_MARK] = 'UniversalEvent' as const;
  /** The shared memory holding the flag. */
  readonly buffer: SharedArrayBuffer;
  readonly #cells: Int32Array;

  constructor() {
    this.buffer = adopting ?? new SharedArrayBuffer(4);
    this.#cells = new Int32Array(this.buffer);
  }

  /**
   * The event again, from its structured clone (what a worker gets from `postMessage`
   * or `workerData`). `runInThread` arguments are rebuilt automatically.
   *
   * @example
   * ```ts
   * import { workerData } from 'node:worker_threads';
   * const stop = UniversalEvent.from(workerData.stop);
   * ```
   * @throws TypeError if `clone` is not a clone of a UniversalEvent.
   */
  static from(clone: UniversalEventClone | UniversalEvent): UniversalEvent {
    if (clone instanceof UniversalEvent) return clone;
    if (sharedKind(clone) !== 'UniversalEvent' || !isSharedArrayBuffer((clone as UniversalEventClone).buffer)) {
      throw new TypeError(`UniversalEvent.from(): expected a UniversalEvent sent to this thread, got ${describeValue(clone)}`);
    }
    adopting = (clone as UniversalEventClone).buffer;
    try {
      return new UniversalEvent();
    } finally {
      adopting = null;
    }
  }

  /** True if the event is set. */
  isSet(): boolean {
    return Atomics.load(this.#cells, FLAG) === 1;
  }

  /** Sets the event and wakes every waiter, in every thread. Never blocks. */
  set(): void {
    if (Atomics.exchange(this.#cells, FLAG, 1) === 0) Atomics.notify(this.#cells, FLAG);
  }

  /** Clears the event: later waits block until the next `set`. */
  clear(): void {
    Atomics.store(this.#cells, FLAG, 0);
  }

  /** Returns once the event is set: `yield* e.wait()` in a task (state `UEVENT_WAIT`), `await e.wait()` in async code. */
  wait(): UniversalOperation<void> {
    const cells = this.#cells;
    return new UniversalOperation(
      function* () {
        while (Atomics.load(cells, FLAG) === 0) yield* changedInTask(cells, FLAG, 0, 'UEVENT_WAIT');
      },
      async () => {
        while (Atomics.load(cells, FLAG) === 0) await changedAsync(cells, FLAG, 0);
      },
    );
  }

  /** Like {@link UniversalEvent.wait}, blocking the thread: for worker threads (refused on the main thread). */
  waitSync(): void {
    while (Atomics.load(this.#cells, FLAG) === 0) changedSync('UniversalEvent.waitSync()', this.#cells, FLAG, 0);
  }

  /** `UniversalEvent(set)`. */
  toString(): string {
    return `UniversalEvent(${this.isSet() ? 'set' : 'unset'})`;
  }
}

registerReviver('UniversalEvent', (clone) => UniversalEvent.from(clone as unknown as UniversalEventClone));
