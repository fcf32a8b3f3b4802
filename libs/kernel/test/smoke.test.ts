import { run, spawn, sleep, clock, Kernel, VirtualClock, timeoutAfter, TaskTimeout, SchedFIFO } from '../src/index.js';

describe('smoke', () => {
  it('runs a main task that spawns, sleeps and joins', async () => {
    const result = await run(function* main() {
      const child = yield* spawn(function* (x: number) {
        yield* sleep(5);
        return x * 2;
      }, 21);
      return yield* child.join();
    });
    expect(result).toBe(42);
  });

  it('times out with a virtual clock instantly', async () => {
    const kernel = new Kernel({ clock: new VirtualClock() });
    const err = await kernel.run(function* () {
      try {
        yield* timeoutAfter(3_600_000, sleep(7_200_000));
        return null;
      } catch (e) {
        return [e, yield* clock()];
      }
    });
    await kernel.shutdown();
    expect((err as unknown[])[0]).toBeInstanceOf(TaskTimeout);
    expect((err as unknown[])[1]).toBe(3_600_000);
  });

  it('ping-pongs through a wait queue', async () => {
    const q = new SchedFIFO();
    const n = await run(function* () {
      let count = 0;
      const t = yield* spawn(function* () {
        for (let i = 0; i < 1000; i++) { yield* q.suspend('X'); count++; }
      });
      while (!t.terminated) { q.wake(); yield* sleep(0); }
      return count;
    });
    expect(n).toBe(1000);
  });
});
