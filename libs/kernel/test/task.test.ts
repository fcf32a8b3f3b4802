import { Kernel, run, spawn, sleep, currentTask, ignoreAfter, Task, TaskError, TaskCancelled, CancelledError, CurioError, type Operation } from '../src/index.js';
import { runVirtual } from './helpers.js';

describe('spawn and join', () => {
  it('passes arguments to the task function and returns its result through join', async () => {
    const result = await runVirtual(function* () {
      const t = yield* spawn(function* add(a: number, b: number) {
        yield* sleep(1);
        return a + b;
      }, 2, 3);
      return yield* t.join();
    });
    expect(result).toBe(5);
  });

  it('accepts a generator object as the task body', async () => {
    function* body() {
      yield* sleep(1);
      return 'object';
    }
    const result = await runVirtual(function* () {
      const t = yield* spawn(body());
      return yield* t.join();
    });
    expect(result).toBe('object');
  });

  it('runs a hand-written operation object (not made by function*) through its own next and throw', async () => {
    // The kernel resumes function* generators through %GeneratorPrototype%; anything
    // else with the generator's methods must still be driven through those methods.
    const calls: string[] = [];
    function handWritten(): Operation<string> {
      const inner = sleep(1_000);
      const op = {
        next(value?: unknown) {
          calls.push('next');
          return inner.next(value);
        },
        throw(error?: unknown) {
          calls.push('throw');
          return { done: true, value: `caught ${(error as Error).name}` };
        },
        return(value?: unknown) {
          return inner.return(value as number);
        },
        [Symbol.iterator]() {
          return op;
        },
      };
      return op as unknown as Operation<string>;
    }
    const result = await runVirtual(function* () {
      const t = yield* spawn(handWritten());
      yield* sleep(1);
      yield* t.cancel({ blocking: false });
      return yield* t.join();
    });
    expect(result).toBe('caught TaskCancelled');
    expect(calls).toEqual(['next', 'throw']);
  });

  it('runs thousands of inline closure tasks, each to its own result', async () => {
    const sum = await runVirtual(function* () {
      const tasks: Task<number>[] = [];
      for (let i = 0; i < 5_000; i++) {
        tasks.push(
          yield* spawn(function* () {
            if (i % 2 === 0) yield* sleep(1);
            if (i % 1_000 === 999) throw new Error(`task ${i}`);
            return i;
          }),
        );
      }
      let total = 0;
      for (const t of tasks) {
        try {
          total += yield* t.join();
        } catch (error) {
          total -= Number(String(((error as TaskError).cause as Error).message).slice(5));
        }
      }
      return total;
    });
    // Sum of 0..4999 less, twice, the five failing tasks (999, 1999, ..., 4999).
    expect(sum).toBe((5_000 * 4_999) / 2 - 2 * (999 + 1_999 + 2_999 + 3_999 + 4_999));
  });

  it('names tasks after their function, or the name option; marks daemons; records the parent', async () => {
    const seen = await runVirtual(function* main() {
      const me = yield* currentTask();
      const a = yield* spawn(function* worker() {});
      const b = yield* spawn.with({ name: 'custom', daemon: true })(function* () {});
      yield* a.join();
      yield* b.wait();
      return { me, a, b };
    });
    expect(seen.me.name).toBe('main');
    expect(seen.me.parentId).toBeNull();
    expect(seen.a.name).toBe('worker');
    expect(seen.a.daemon).toBe(false);
    expect(seen.a.parentId).toBe(seen.me.id);
    expect(seen.b.name).toBe('custom');
    expect(seen.b.daemon).toBe(true);
    expect(seen.b.id).toBeGreaterThan(seen.a.id);
  });

  it('spawn returns at once: the new task runs only when the spawner blocks', async () => {
    const log: string[] = [];
    await runVirtual(function* () {
      const t = yield* spawn(function* () {
        log.push('child');
      });
      log.push('parent after spawn');
      expect(t.state).toBe('READY');
      yield* t.join();
    });
    expect(log).toEqual(['parent after spawn', 'child']);
  });

  it.each(['join', 'wait'] as const)('%s() on the current task raises a CurioError instead of waiting forever', async (method) => {
    await runVirtual(function* () {
      const selfWaiter = yield* spawn(function* selfWaiter() {
        const me = yield* currentTask();
        yield* me[method]();
      });
      // Bounded on the virtual clock, so a regression fails instead of hanging.
      yield* ignoreAfter(1000, selfWaiter.wait());
      expect(selfWaiter.terminated).toBe(true);
      expect(selfWaiter.exception).toBeInstanceOf(CurioError);
      expect(String((selfWaiter.exception as Error).message)).toBe(
        `Task.${method}(): task ${selfWaiter.id} (selfWaiter) cannot ${method} itself: it would wait for its own end forever (join another task, or return a value)`,
      );
    });
  });

  it('cancel() of the current task still lands its cancellation at once', async () => {
    await runVirtual(function* () {
      const t = yield* spawn(function* () {
        const me = yield* currentTask();
        yield* me.cancel();
      });
      yield* t.wait();
      expect(t.exception).toBeInstanceOf(TaskCancelled);
    });
  });

  it('join raises TaskError with the failure as cause', async () => {
    const boom = new RangeError('boom');
    const caught = await runVirtual(function* () {
      const t = yield* spawn(function* failing() {
        yield* sleep(1);
        throw boom;
      });
      try {
        yield* t.join();
        return null;
      } catch (e) {
        return e;
      }
    });
    expect(caught).toBeInstanceOf(TaskError);
    expect((caught as TaskError).cause).toBe(boom);
    expect((caught as TaskError).message).toContain('failing');
    expect((caught as TaskError).message).toContain('boom');
  });

  it('result and exception getters: value, rethrow, and an error before termination', async () => {
    const boom = new Error('boom');
    await runVirtual(function* () {
      const ok = yield* spawn(function* () {
        yield* sleep(5);
        return 7;
      });
      const bad = yield* spawn(function* () {
        throw boom;
      });
      expect(() => ok.result).toThrow(CurioError);
      expect(() => ok.exception).toThrow(/has not terminated/);
      yield* ok.wait();
      yield* bad.wait();
      expect(ok.result).toBe(7);
      expect(ok.exception).toBeNull();
      expect(() => bad.result).toThrow(boom);
      expect(bad.exception).toBe(boom);
    });
  });

  it('tracks state and cycles', async () => {
    await runVirtual(function* () {
      const t = yield* spawn(function* () {
        yield* sleep(10);
        yield* sleep(10);
      });
      expect(t.state).toBe('READY');
      expect(t.cycles).toBe(0);
      yield* sleep(1);
      expect(t.state).toBe('TIME_SLEEP');
      expect(t.cycles).toBe(1);
      const me = yield* currentTask();
      expect(me.state).toBe('RUNNING');
      yield* t.join();
      expect(t.state).toBe('TERMINATED');
      expect(t.terminated).toBe(true);
      expect(t.cycles).toBe(3);
    });
  });

  it('join waits in TASK_JOIN and wait() does not look at the outcome', async () => {
    await runVirtual(function* () {
      const child = yield* spawn(function* () {
        yield* sleep(10);
        throw new Error('ignored by wait');
      });
      const joiner = yield* spawn(function* () {
        yield* child.wait();
        return 'waited';
      });
      yield* sleep(1);
      expect(joiner.state).toBe('TASK_JOIN');
      expect(yield* joiner.join()).toBe('waited');
    });
  });
});

