/**
 * Effection: structured-concurrency generator tasks (`spawn`, then `yield*` the task),
 * `createQueue` (synchronous `add`, `yield* q.next()`), `withResolvers`.
 * @packageDocumentation
 */
import { createQueue, run, sleep, spawn, withResolvers, type Operation, type Queue, type Task } from 'effection';
import { check, triangle, type Contender } from '../contender.js';
import { heapAfterGc } from '../heap.js';
import { packageVersion } from '../version.js';

type Tokens = Queue<number, never>;


function* pinger(ping: Tokens, pong: Tokens, n: number): Operation<number> {
  let last = -1;
  for (let i = 0; i < n; i++) {
    ping.add(i);
    const r = yield* pong.next();
    if (r.done !== true) last = r.value;
  }
  return last;
}

function* ponger(ping: Tokens, pong: Tokens, n: number): Operation<void> {
  for (let i = 0; i < n; i++) {
    const r = yield* ping.next();
    if (r.done !== true) pong.add(r.value);
  }
}

/** The Effection contender. */
export const effection: Contender = {
  name: 'Effection',
  version: packageVersion('effection'),

  async spawnJoin(n) {
    return run(function* () {
      const start = performance.now();
      const tasks: Task<number>[] = new Array(n);
      for (let i = 0; i < n; i++) {
        tasks[i] = yield* spawn(function* () {
          return i;
        });
      }
      let sum = 0;
      for (let i = 0; i < n; i++) sum += yield* tasks[i];
      const elapsed = performance.now() - start;
      check('Effection spawn+join sum', sum, triangle(n));
      return elapsed;
    });
  },

  async spawnJoinClosures(n) {
    return run(function* () {
      const start = performance.now();
      const tasks: Task<number>[] = new Array(n);
      for (let i = 0; i < n; i++) {
        tasks[i] = yield* spawn(function* () {
          return i;
        });
      }
      let sum = 0;
      for (let i = 0; i < n; i++) sum += yield* tasks[i];
      const elapsed = performance.now() - start;
      check('Effection closure spawn+join sum', sum, triangle(n));
      return elapsed;
    });
  },

  async pingPong(n) {
    return run(function* () {
      const ping: Tokens = createQueue<number, never>();
      const pong: Tokens = createQueue<number, never>();
      const start = performance.now();
      const a = yield* spawn(() => pinger(ping, pong, n));
      const b = yield* spawn(() => ponger(ping, pong, n));
      const last = yield* a;
      yield* b;
      const elapsed = performance.now() - start;
      check('Effection ping-pong last token', last, n - 1);
      return elapsed;
    });
  },

  async idleHeap(n) {
    return run(function* () {
      const gate = withResolvers<void>();
      let parked = 0;
      function* idle(): Operation<void> {
        parked++;
        yield* gate.operation;
      }
      const before = heapAfterGc();
      for (let i = 0; i < n; i++) yield* spawn(idle);
      while (parked < n) yield* sleep(0);
      const after = heapAfterGc();
      gate.resolve();
      return after - before;
    });
  },

  notes() {
    return ['Effection: spawn + yield* task (its spawn takes an operation factory, so both spawn+join rows spawn inline closures); createQueue add/next; idle tasks yield* one withResolvers() operation'];
  },
};
