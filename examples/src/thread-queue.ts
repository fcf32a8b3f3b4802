/**
 * A worker thread feeding a kernel task through a UniversalQueue: the thread produces
 * readings with blocking `putSync` calls, the task consumes them with `yield* get()`.
 * The queue holds at most 8 readings, so the fast thread waits for the slower task.
 *
 * Run:  node examples/dist/thread-queue.js [count]   (100 readings by default)
 */
import { parseArgs } from 'node:util';
import { run, spawn, sleep, runInThread, UniversalQueue } from 'curio';
import { atMost, commandLine, wholeNumber } from './support/command-line.js';
import { readSensor, type Reading } from './support/sensor.js';

function* consume(queue: UniversalQueue<Reading | null>) {
  let total = 0;
  let most = 0;
  for (;;) {
    most = Math.max(most, queue.size());
    const reading = yield* queue.get();
    if (reading === null) break;
    total += reading.value;
    if (reading.seq % 25 === 0) console.log(`reading ${reading.seq}: ${reading.value}`);
    yield* sleep(1); // a slow consumer: the producer thread must wait for it
  }
  return { total, most };
}

const count = commandLine('thread-queue.js [COUNT]', () => wholeNumber('COUNT', atMost(parseArgs({ allowPositionals: true }).positionals, 1)[0], 100));

const { produced, total, most } = await run(function* () {
  const queue = new UniversalQueue<Reading | null>(8);
  const producer = yield* spawn(() => runInThread(readSensor, queue, count));
  const { total, most } = yield* consume(queue);
  return { produced: yield* producer.join(), total, most };
});
console.log(`done: ${produced} readings, total ${total}, at most ${most} waiting in the queue of 8`);
