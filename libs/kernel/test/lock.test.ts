import { Kernel } from '../src/kernel.js';
import { VirtualClock } from '../src/clock.js';
import { spawn, sleep } from '../src/ops.js';
import { CurioError } from '../src/errors.js';
import type { Operation } from '../src/operation.js';
import { Lock } from '../src/sync/index.js';
import { runLeavingNoTask } from './helpers.js';

describe('Lock', () => {
  it('releasing an unlocked lock throws a CurioError saying so', async () => {
    await runLeavingNoTask(function* () {
      const lck = new Lock();
      expect(() => lck.release()).toThrow(CurioError);
      expect(() => lck.release()).toThrow(/Lock\.release\(\): the lock is not locked/);
      yield* lck.acquire();
      lck.release();
      expect(() => lck.release()).toThrow(/not locked/);
    });
  });

  it('releasing a lock held by another task throws a CurioError naming both, and the lock stays held', async () => {
    let message = '';
    await runLeavingNoTask(function* () {
      const lck = new Lock();
      const holder = yield* spawn.with({ name: 'holder' })(function* () {
        yield* lck.acquire();
        yield* sleep(100);
        lck.release();
      });
      yield* sleep(1);
      try {
        lck.release();
      } catch (e) {
        expect(e).toBeInstanceOf(CurioError);
        message = (e as Error).message;
      }
      expect(lck.locked()).toBe(true);
      yield* holder.join();
      expect(lck.locked()).toBe(false);
    });
    expect(message).toMatch(/^Lock\.release\(\): task \d+ \(main\) does not hold this lock; it is held by task \d+ \(holder\)/);
  });

  it('releasing from plain code outside any task throws, naming the holder', async () => {
    const lck = new Lock();
    const kernel = new Kernel({ clock: new VirtualClock() });
    await kernel.run(function* main() {
      yield* lck.acquire();
    });
    await kernel.shutdown();
    expect(() => lck.release()).toThrow(/^Lock\.release\(\): code running outside any task does not hold this lock; it is held by task \d+ \(main\)/);
    expect(lck.locked()).toBe(true);
  });

  it('acquiring a lock the task already holds throws instead of deadlocking', async () => {
    await runLeavingNoTask(function* () {
      const lck = new Lock();
      yield* lck.acquire();
      let error: unknown = null;
      try {
        yield* lck.acquire();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(CurioError);
      expect((error as Error).message).toMatch(/already holds this lock.*use RLock/);
      lck.release();
      expect(lck.locked()).toBe(false);
    });
  });

  it('withLock returns the block result, releases on error, and accepts an operation', async () => {
    await runLeavingNoTask(function* () {
      const lck = new Lock();
      const value = yield* lck.withLock(function* () {
        expect(lck.locked()).toBe(true);
        return 42;
      });
      expect(value).toBe(42);
      expect(lck.locked()).toBe(false);
      const boom = new Error('boom');
      let caught: unknown = null;
      try {
        yield* lck.withLock(function* () {
          throw boom;
        });
      } catch (e) {
        caught = e;
      }
      expect(caught).toBe(boom);
      expect(lck.locked()).toBe(false);
      const slept = yield* lck.withLock(sleep(5));
      expect(slept).toBe(5);
      expect(lck.locked()).toBe(false);
    });
  });

  it('withLock rejects a block that is not a generator', async () => {
    await runLeavingNoTask(function* () {
      const lck = new Lock();
      expect(() => lck.withLock(42 as unknown as Operation<void>).next()).toThrow(TypeError);
      let caught: unknown = null;
      try {
        yield* lck.withLock((() => 7) as unknown as () => Operation<number>);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(TypeError);
      expect(lck.locked()).toBe(false);
    });
  });
});
