/**
 * Effect: fibers (`Effect.forkChild` + `Fiber.join`), `Queue.unbounded`, `Deferred`.
 * @packageDocumentation
 */
import { Deferred, Effect, Fiber, Queue } from 'effect';
import { check, triangle, type Contender } from '../contender.js';
import { heapAfterGc } from '../heap.js';
import { packageVersion } from '../version.js';

/** The Effect contender. */
export const effect: Contender = {
  name: 'Effect',
  version: packageVersion('effect'),

  spawnJoin(n) {
    return Effect.runPromise(
      Effect.gen(function* () {
        const start = performance.now();
        const fibers: Fiber.Fiber<number>[] = new Array(n);
        for (let i = 0; i < n; i++) fibers[i] = yield* Effect.forkChild(Effect.succeed(i));
        let sum = 0;
        for (let i = 0; i < n; i++) sum += yield* Fiber.join(fibers[i]);
        const elapsed = performance.now() - start;
        check('Effect spawn+join sum', sum, triangle(n));
        return elapsed;
      }),
    );
  },

  spawnJoinClosures(n) {
    return Effect.runPromise(
      Effect.gen(function* () {
        const start = performance.now();
        const fibers: Fiber.Fiber<number>[] = new Array(n);
        for (let i = 0; i < n; i++) {
          fibers[i] = yield* Effect.forkChild(
            Effect.gen(function* () {
              return i;
            }),
          );
        }
        let sum = 0;
        for (let i = 0; i < n; i++) sum += yield* Fiber.join(fibers[i]);
        const elapsed = performance.now() - start;
        check('Effect closure spawn+join sum', sum, triangle(n));
        return elapsed;
      }),
    );
  },

  pingPong(n) {
    return Effect.runPromise(
      Effect.gen(function* () {
        const ping = yield* Queue.unbounded<number>();
        const pong = yield* Queue.unbounded<number>();
        const pinger = Effect.gen(function* () {
          let last = -1;
          for (let i = 0; i < n; i++) {
            yield* Queue.offer(ping, i);
            last = yield* Queue.take(pong);
          }
          return last;
        });
        const ponger = Effect.gen(function* () {
          for (let i = 0; i < n; i++) yield* Queue.offer(pong, yield* Queue.take(ping));
        });
        const start = performance.now();
        const a = yield* Effect.forkChild(pinger);
        const b = yield* Effect.forkChild(ponger);
        const last = yield* Fiber.join(a);
        yield* Fiber.join(b);
        const elapsed = performance.now() - start;
        check('Effect ping-pong last token', last, n - 1);
        return elapsed;
      }),
    );
  },

  idleHeap(n) {
    return Effect.runPromise(
      Effect.gen(function* () {
        const gate = yield* Deferred.make<void>();
        let parked = 0;
        const idle = Effect.gen(function* () {
          parked++;
          yield* Deferred.await(gate);
        });
        const before = heapAfterGc();
        for (let i = 0; i < n; i++) yield* Effect.forkChild(idle);
        while (parked < n) yield* Effect.yieldNow;
        const after = heapAfterGc();
        yield* Deferred.succeed(gate, undefined);
        return after - before;
      }),
    );
  },

  notes() {
    return ['Effect: Effect.forkChild + Fiber.join (of Effect.succeed, or of an inline Effect.gen closure); Queue.unbounded offer/take; idle fibers await one Deferred'];
  },
};
