/**
 * Keeping the process alive while a task waits for a signal. Node's signal listeners do
 * not hold the event loop open, so a program whose only task waits in `SignalQueue.get()`
 * would simply exit. While at least one task waits, one long ref'd interval timer (shared
 * by every waiter, and doing nothing) keeps it running.
 * @packageDocumentation
 */

/** The longest interval Node accepts (about 24.8 days); it only has to exist. */
const FOREVER_MS = 2 ** 31 - 1;

let holders = 0;
let timer: ReturnType<typeof setInterval> | null = null;

/**
 * Holds the process open until the returned function is called (calling it again does
 * nothing).
 */
export function holdProcessOpen(): () => void {
  if (holders++ === 0) timer = setInterval(() => {}, FOREVER_MS);
  let held = true;
  return () => {
    if (!held) return;
    held = false;
    if (--holders === 0 && timer !== null) {
      clearInterval(timer);
      timer = null;
    }
  };
}

/** @internal How many waits hold the process open, and whether the timer exists (for tests). */
export function keepAliveState(): { waits: number; timer: boolean } {
  return { waits: holders, timer: timer !== null };
}
