/**
 * Plain async functions and promises: a "task" is an async function call, joining is
 * awaiting its promise, the queue is {@link AsyncQueue}.
 * @packageDocumentation
 */
import { AsyncQueue } from '../async-queue.js';
import { check, triangle, type Contender } from '../contender.js';
import { heapAfterGc } from '../heap.js';

async function returns(i: number): Promise<number> {
  return i;
}

async function pinger(ping: AsyncQueue<number>, pong: AsyncQueue<number>, n: number): Promise<number> {
  let last = -1;
  for (let i = 0; i < n; i++) {
    ping.put(i);
    last = await pong.get();
  }
  return last;
}

async function ponger(ping: AsyncQueue<number>, pong: AsyncQueue<number>, n: number): Promise<void> {
  for (let i = 0; i < n; i++) pong.put(await ping.get());
}

/** The async/promise contender. */
export const promises: Contender = {
  name: 'async/promise',
  version: process.version,

  async spawnJoin(n) {
    const start = performance.now();
    const tasks: Promise<number>[] = new Array(n);
    for (let i = 0; i < n; i++) tasks[i] = returns(i);
    let sum = 0;
    for (let i = 0; i < n; i++) sum += await tasks[i];
    const elapsed = performance.now() - start;
    check('async spawn+join sum', sum, triangle(n));
    return elapsed;
  },

  async spawnJoinClosures(n) {
    const start = performance.now();
    const tasks: Promise<number>[] = new Array(n);
    for (let i = 0; i < n; i++) tasks[i] = (async () => i)();
    let sum = 0;
    for (let i = 0; i < n; i++) sum += await tasks[i];
    const elapsed = performance.now() - start;
    check('async closure spawn+join sum', sum, triangle(n));
    return elapsed;
  },

  async pingPong(n) {
    const ping = new AsyncQueue<number>();
    const pong = new AsyncQueue<number>();
    const start = performance.now();
    const a = pinger(ping, pong, n);
    const b = ponger(ping, pong, n);
    const last = await a;
    await b;
    const elapsed = performance.now() - start;
    check('async ping-pong last token', last, n - 1);
    return elapsed;
  },

  async idleHeap(n) {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let parked = 0;
    async function idle(): Promise<void> {
      parked++;
      await gate;
    }
    const before = heapAfterGc();
    for (let i = 0; i < n; i++) void idle();
    check('async idle tasks parked', parked, n);
    const after = heapAfterGc();
    release();
    await gate;
    return after - before;
  },

  notes() {
    return ['async/promise ping-pong: a minimal promise queue (tools/bench/src/async-queue.ts), put is synchronous'];
  },
};
