/**
 * Heap measurement: the heap in use after full garbage collections, so that only live
 * objects count.
 * @packageDocumentation
 */

type Gc = () => void;

/** Runs full GCs until the heap stops shrinking, then returns the bytes in use. */
export function heapAfterGc(): number {
  const gc = (globalThis as { gc?: Gc }).gc;
  if (gc === undefined) throw new Error('heap measurement needs node --expose-gc');
  let used = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 10; i++) {
    gc();
    const now = process.memoryUsage().heapUsed;
    if (now >= used) return now;
    used = now;
  }
  return used;
}

/** One full GC, so garbage from a previous run is not collected during the next one. */
export function collect(): void {
  (globalThis as { gc?: Gc }).gc?.();
}
