/**
 * Waiting for a word of shared memory to change, in each world: a kernel task parks
 * (`Atomics.waitAsync` wakes it), async code awaits the same, a worker thread may block
 * in `Atomics.wait`. Also the small futex lock the universal queue guards its state with.
 * @internal
 */
import { park, type Operation } from '@curio/kernel';

/** `Atomics.waitAsync` (ES2024; in Node since 16), typed here because the project's lib is ES2022. */
const waitAsync = (Atomics as unknown as {
  waitAsync(cells: Int32Array, index: number, value: number): { async: false; value: string } | { async: true; value: Promise<string> };
}).waitAsync;

// Atomics.waitAsync does not keep Node's event loop alive; a program whose main task
// waits for a worker thread's item must not exit under it. While any wait is pending in
// this thread, one long interval timer (unref'd the rest of the time) keeps it alive.
let pendingWaits = 0;
let keeper: ReturnType<typeof setInterval> | null = null;

function holdLoop(): void {
  if (pendingWaits++ === 0) {
    keeper ??= setInterval(() => {}, 0x7fffffff);
    keeper.ref();
  }
}

function releaseLoop(): void {
  if (--pendingWaits === 0 && keeper !== null) keeper.unref();
}

/** Resolves when `cells[index]` is no longer `seen` (or at once if it already is not). */
export function changedAsync(cells: Int32Array, index: number, seen: number): Promise<void> {
  const result = waitAsync(cells, index, seen);
  if (!result.async) return Promise.resolve();
  holdLoop();
  return result.value.then(releaseLoop, releaseLoop);
}

/** Parks the calling task in state `state` until `cells[index]` is no longer `seen`. */
export function* changedInTask(cells: Int32Array, index: number, seen: number, state: string): Operation<void> {
  yield* park<void>(state, (waker) => {
    const result = waitAsync(cells, index, seen);
    if (!result.async) {
      waker.wake();
      return;
    }
    holdLoop();
    let held = true;
    const done = () => {
      if (held) releaseLoop();
      held = false;
    };
    void result.value.then(() => {
      done();
      waker.wake();
    });
    // Cancelled: V8 cannot withdraw a waitAsync; it settles, ignored, at the next change.
    return done;
  });
}

/** Whether this thread is the main thread (node:worker_threads read when a *Sync wait first runs, not when curio is imported). */
let onMainThread: boolean | undefined;

/** Blocks this thread until `cells[index]` is no longer `seen`. Worker threads only. */
export function changedSync(caller: string, cells: Int32Array, index: number, seen: number): void {
  // Asked once: the *Sync wait loops come here on every wake-up.
  onMainThread ??= process.getBuiltinModule('node:worker_threads').isMainThread;
  if (onMainThread) {
    throw new Error(`${caller}: blocking would freeze the main thread's event loop; in a worker thread it is fine. Here use \`yield* ${caller.replace('Sync()', '()')}\` in a task or \`await ${caller.replace('Sync()', '()')}\``);
  }
  Atomics.wait(cells, index, seen);
}

/**
 * A futex lock over `cells[index]` (0 free, 1 held, 2 held with waiters) for critical
 * sections of a few copies: never held across a wait or an allocation of any size.
 */
export function lock(cells: Int32Array, index: number): void {
  let c = Atomics.compareExchange(cells, index, 0, 1);
  if (c === 0) return;
  for (let spin = 0; spin < 100 && c !== 0; spin++) c = Atomics.compareExchange(cells, index, 0, 1);
  if (c === 0) return;
  // Even the main thread may wait here: the holder is another thread's few copies away from releasing.
  while (Atomics.exchange(cells, index, 2) !== 0) Atomics.wait(cells, index, 2);
}

/** Releases {@link lock}, waking one thread waiting for it. */
export function unlock(cells: Int32Array, index: number): void {
  if (Atomics.sub(cells, index, 1) !== 1) {
    Atomics.store(cells, index, 0);
    Atomics.notify(cells, index, 1);
  }
}