describe('cancel', () => {
  it('throws TaskCancelled into a blocked task, runs its finally, and waits for it (blocking)', async () => {
    const log: string[] = [];
    await runVirtual(function* () {
      const t = yield* spawn(function* () {
        try {
          yield* sleep(1000);
        } catch (e) {
          log.push(`caught ${(e as Error).name}`);
          throw e;
        } finally {
          log.push('finally');
        }
      });
      yield* sleep(1);
      const cancelled = yield* t.cancel();
      log.push(`cancel returned ${cancelled}, terminated ${t.terminated}`);
      expect(t.cancelled).toBe(true);
      expect(t.exception).toBeInstanceOf(TaskCancelled);
    });
    expect(log).toEqual(['caught TaskCancelled', 'finally', 'cancel returned true, terminated true']);
  });

  it('non-blocking cancel returns at once; the task terminates later', async () => {
    await runVirtual(function* () {
      const t = yield* spawn(function* () {
        yield* sleep(1000);
      });
      yield* sleep(1);
      expect(yield* t.cancel({ blocking: false })).toBe(true);
      expect(t.terminated).toBe(false);
      yield* t.wait();
      expect(t.exception).toBeInstanceOf(TaskCancelled);
    });
  });

  it('returns false for a task that already terminated', async () => {
    await runVirtual(function* () {
      const t = yield* spawn(function* () {
        return 1;
      });
      yield* t.wait();
      expect(yield* t.cancel()).toBe(false);
      expect(t.result).toBe(1);
    });
  });

  it('delivers a custom exception, given as an instance or a class', async () => {
    class Stop extends CancelledError {}
    await runVirtual(function* () {
      const a = yield* spawn(function* () {
        yield* sleep(1000);
      });
      const b = yield* spawn(function* () {
        yield* sleep(1000);
      });
      yield* sleep(1);
      const instance = new Stop('by instance');
      yield* a.cancel({ exc: instance });
      yield* b.cancel({ exc: Stop });
      expect(a.exception).toBe(instance);
      expect(b.exception).toBeInstanceOf(Stop);
    });
  });

  it('a second cancel keeps the first exception and also waits for termination', async () => {
    class First extends CancelledError {}
    class Second extends CancelledError {}
    const order: string[] = [];
    await runVirtual(function* () {
      const t = yield* spawn(function* () {
        try {
          yield* sleep(1000);
        } finally {
          yield* sleep(50); // cleanup that takes time
          order.push('cleanup done');
        }
      });
      yield* sleep(1);
      const first = yield* spawn(function* () {
        yield* t.cancel({ exc: First });
        order.push('first cancel returned');
      });
      const second = yield* spawn(function* () {
        yield* sleep(1);
        yield* t.cancel({ exc: Second });
        order.push('second cancel returned');
      });
      yield* first.join();
      yield* second.join();
      expect(t.exception).toBeInstanceOf(First);
    });
    expect(order[0]).toBe('cleanup done');
    expect(order).toHaveLength(3);
  });

  it('a task cancelling itself gets the exception at its next blocking call', async () => {
    const caught = await runVirtual(function* () {
      const t = yield* spawn(function* () {
        const me = yield* currentTask();
        yield* me.cancel({ blocking: false });
        try {
          yield* sleep(1);
          return 'not cancelled';
        } catch (e) {
          return e;
        }
      });
      return yield* t.join();
    });
    expect(caught).toBeInstanceOf(TaskCancelled);
  });

  it('cancelling a task that has not started yet cancels it at its first blocking call', async () => {
    const log: string[] = [];
    await runVirtual(function* () {
      const t = yield* spawn(function* () {
        log.push('started');
        yield* sleep(1);
        log.push('never');
      });
      yield* t.cancel();
      expect(t.exception).toBeInstanceOf(TaskCancelled);
    });
    expect(log).toEqual(['started']);
  });

  it('a woken task that is cancelled before it runs still gets the value it was woken with', async () => {
    await runVirtual(function* () {
      const t = yield* spawn(function* () {
        const woke = yield* sleep(10);
        try {
          yield* sleep(1);
        } catch (e) {
          return { woke, e };
        }
        return null;
      });
      yield* sleep(10); // the child wakes at the same deadline: it is READY now
      yield* t.cancel({ blocking: false });
      const r = (yield* t.join()) as { woke: number; e: unknown };
      expect(r.woke).toBe(10);
      expect(r.e).toBeInstanceOf(TaskCancelled);
    });
  });
});

