import {
  timeoutAfter, timeoutAt, ignoreAfter, ignoreAt, sleep, clock, spawn, currentTask,
  TaskTimeout, TimeoutCancellationError, UncaughtTimeoutError, CancelledError, TaskCancelled,
} from '../src/index.js';
import { runVirtual } from './helpers.js';


describe('timeoutAfter', () => {
  it('returns the result when the operation finishes in time', async () => {
    const r = await runVirtual(function* () {
      return yield* timeoutAfter(100, function* () {
        yield* sleep(10);
        return 'fast';
      });
    });
    expect(r).toBe('fast');
  });

  it('throws TaskTimeout carrying the clock when time runs out; the operation is cancelled', async () => {
    const log: string[] = [];
    const r = await runVirtual(function* () {
      try {
        yield* timeoutAfter(100, function* () {
          try {
            yield* sleep(1000);
          } finally {
            log.push('inner finally');
          }
        });
        return null;
      } catch (e) {
        return { e, now: yield* clock() };
      }
    });
    expect(r!.e).toBeInstanceOf(TaskTimeout);
    expect(r!.e).toBeInstanceOf(CancelledError);
    expect((r!.e as TaskTimeout).clock).toBe(100);
    expect(r!.now).toBe(100);
    expect(log).toEqual(['inner finally']);
  });

  it('accepts an operation object as well as a block', async () => {
    const e = await runVirtual(function* () {
      try {
        yield* timeoutAfter(5, sleep(50));
      } catch (err) {
        return err;
      }
    });
    expect(e).toBeInstanceOf(TaskTimeout);
  });

  it('null means no timeout', async () => {
    const r = await runVirtual(function* () {
      return yield* timeoutAfter(null, function* () {
        yield* sleep(3_600_000);
        return 'waited an hour';
      });
    });
    expect(r).toBe('waited an hour');
  });

  it('a one-hour timeout is tested instantly on the virtual clock', async () => {
    const e = await runVirtual(function* () {
      try {
        yield* timeoutAfter(3_600_000, sleep(7_200_000));
      } catch (err) {
        return err;
      }
    });
    expect((e as TaskTimeout).clock).toBe(3_600_000);
  });

  it('works with the real clock', async () => {
    const { run } = await import('../src/index.js');
    const e = await run(function* () {
      try {
        yield* timeoutAfter(20, sleep(10_000));
      } catch (err) {
        return err;
      }
    });
    expect(e).toBeInstanceOf(TaskTimeout);
  });

  it('does not fire after the block has finished', async () => {
    const r = await runVirtual(function* () {
      yield* timeoutAfter(50, sleep(10));
      yield* sleep(100);
      return 'no late timeout';
    });
    expect(r).toBe('no late timeout');
  });

  it('timeoutAt takes an absolute clock deadline', async () => {
    const e = await runVirtual(function* () {
      yield* sleep(30);
      try {
        yield* timeoutAt(50, sleep(100));
      } catch (err) {
        return [err, yield* clock()];
      }
    });
    expect((e as unknown[])[0]).toBeInstanceOf(TaskTimeout);
    expect((e as unknown[])[1]).toBe(50);
  });

  it('rejects a deadline that is not a number', async () => {
    const e = await runVirtual(function* () {
      try {
        yield* timeoutAfter('10' as unknown as number, sleep(1));
      } catch (err) {
        return err;
      }
    });
    expect(e).toBeInstanceOf(TypeError);
    expect((e as Error).message).toMatch(/timeoutAfter\(\): expected a number of milliseconds/);
  });

  it('rejects a body that is not an operation', async () => {
    const e = await runVirtual(function* () {
      try {
        yield* timeoutAfter(10, (async () => 1) as unknown as () => Generator<never, number>);
      } catch (err) {
        return err;
      }
    });
    expect((e as Error).message).toMatch(/timeoutAfter\(\): expected an operation or a generator function, got a Promise/);
  });
});

describe('ignoreAfter', () => {
  it('returns undefined when time runs out, and the value otherwise', async () => {
    const r = await runVirtual(function* () {
      const slow = yield* ignoreAfter(10, function* () {
        yield* sleep(100);
        return 'slow';
      });
      const fast = yield* ignoreAfter(100, function* () {
        yield* sleep(10);
        return 'fast';
      });
      return [slow, fast];
    });
    expect(r).toEqual([undefined, 'fast']);
  });

  it('returns timeoutResult when given', async () => {
    const r = await runVirtual(function* () {
      return yield* ignoreAfter(10, sleep(100), { timeoutResult: 'gave up' });
    });
    expect(r).toBe('gave up');
  });

  it('ignoreAt takes an absolute deadline', async () => {
    const r = await runVirtual(function* () {
      const v = yield* ignoreAt(25, sleep(100), { timeoutResult: -1 });
      return [v, yield* clock()];
    });
    expect(r).toEqual([-1, 25]);
  });
});

