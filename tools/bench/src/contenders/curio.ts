/**
 * Curio: generator tasks on `@curio/kernel` (its built output, so generators stay native):
 * `spawn` + `Task.join`, `Queue` get/put, idle tasks waiting on one `Event`.
 * @packageDocumentation
 */
import { Event, Kernel, Queue, sleep, spawn, type Operation, type Task } from '@curio/kernel';
import { check, triangle, type Contender } from '../contender.js';
import { heapAfterGc } from '../heap.js';
import { packageVersion } from '../version.js';

function* returns(i: number): Operation<number> {
  return i;
}

function* pinger(ping: Queue<number>, pong: Queue<number>, n: number): Operation<number> {
  let last = -1;
  for (let i = 0; i < n; i++) {
    yield* ping.put(i);
    last = yield* pong.get();
  }
  return last;
}

function* ponger(ping: Queue<number>, pong: Queue<number>, n: number): Operation<void> {
  for (let i = 0; i < n; i++) yield* pong.put(yield* ping.get());
}

/** Runs `main` in a fresh kernel, then shuts it down. */
async function inKernel<T>(main: () => Operation<T>): Promise<T> {
  const kernel = new Kernel();
  try {
    return await kernel.run(main);
  } finally {
    await kernel.shutdown();
  }
}

/** The Curio contender. */
export const curio: Contender = {
  name: 'curio',
  version: packageVersion('@curio/kernel'),

  spawnJoin(n) {
    return inKernel(function* () {
      const start = performance.now();
      const tasks: Task<number>[] = new Array(n);
      for (let i = 0; i < n; i++) tasks[i] = yield* spawn(returns, i);
      let sum = 0;
      for (let i = 0; i < n; i++) sum += yield* tasks[i].join();
      const elapsed = performance.now() - start;
      check('curio spawn+join sum', sum, triangle(n));
      return elapsed;
    });
  },

  spawnJoinClosures(n) {
    return inKernel(function* () {
      const start = performance.now();
      const tasks: Task<number>[] = new Array(n);
      for (let i = 0; i < n; i++) {
        tasks[i] = yield* spawn(function* () {
          return i;
        });
      }
      let sum = 0;
      for (let i = 0; i < n; i++) sum += yield* tasks[i].join();
      const elapsed = performance.now() - start;
      check('curio closure spawn+join sum', sum, triangle(n));
      return elapsed;
    });
  },

  pingPong(n) {
    return inKernel(function* () {
      const ping = new Queue<number>();
      const pong = new Queue<number>();
      const start = performance.now();
      const a = yield* spawn(pinger, ping, pong, n);
      const b = yield* spawn(ponger, ping, pong, n);
      const last = yield* a.join();
      yield* b.join();
      const elapsed = performance.now() - start;
      check('curio ping-pong last token', last, n - 1);
      return elapsed;
    });
  },

  idleHeap(n) {
    return inKernel(function* () {
      const event = new Event();
      let parked = 0;
      function* idle(): Operation<void> {
        parked++;
        yield* event.wait();
      }
      const before = heapAfterGc();
      for (let i = 0; i < n; i++) yield* spawn(idle);
      // spawn only queues the tasks: let each run up to its wait.
      while (parked < n) yield* sleep(0);
      const after = heapAfterGc();
      event.set();
      return after - before;
    });
  },

  notes() {
    return ['curio: spawn + Task.join (a named function*, or an inline function* closure); Queue (unbounded) put/get; idle tasks wait on one Event'];
  },
};
