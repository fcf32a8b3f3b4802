import {
  disableCancellation, checkCancellation, setCancellation, timeoutAfter, sleep, spawn, currentTask,
  TaskCancelled, TaskTimeout, CancelledError,
} from '../src/index.js';
import { runVirtual } from './helpers.js';

describe('disableCancellation', () => {
  it('holds a cancellation back until the first blocking call after the block', async () => {
    const log: string[] = [];
    await runVirtual(function* () {
      const t = yield* spawn(function* () {
        yield* disableCancellation(function* () {
          yield* sleep(100); // not interrupted
          log.push('block finished');
        });
        log.push('after block');
        try {
          yield* sleep(1);
        } catch (e) {
          log.push(`then ${(e as Error).name}`);
          throw e;
        }
      });
      yield* sleep(10);
      yield* t.cancel();
      expect(t.exception).toBeInstanceOf(TaskCancelled);
    });
    expect(log).toEqual(['block finished', 'after block', 'then TaskCancelled']);
  });

  it('holds back timeouts too', async () => {
    const r = await runVirtual(function* () {
      try {
        yield* timeoutAfter(10, function* () {
          yield* disableCancellation(sleep(50));
          yield* sleep(1);
        });
      } catch (e) {
        return [e];
      }
    });
    expect((r as unknown[])[0]).toBeInstanceOf(TaskTimeout);
  });

  it('nests, restoring the previous setting', async () => {
    await runVirtual(function* () {
      const me = yield* currentTask();
      yield* disableCancellation(function* () {
        yield* disableCancellation(function* () {
          expect(me._allowCancel).toBe(false);
        });
        expect(me._allowCancel).toBe(false);
      });
      expect(me._allowCancel).toBe(true);
    });
  });
});

describe('checkCancellation', () => {
  it('inside disableCancellation returns the pending exception and leaves it pending', async () => {
    const seen: unknown[] = [];
    await runVirtual(function* () {
      const t = yield* spawn(function* () {
        yield* disableCancellation(function* () {
          seen.push(yield* checkCancellation());
          yield* sleep(20);
          seen.push(yield* checkCancellation());
        });
        yield* sleep(1);
      });
      yield* sleep(10);
      yield* t.cancel();
    });
    expect(seen[0]).toBeNull();
    expect(seen[1]).toBeInstanceOf(TaskCancelled);
  });

  it('with cancellation allowed, throws a pending exception at once', async () => {
    const r = await runVirtual(function* () {
      const me = yield* currentTask();
      yield* me.cancel({ blocking: false });
      try {
        yield* checkCancellation();
        return 'not thrown';
      } catch (e) {
        return e;
      }
    });
    expect(r).toBeInstanceOf(TaskCancelled);
  });

  it('with a type, returns and clears only a pending exception of that type', async () => {
    const r = await runVirtual(function* () {
      return yield* disableCancellation(function* () {
        yield* setCancellation(new TaskTimeout(1));
        const wrongType = yield* checkCancellation(TaskCancelled);
        const rightType = yield* checkCancellation(TaskTimeout);
        const after = yield* checkCancellation();
        return [wrongType, rightType, after];
      });
    });
    expect(r[0]).toBeNull();
    expect(r[1]).toBeInstanceOf(TaskTimeout);
    expect(r[2]).toBeNull();
  });
});

describe('setCancellation', () => {
  it('sets a pending exception delivered at the next blocking call, returning the previous one', async () => {
    class Custom extends CancelledError {}
    const r = await runVirtual(function* () {
      const previous = yield* setCancellation(new Custom('set by hand'));
      try {
        yield* sleep(1);
        return 'not delivered';
      } catch (e) {
        return [previous, e];
      }
    });
    expect((r as unknown[])[0]).toBeNull();
    expect((r as unknown[])[1]).toBeInstanceOf(Custom);
  });

  it('null clears a pending cancellation', async () => {
    const r = await runVirtual(function* () {
      const me = yield* currentTask();
      yield* me.cancel({ blocking: false });
      const cleared = yield* setCancellation(null);
      yield* sleep(1);
      return cleared;
    });
    expect(r).toBeInstanceOf(TaskCancelled);
  });
});
