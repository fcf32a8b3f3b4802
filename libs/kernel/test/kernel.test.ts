import { Kernel, run, spawn, sleep, currentTask, VirtualClock, CurioError, TaskCancelled, SchedFIFO, traceTrap, Queue, Semaphore, timeoutAfter, Trap, type Task, type Operation } from '../src/index.js';
import { TrapKind } from '../src/traps.js';
import { rejectionOf, runVirtual } from './helpers.js';

describe('run', () => {
  it('resolves with the main task result', async () => {
    expect(await run(function* () {
      return 'hello';
    })).toBe('hello');
  });

  it('rejects with the main task error itself', async () => {
    const boom = new Error('boom');
    expect(await rejectionOf(run(function* () {
      yield* sleep(1);
      throw boom;
    }))).toBe(boom);
  });

  it('passes args to the main function', async () => {
    expect(await run(function* (a: number, b: string) {
      return `${a}${b}`;
    }, { args: [1, 'x'] as [number, string] })).toBe('1x');
  });

  it('cancels the tasks left over when main returns, running their finally blocks', async () => {
    const log: string[] = [];
    let left: Task | undefined;
    await run(function* () {
      left = yield* spawn(function* () {
        try {
          yield* sleep(60_000);
        } finally {
          log.push('cleanup of leftover');
        }
      });
      yield* sleep(1);
    });
    expect(log).toEqual(['cleanup of leftover']);
    expect(left!.terminated).toBe(true);
    expect(left!.exception).toBeInstanceOf(TaskCancelled);
  });
});

describe('Kernel', () => {
  it('can run several main tasks in turn; background tasks live on between runs', async () => {
    const kernel = new Kernel();
    let ticks = 0;
    await kernel.run(function* () {
      yield* spawn.with({ daemon: true })(function* ticker() {
        for (;;) {
          yield* sleep(1);
          ticks++;
        }
      });
    });
    const first = ticks;
    const second = await kernel.run(function* () {
      yield* sleep(20);
      return 'second';
    });
    expect(second).toBe('second');
    expect(ticks).toBeGreaterThan(first);
    await kernel.shutdown();
    expect(kernel.tasks.size).toBe(0);
    expect(kernel.isShutdown).toBe(true);
  });

  it('refuses a second main task while one runs, and any run after shutdown', async () => {
    const kernel = new Kernel();
    const first = kernel.run(function* () {
      yield* sleep(5);
    });
    const err = await rejectionOf(kernel.run(function* () {}));
    expect(err).toBeInstanceOf(CurioError);
    expect((err as Error).message).toMatch(/already running a main task/);
    await first;
    await kernel.shutdown();
    expect(((await rejectionOf(kernel.run(function* () {}))) as Error).message).toMatch(/shut down/);
  });

  it('shutdown cancels daemons and waits for their cleanup, including cleanup that blocks', async () => {
    const kernel = new Kernel({ clock: new VirtualClock() });
    const log: string[] = [];
    await kernel.run(function* () {
      yield* spawn.with({ daemon: true })(function* () {
        try {
          yield* sleep(1e9);
        } finally {
          yield* sleep(10);
          log.push('daemon cleaned up');
        }
      });
    });
    await kernel.shutdown();
    expect(log).toEqual(['daemon cleaned up']);
  });

  it('is async-disposable', async () => {
    let cleaned = false;
    {
      await using kernel = new Kernel();
      await kernel.run(function* () {
        yield* spawn(function* () {
          try {
            yield* sleep(1e9);
          } finally {
            cleaned = true;
          }
        });
      });
    }
    expect(cleaned).toBe(true);
  });

  it('runs several kernels side by side, each task in its own kernel', async () => {
    const a = new Kernel();
    const b = new Kernel();
    const order: string[] = [];
    const body = (label: string) =>
      function* () {
        const me = yield* currentTask();
        for (let i = 0; i < 3; i++) {
          order.push(label);
          yield* sleep(1);
        }
        return me.kernel;
      };
    const [ka, kb] = await Promise.all([a.run(body('a')), b.run(body('b'))]);
    expect(ka).toBe(a);
    expect(kb).toBe(b);
    expect(order.filter((x) => x === 'a')).toHaveLength(3);
    expect(order.filter((x) => x === 'b')).toHaveLength(3);
    await Promise.all([a.shutdown(), b.shutdown()]);
  });

  it('spawnTask starts a task from plain Node code', async () => {
    const kernel = new Kernel();
    const task = kernel.spawnTask(function* (x: number) {
      yield* sleep(1);
      return x + 1;
    }, [41]);
    const result = await kernel.run(function* () {
      return yield* task.join();
    });
    expect(result).toBe(42);
    await kernel.shutdown();
  });
});

