import * as net from 'node:net';
import { Kernel, run, spawn, sleep, clock, schedule, wakeAt, VirtualClock } from '../src/index.js';
import { rejectionOf, runVirtual } from './helpers.js';

describe('time', () => {
  it('sleepers wake in deadline order and sleep returns the clock', async () => {
    const woke: [string, number][] = [];
    await runVirtual(function* () {
      const mk = (name: string, ms: number) =>
        spawn(function* () {
          woke.push([name, yield* sleep(ms)]);
        });
      const tasks = [yield* mk('c', 30), yield* mk('a', 10), yield* mk('b', 20)];
      for (const t of tasks) yield* t.join();
    });
    expect(woke).toEqual([['a', 10], ['b', 20], ['c', 30]]);
  });

  it('equal deadlines wake first-in first-out', async () => {
    const woke: number[] = [];
    await runVirtual(function* () {
      const tasks = [];
      for (let i = 0; i < 5; i++) tasks.push(yield* spawn(function* () {
        yield* sleep(10);
        woke.push(i);
      }));
      for (const t of tasks) yield* t.join();
    });
    expect(woke).toEqual([0, 1, 2, 3, 4]);
  });

  it('wakeAt sleeps until an absolute clock value', async () => {
    expect(await runVirtual(function* () {
      yield* sleep(5);
      return yield* wakeAt(42);
    })).toBe(42);
  });

  it('the real clock is monotonic and advances by about the sleep', async () => {
    const [t0, t1] = await run(function* () {
      const a = yield* clock();
      yield* sleep(15);
      return [a, yield* clock()];
    });
    expect(t1 - t0).toBeGreaterThanOrEqual(14);
  });

  it('rejects a sleep time that is not a number', async () => {
    const e = await rejectionOf(runVirtual(function* () {
      yield* sleep(Number.NaN);
    }));
    expect((e as Error).message).toMatch(/sleep\(\): expected a number of milliseconds, got NaN/);
  });

  it('sleep(0) and schedule() let the other ready tasks run, round-robin', async () => {
    const order: string[] = [];
    await runVirtual(function* () {
      const a = yield* spawn(function* () {
        for (let i = 0; i < 3; i++) {
          order.push('a');
          yield* sleep(0);
        }
      });
      const b = yield* spawn(function* () {
        for (let i = 0; i < 3; i++) {
          order.push('b');
          yield* schedule();
        }
      });
      yield* a.join();
      yield* b.join();
    });
    expect(order).toEqual(['a', 'b', 'a', 'b', 'a', 'b']);
  });

  it('a task looping on sleep(0) does not starve Node timers, I/O, or sleeping tasks', async () => {
    const server = net.createServer((s) => s.end('pong'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    let timerFired = false;
    let ioDone = false;
    setTimeout(() => (timerFired = true), 5);
    const client = net.connect(port, '127.0.0.1');
    client.on('data', () => (ioDone = true));
    const spins = await run(function* () {
      let sleeperWoke = false;
      yield* spawn(function* () {
        yield* sleep(5);
        sleeperWoke = true;
      });
      let n = 0;
      while (!(timerFired && ioDone && sleeperWoke)) {
        n++;
        yield* sleep(0);
      }
      return n;
    });
    client.destroy();
    server.close();
    expect(timerFired && ioDone).toBe(true);
    expect(spins).toBeGreaterThan(0);
  });

  it('the virtual clock stands still while tasks run and jumps when all are blocked', async () => {
    const times = await runVirtual(function* () {
      const t0 = yield* clock();
      for (let i = 0; i < 1000; i++) yield* sleep(0);
      const t1 = yield* clock();
      yield* sleep(3_600_000);
      return [t0, t1, yield* clock()];
    });
    expect(times).toEqual([0, 0, 3_600_000]);
  });

  it('with autojump off, the virtual clock moves only when advanced by hand', async () => {
    const vclock = new VirtualClock({ autojumpMs: Infinity, start: 100 });
    const kernel = new Kernel({ clock: vclock });
    let woke = -1;
    const done = kernel.run(function* () {
      woke = yield* sleep(50);
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(woke).toBe(-1);
    vclock.advance(49);
    await new Promise((r) => setImmediate(r));
    expect(woke).toBe(-1);
    vclock.advance(1);
    await done;
    expect(woke).toBe(150);
    expect(() => vclock.advance(-1)).toThrow(RangeError);
    await kernel.shutdown();
  });
});