describe('where() and traceback()', () => {
  it('with stack tracing on, points at the blocking line of user code', async () => {
    const kernel = new Kernel({ traceStacks: true });
    await kernel.run(function* () {
      const t = yield* spawn(function* sleeper() {
        yield* sleep(1000); // <- here
      });
      yield* sleep(1);
      const where = t.where();
      expect(where).not.toBeNull();
      expect(where!.file).toMatch(/task\.test\.ts$/);
      expect(where!.function).toMatch(/sleeper/);
      expect(t.traceback()).toMatch(/task\.test\.ts:\d+:\d+/);
      yield* t.cancel();
    });
    await kernel.shutdown();
  });

  it('with stack tracing off, says how to turn it on', async () => {
    await run(function* () {
      const t = yield* spawn(function* () {
        yield* sleep(1000);
      });
      yield* sleep(1);
      expect(t.where()).toBeNull();
      expect(t.traceback()).toMatch(/traceStacks: true/);
      yield* t.cancel();
    }, { traceStacks: false });
  });
});

describe('Task objects', () => {
  it('print readably', async () => {
    await runVirtual(function* main() {
      const me = yield* currentTask();
      expect(String(me)).toBe(`Task(id=${me.id}, name='main', state='RUNNING')`);
      expect(me).toBeInstanceOf(Task);
    });
  });

  it('show the timeout in force and the sleep deadline, for monitors', async () => {
    const { timeoutAfter, clock } = await import('../src/index.js');
    await runVirtual(function* () {
      const start = yield* clock();
      const sleeper = yield* spawn(function* () {
        yield* timeoutAfter(500, sleep(100));
      });
      yield* sleep(10);
      expect(sleeper.state).toBe('TIME_SLEEP');
      expect(sleeper.sleepUntil).toBe(start + 100);
      expect(sleeper.timeout).toBe(start + 500);
      yield* sleeper.join();
      expect(sleeper.sleepUntil).toBeNull();
      expect(sleeper.timeout).toBeNull();
      expect((yield* currentTask()).sleepUntil).toBeNull();
    });
  });
});

describe('markLibraryCode', () => {
  it("leaves a marked library's frames out of where(), so it names the user's line", async () => {
    const { SchedFIFO } = await import('../src/index.js');
    const { markedOperation } = await import('./fixtures/marked/library.js');
    const { plainOperation } = await import('./fixtures/plain/library.js');
    const q = new SchedFIFO();
    const kernel = new Kernel({ traceStacks: true });
    await kernel.run(function* () {
      const inMarked = yield* spawn(function* callsMarkedLibrary() {
        yield* markedOperation(q);
      });
      const inPlain = yield* spawn(function* callsPlainLibrary() {
        yield* plainOperation(q);
      });
      yield* sleep(1);
      expect(inMarked.where()?.function).toMatch(/callsMarkedLibrary/);
      expect(inPlain.where()?.function).toMatch(/plainOperation/);
      yield* inMarked.cancel();
      yield* inPlain.cancel();
    });
    await kernel.shutdown();
  });
});