describe('misuse gets clear errors', () => {
  function* caught(op: () => Operation<unknown>): Operation<unknown> {
    try {
      yield* op();
      return null;
    } catch (e) {
      return e;
    }
  }

  it('a bare yield of a non-trap', async () => {
    const e = await runVirtual(function* () {
      return yield* caught(function* () {
        yield 42 as unknown as Trap;
      });
    });
    expect(e).toBeInstanceOf(TypeError);
    expect((e as Error).message).toMatch(/yielded 42, which is not a kernel trap/);
  });

  it('yield (without *) of an operation', async () => {
    const e = await runVirtual(function* () {
      return yield* caught(function* () {
        yield sleep(1) as unknown as Trap;
      });
    });
    expect((e as Error).message).toMatch(/yielded a generator instead of waiting on it: use yield\*/);
  });

  it('yield of a Promise', async () => {
    const e = await runVirtual(function* () {
      return yield* caught(function* () {
        yield Promise.resolve(1) as unknown as Trap;
      });
    });
    expect((e as Error).message).toMatch(/yielded a Promise: wait on promises with `yield\* awaitPromise\(promise\)`/);
  });

  it('yield* of a Promise (not an operation)', async () => {
    const e = await rejectionOf(runVirtual(function* () {
      yield* (Promise.resolve(1) as unknown as Operation<number>);
    }));
    expect(e).toBeInstanceOf(TypeError);
    expect((e as Error).message).toMatch(/yield\* needs an Operation/);
  });

  it('a blocking operation outside any task', () => {
    expect(() => sleep(10).next()).toThrow(/sleep\(\) was called outside any task/);
    expect(() => currentTask().next()).toThrow(CurioError);
  });

  it('a bare yield says so, instead of "yielded undefined undefined"', async () => {
    const e = await runVirtual(function* () {
      return yield* caught(function* () {
        yield undefined as unknown as Trap;
      });
    });
    expect((e as Error).message).toMatch(/^task \d+ \(\w+\) yielded undefined \(a bare `yield`\), which is not a kernel trap/);
  });

  it.each([
    ['an Array', () => [1, 2] as unknown as Operation<unknown>, /^yield\* of something that is not an operation \(an Array, a Buffer, a string, a Map\.\.\.\): the kernel was handed its elements one by one, the first being 1; did you mean yield\* of an operation/],
    ['a Buffer', () => Buffer.from('hi') as unknown as Operation<unknown>, /^yield\* of something that is not an operation \(an Array, a Buffer, a string, a Map\.\.\.\): the kernel was handed its elements one by one, the first being 104; did you mean yield\* of an operation/],
    ['a string', () => 'ab' as unknown as Operation<unknown>, /^yield\* of something that is not an operation \(an Array, a Buffer, a string, a Map\.\.\.\): the kernel was handed its elements one by one, the first being "a" \(a string\); did you mean yield\* of an operation/],
  ])('yield* of %s explains itself instead of V8\'s "does not provide a \'throw\' method"', async (_what, value, expected) => {
    const e = await rejectionOf(runVirtual(function* () {
      yield* value();
    }));
    expect(e).toBeInstanceOf(TypeError);
    expect((e as Error).message).toMatch(expected);
    expect((e as Error).message).toMatch(/did you mean yield\* of an operation/);
  });

  it('an operation run outside any task names itself and says what to do', () => {
    // An operation whose generator reaches its trap outside a task (iterated by hand).
    expect(() => traceTrap(new SchedFIFO().trap('READ_WAIT'))).toThrow(
      /^an operation waiting in READ_WAIT was run outside any task: run it inside a task started by run\(\), kernel.run\(\) or spawn\(\), and wait on it with yield\*/,
    );
  });

  it('bad arguments are shown as given: strings quoted, undefined once', async () => {
    const e = await runVirtual(function* () {
      return yield* caught(() => sleep('10' as unknown as number));
    });
    expect((e as Error).message).toBe('sleep(): expected a number of milliseconds, got "10" (a string)');
    expect(() => new Queue('5' as unknown as number)).toThrow('Queue(): maxsize must be an integer >= 0 (0 means unbounded), got "5" (a string)');
    expect(() => new Semaphore('1' as unknown as number)).toThrow('Semaphore(): the initial value must be an integer >= 0, got "1" (a string)');
    expect(() => new VirtualClock().advance('5' as unknown as number)).toThrow('VirtualClock.advance(): ms must be a finite number >= 0, got "5" (a string)');
    const t = await runVirtual(function* () {
      return yield* caught(() => timeoutAfter('5' as unknown as number, sleep(1)));
    });
    expect((t as Error).message).toBe('timeoutAfter(): expected a number of milliseconds or null, got "5" (a string)');
    const u = await runVirtual(function* () {
      return yield* caught(() => timeoutAfter(5, undefined as unknown as Operation<void>));
    });
    expect((u as Error).message).toBe('timeoutAfter(): expected an operation or a generator function, got undefined');
  });

  it('a trap of a kind the kernel does not know (a user subclass of Trap) fails loudly', async () => {
    class HomeMadeTrap extends Trap {
      readonly name = 'HOME_MADE';
      readonly kind = undefined as unknown as TrapKind;
    }
    const e = await runVirtual(function* () {
      return yield* caught(function* () {
        yield new HomeMadeTrap();
      });
    });
    expect(e).toBeInstanceOf(TypeError);
    expect((e as Error).message).toMatch(/^task \d+ \(\w+\) yielded a trap of unknown kind \(HomeMadeTrap 'HOME_MADE'\): the kernel runs only its own traps; build blocking operations on park\(\)/);
  });

  it('the kernel refuses to schedule a task twice (a waker resuming it again after it was woken)', async () => {
    await runVirtual(function* () {
      const t = yield* spawn(function* () {});
      // t is on the ready queue already: a second resume would run it twice.
      expect(() => t.kernel._reschedule(t, undefined)).toThrow(/^kernel bug: Task\(id=\d+, name='task', state='READY'\) was scheduled twice/);
      yield* t.join();
    });
  });

  it('a plain function given as a task is named with what it returned', async () => {
    const e = await rejectionOf(run((function notAGenerator() {
      return 42;
    }) as unknown as () => Operation<number>));
    expect((e as Error).message).toBe('spawn(): a task must be a generator function (function*) or a generator object; got the function notAGenerator, which returned 42');
  });

  it('an async function given as a task', async () => {
    const e = await rejectionOf(run((async function* () {}) as unknown as () => Operation<void>));
    expect(e).toBeInstanceOf(TypeError);
    const e2 = await rejectionOf(run((async () => 1) as unknown as () => Operation<number>));
    expect((e2 as Error).message).toMatch(/a task must be a generator function \(function\*\) or a generator object; got a Promise/);
  });
});