describe('nested timeouts (Curio rules)', () => {
  it('outer expires first: the inner block sees TimeoutCancellationError, the outer raises TaskTimeout', async () => {
    const seen: unknown[] = [];
    const r = await runVirtual(function* () {
      try {
        yield* timeoutAfter(50, function* () {
          try {
            yield* timeoutAfter(1000, sleep(5000));
          } catch (e) {
            seen.push(e);
            throw e;
          }
        });
      } catch (e) {
        return e;
      }
    });
    expect(seen[0]).toBeInstanceOf(TimeoutCancellationError);
    expect(r).toBeInstanceOf(TaskTimeout);
    expect((r as TaskTimeout).clock).toBe(50);
  });

  it('inner expires first: the inner block raises TaskTimeout and the outer block goes on', async () => {
    const r = await runVirtual(function* () {
      return yield* timeoutAfter(1000, function* () {
        try {
          yield* timeoutAfter(10, sleep(100));
        } catch (e) {
          expect(e).toBeInstanceOf(TaskTimeout);
        }
        yield* sleep(100);
        return 'outer finished';
      });
    });
    expect(r).toBe('outer finished');
  });

  it('an ignoreAfter inside an expiring timeoutAfter does not swallow the outer timeout', async () => {
    const r = await runVirtual(function* () {
      try {
        yield* timeoutAfter(20, function* () {
          yield* ignoreAfter(1000, sleep(5000));
          return 'should not get here';
        });
      } catch (e) {
        return e;
      }
    });
    expect(r).toBeInstanceOf(TaskTimeout);
  });

  it('an inner timeout nobody catches surfaces as UncaughtTimeoutError in an unexpired outer block', async () => {
    const r = await runVirtual(function* () {
      try {
        yield* timeoutAfter(1000, function* () {
          // A TaskTimeout thrown by hand stands for one that escaped its own block.
          const stray = new TaskTimeout(5);
          yield* sleep(10);
          throw stray;
        });
      } catch (e) {
        return e;
      }
    });
    expect(r).toBeInstanceOf(UncaughtTimeoutError);
    expect((r as Error).cause).toBeInstanceOf(TaskTimeout);
  });

  it('inner ignoreAfter expiring is handled by the inner block alone', async () => {
    const r = await runVirtual(function* () {
      return yield* timeoutAfter(100, function* () {
        const v = yield* ignoreAfter(10, sleep(50), { timeoutResult: 'inner gave up' });
        yield* sleep(20);
        return v;
      });
    });
    expect(r).toBe('inner gave up');
  });

  it('three levels: the middle one expiring cancels the innermost and is raised at the middle', async () => {
    const seen: string[] = [];
    const r = await runVirtual(function* () {
      return yield* timeoutAfter(1000, function* () {
        try {
          yield* timeoutAfter(30, function* () {
            try {
              yield* timeoutAfter(500, sleep(2000));
            } catch (e) {
              seen.push(`inner: ${(e as Error).name}`);
              throw e;
            }
          });
        } catch (e) {
          seen.push(`middle: ${(e as Error).name}`);
        }
        return yield* clock();
      });
    });
    expect(seen).toEqual(['inner: TimeoutCancellationError', 'middle: TaskTimeout']);
    expect(r).toBe(30);
  });

  it('an expired outer timeout during an inner block that finished is delivered at the next blocking call', async () => {
    const r = await runVirtual(function* () {
      try {
        yield* timeoutAfter(10, function* () {
          // The inner block completes normally at clock 10, exactly when the outer expires.
          yield* timeoutAfter(1000, sleep(10));
          yield* sleep(1);
          return 'not reached';
        });
      } catch (e) {
        return e;
      }
    });
    expect(r).toBeInstanceOf(TaskTimeout);
  });

  it('a timeout that expires while the task is ready is delivered at its next blocking call', async () => {
    const { run } = await import('../src/index.js');
    // A task that only ever calls sleep(0) is READY (not parked) whenever the kernel
    // looks at the clock, so its timeout is stored as pending and thrown at a sleep(0).
    const r = await run(function* () {
      let spins = 0;
      try {
        yield* timeoutAfter(5, function* () {
          for (;;) {
            spins++;
            yield* sleep(0);
          }
        });
      } catch (e) {
        return { e, spins };
      }
    });
    expect(r!.e).toBeInstanceOf(TaskTimeout);
    expect(r!.spins).toBeGreaterThan(1);
  });

  it('cancellation of a task inside timeout blocks is a TaskCancelled, not a timeout', async () => {
    const r = await runVirtual(function* () {
      const t = yield* spawn(function* () {
        yield* timeoutAfter(1000, function* () {
          yield* timeoutAfter(500, sleep(5000));
        });
      });
      yield* sleep(10);
      yield* t.cancel();
      return t.exception;
    });
    expect(r).toBeInstanceOf(TaskCancelled);
  });

  it('leaves the task without timeout state after the blocks', async () => {
    await runVirtual(function* () {
      yield* timeoutAfter(10, function* () {
        yield* ignoreAfter(5, sleep(100));
      });
      const me = yield* currentTask();
      expect(me._timeout).toBeNull();
      expect(me._deadlines).toEqual([]);
      yield* sleep(1000);
    });
  });
});
