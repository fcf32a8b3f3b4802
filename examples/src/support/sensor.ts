/**
 * The worker-thread half of `thread-queue.ts`: a "sensor" that produces readings as fast
 * as it can and puts them into a UniversalQueue. The queue is bounded, so the thread is
 * held back whenever the kernel task reading them falls behind.
 * @packageDocumentation
 */
import { workerFunction, type UniversalQueue } from 'curio';

/** One reading: which one, and a value. */
export interface Reading {
  seq: number;
  value: number;
}

/** Puts `count` readings, then `null` to say it is done; blocks the thread while the queue is full. */
export const readSensor = workerFunction(import.meta.url, function readSensor(queue: UniversalQueue<Reading | null>, count: number): number {
  let value = 0;
  for (let seq = 1; seq <= count; seq++) {
    value = (value * 31 + seq) % 1000;
    queue.putSync({ seq, value });
  }
  queue.putSync(null);
  return count;
});
