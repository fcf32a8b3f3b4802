import {
  Kernel,
  VirtualClock,
  SchedBarrier,
  spawn,
  sleep,
  clock,
  currentTask,
  timeoutAfter,
  disableCancellation,
  CurioError,
  TaskError,
  CancelledError,
  TaskCancelled,
  TaskTimeout,
  TimeoutCancellationError,
  type Operation,
  type Task,
} from '../src/index.js';
import { TaskGroup, withTaskGroup } from '../src/taskgroup.js';

/** Runs `main` in a kernel with a virtual clock, then shuts the kernel down. */
async function runVirtual<T>(main: () => Operation<T>): Promise<T> {
  const kernel = new Kernel({ clock: new VirtualClock() });
  try {
    return await kernel.run(main);
  } finally {
    await kernel.shutdown();
  }
}

/** The live tasks of the kernel other than the caller. */
function* othersAlive(): Operation<Task[]> {
  const me = yield* currentTask();
  return [...me.kernel.tasks.values()].filter((t) => t !== me);
}

/** A one-shot gate (a minimal event) built on the scheduler primitives. */
class Gate {
  private readonly waiters = new SchedBarrier();
  private opened = false;
  *wait(): Operation<void> {
    while (!this.opened) yield* this.waiters.suspend('GATE_WAIT');
  }
  open(): void {
    this.opened = true;
    this.waiters.wake();
  }
}

function* add(x: number, y: number): Operation<number> {
  return x + y;
}

function* addAfter(ms: number, x: number, y: number): Operation<number> {
  yield* sleep(ms);
  return x + y;
}

function* failWith(error: Error): Operation<never> {
  throw error;
}

function* failAfter(ms: number, error: Error): Operation<never> {
  yield* sleep(ms);
  throw error;
}

function* returnAfter<T>(ms: number, value: T): Operation<T> {
  yield* sleep(ms);
  return value;
}

function* waitFor(gate: Gate): Operation<void> {
  yield* gate.wait();
}

describe('TaskGroup construction and misuse', () => {
  it('defaults to the wait policy all and accepts the four policies', () => {
    expect(new TaskGroup().wait).toBe('all');
    for (const wait of ['all', 'any', 'object', 'none'] as const) expect(new TaskGroup({ wait }).wait).toBe(wait);
  });

  it('rejects an unknown wait policy and bad options with a TypeError naming the problem', () => {
    expect(() => new TaskGroup({ wait: 'first' as unknown as 'all' })).toThrow(/wait must be one of 'all', 'any', 'object', 'none'; got "first" \(a string\)/);
    expect(() => new TaskGroup(null as unknown as object)).toThrow(TypeError);
  });

  it('rejects adding something that is not a Task', () => {
    const g = new TaskGroup();
    expect(() => g.addTask({} as unknown as Task)).toThrow(/expected a Task/);
  });

  it('refuses results before join (result, exception, results, exceptions) and nextResult on an empty group', async () => {
    const checked = await runVirtual(function* () {
      const g = new TaskGroup();
      expect(() => g.result).toThrow(CurioError);
      expect(() => g.exception).toThrow(/not been joined/);
      expect(() => g.results).toThrow(/not been joined/);
      expect(() => g.exceptions).toThrow(/not been joined/);
      let nextResultError: unknown = null;
      try {
        yield* g.nextResult();
      } catch (e) {
        nextResultError = e;
      }
      expect(nextResultError).toBeInstanceOf(CurioError);
      yield* g.join();
      return true;
    });
    expect(checked).toBe(true);
  });

  it('refuses a task that is already in a group, and spawn/addTask after join', async () => {
    const errors = await runVirtual(function* () {
      const errors: string[] = [];
      const g = yield* withTaskGroup(function* (g) {
        const t1 = yield* g.spawn(sleep, 0);
        try {
          g.addTask(t1);
        } catch (e) {
          errors.push((e as Error).message);
        }
        return g;
      });
      try {
        yield* g.spawn(sleep, 0);
      } catch (e) {
        errors.push((e as Error).message);
      }
      const t2 = yield* spawn(sleep, 0);
      try {
        g.addTask(t2);
      } catch (e) {
        errors.push((e as Error).message);
      }
      yield* t2.join();
      const other = new TaskGroup();
      const t3 = yield* other.spawn(sleep, 0);
      try {
        new TaskGroup({}, [t3]);
      } catch (e) {
        errors.push((e as Error).message);
      }
      yield* other.join();
      return errors;
    });
    expect(errors).toEqual([
      expect.stringMatching(/already belongs to a task group/),
      expect.stringMatching(/spawn\(\): the group has already been joined/),
      expect.stringMatching(/addTask\(\): the group has already been joined/),
      expect.stringMatching(/already belongs to a task group/),
    ]);
  });

  it('tells a task that it cannot join a group it is a running member of', async () => {
    const message = await runVirtual(function* () {
      const g = new TaskGroup();
      const member = yield* g.spawn(function* () {
        try {
          yield* g.join();
          return 'joined';
        } catch (e) {
          return (e as Error).message;
        }
      });
      yield* g.join();
      return member.result;
    });
    expect(message).toMatch(/member of the group and cannot wait for itself/);
  });

  it('names spawned tasks through spawn.with and describes itself', async () => {
    const seen = await runVirtual(function* () {
      const g = new TaskGroup();
      const t = yield* g.spawn.with({ name: 'worker' })(add, 1, 2);
      const text = g.toString();
      yield* g.join();
      return { name: t.name, text };
    });
    expect(seen).toEqual({ name: 'worker', text: "TaskGroup(wait='all', running=1, daemons=0, finished=0)" });
  });
});

describe("wait: 'all'", () => {
  it('waits for every task and collects results in creation order', async () => {
    const out = await runVirtual(function* () {
      const g = yield* withTaskGroup(function* (g) {
        yield* g.spawn(addAfter, 30, 1, 1);
        yield* g.spawn(addAfter, 10, 2, 2);
        yield* g.spawn(addAfter, 20, 3, 3);
        return g;
      });
      return { results: g.results, exceptions: g.exceptions, completed: g.completed?.result, alive: (yield* othersAlive()).length };
    });
    // completed is the first to finish; results follow creation order.
    expect(out).toEqual({ results: [2, 4, 6], exceptions: [null, null, null], completed: 4, alive: 0 });
  });

  it('gives each task its result (test_task_group)', async () => {
    const out = await runVirtual(function* () {
      let tasks: Task<number>[] = [];
      const g = yield* withTaskGroup(function* (g) {
        tasks = [yield* g.spawn(add, 1, 1), yield* g.spawn(add, 2, 2), yield* g.spawn(add, 3, 3)];
        return g;
      });
      return { each: tasks.map((t) => t.result), results: g.results, tasks: g.tasks };
    });
    expect(out.each).toEqual([2, 4, 6]);
    expect(out.results).toEqual([2, 4, 6]);
    expect(out.tasks.map((t) => t.result)).toEqual([2, 4, 6]);
  });

  it('cancels the rest when one task fails; join itself does not throw (test_task_group_error)', async () => {
    const out = await runVirtual(function* () {
      const gate = new Gate();
      const boom = new TypeError('bad operand');
      let t1!: Task, t2!: Task, t3!: Task;
      const g = yield* withTaskGroup(function* (g) {
        t1 = yield* g.spawn(waitFor, gate);
        t2 = yield* g.spawn(waitFor, gate);
        t3 = yield* g.spawn(failWith, boom);
        return g;
      });
      let resultsError: unknown = null;
      try {
        void g.results;
      } catch (e) {
        resultsError = e;
      }
      return { boom, t1, t2, t3, g, resultsError };
    });
    expect(out.t3.exception).toBe(out.boom);
    expect(out.g.completed).toBe(out.t3);
    expect(out.g.exception).toBe(out.boom);
    expect(() => out.g.result).toThrow(out.boom);
    expect(out.t1.cancelled && out.t1.terminated).toBe(true);
    expect(out.t2.cancelled && out.t2.terminated).toBe(true);
    expect(out.t1.exception).toBeInstanceOf(TaskCancelled);
    // results rethrows the first failure in creation order: t1 was cancelled.
    expect(out.resultsError).toBeInstanceOf(TaskCancelled);
    expect(out.g.exceptions.map((e) => (e as Error).constructor)).toEqual([TaskCancelled, TaskCancelled, TypeError]);
  });

  it('stops at a failure that comes after successes, leaving completed on the first success', async () => {
    const out = await runVirtual(function* () {
      const g = new TaskGroup<number>();
      const ok = yield* g.spawn(returnAfter, 10, 7);
      const bad = yield* g.spawn(failAfter, 20, new RangeError('late'));
      const slow = yield* g.spawn(returnAfter, 1000, 9);
      yield* g.join();
      return { g, ok, bad, slow, now: yield* clock() };
    });
    expect(out.g.completed).toBe(out.ok);
    expect(out.g.result).toBe(7);
    expect(out.g.exception).toBeNull();
    expect(out.bad.exception).toBeInstanceOf(RangeError);
    expect(out.slow.exception).toBeInstanceOf(TaskCancelled);
    expect(() => out.g.results).toThrow(RangeError);
    // The slow task was cancelled right after the failure, not waited for.
    expect(out.now).toBe(20);
  });

  it('stops when a member is cancelled from outside, and cancels the others', async () => {
    const out = await runVirtual(function* () {
      const g = new TaskGroup();
      const t1 = yield* g.spawn(sleep, 1000);
      const t2 = yield* g.spawn(sleep, 2000);
      yield* spawn(function* () {
        yield* sleep(1);
        yield* t1.cancel();
      });
      yield* g.join();
      return { g, t1, t2 };
    });
    expect(out.g.completed).toBe(out.t1);
    expect(out.g.exception).toBeInstanceOf(CancelledError);
    expect(out.t2.cancelled).toBe(true);
  });

  it('collects nothing for an empty group (test_task_group_empty)', async () => {
    const g = await runVirtual(function* () {
      return yield* withTaskGroup(function* (g) {
        return g;
      });
    });
    expect(g.exception).toBeNull();
    expect(g.exceptions).toEqual([]);
    expect(g.results).toEqual([]);
    expect(g.completed).toBeNull();
    expect(() => g.result).toThrow(/no task of the group completed/);
  });
});

describe("wait: 'any'", () => {
  it('stops at the first task to finish and cancels the others (test_task_any_cancel)', async () => {
    const out = await runVirtual(function* () {
      const gate = new Gate();
      let t1!: Task<number>, t2!: Task<void>, t3!: Task<void>;
      const g = yield* withTaskGroup({ wait: 'any' }, function* (g) {
        t1 = yield* g.spawn(add, 1, 1);
        t2 = yield* g.spawn(waitFor, gate);
        t3 = yield* g.spawn(waitFor, gate);
        return g;
      });
      return { g, t1, t2, t3 };
    });
    expect(out.t1.result).toBe(2);
    expect(out.g.completed).toBe(out.t1);
    expect(out.g.result).toBe(2);
    expect(out.t2.cancelled).toBe(true);
    expect(out.t3.cancelled).toBe(true);
  });

  it('reports a failure of the first task through result and exception (test_task_any_error)', async () => {
    const out = await runVirtual(function* () {
      const gate = new Gate();
      let t1!: Task, t2!: Task, t3!: Task;
      const g = yield* withTaskGroup({ wait: 'any' }, function* (g) {
        t1 = yield* g.spawn(failWith, new TypeError("can't add"));
        t2 = yield* g.spawn(waitFor, gate);
        t3 = yield* g.spawn(waitFor, gate);
        return g;
      });
      return { g, t1, t2, t3 };
    });
    expect(() => out.g.result).toThrow(TypeError);
    expect(out.g.exception).toBeInstanceOf(TypeError);
    expect(out.t1.exception).toBeInstanceOf(TypeError);
    expect(out.t2.cancelled).toBe(true);
    expect(out.t3.cancelled).toBe(true);
    expect(out.g.exceptions.every((e) => e instanceof Error)).toBe(true);
  });

  it('gives the result of the first to finish (test_task_group_result)', async () => {
    const result = await runVirtual(function* () {
      const g = yield* withTaskGroup({ wait: 'any' }, function* (g) {
        yield* g.spawn(add, 1, 1);
        yield* g.spawn(add, 2, 2);
        yield* g.spawn(add, 3, 3);
        return g;
      });
      return g.result;
    });
    expect(result).toBe(2);
  });
});

describe("wait: 'object'", () => {
  it('stops at the first non-null result, skipping tasks that return nothing or null', async () => {
    const out = await runVirtual(function* () {
      const g = new TaskGroup<number | null | undefined>({ wait: 'object' });
      const none = yield* g.spawn(returnAfter, 1, undefined);
      const nil = yield* g.spawn(returnAfter, 2, null);
      const hit = yield* g.spawn(returnAfter, 3, 37);
      const late = yield* g.spawn(returnAfter, 4, 42);
      yield* g.join();
      return { g, none, nil, hit, late };
    });
    expect(out.g.completed).toBe(out.hit);
    expect(out.g.result).toBe(37);
    expect(out.none.result).toBeUndefined();
    expect(out.nil.result).toBeNull();
    expect(out.late.cancelled).toBe(true);
  });

  it('leaves completed null when every task returns nothing', async () => {
    const g = await runVirtual(function* () {
      return yield* withTaskGroup({ wait: 'object' }, function* (g) {
        yield* g.spawn(returnAfter, 1, null);
        yield* g.spawn(returnAfter, 2, undefined);
        return g;
      });
    });
    expect(g.completed).toBeNull();
    expect(g.exception).toBeNull();
    expect(g.results).toEqual([null, undefined]);
    expect(() => g.result).toThrow(CurioError);
  });

  it('stops at a failure before any object, reporting it as the completed task', async () => {
    const out = await runVirtual(function* () {
      const g = new TaskGroup({ wait: 'object' });
      yield* g.spawn(returnAfter, 1, null);
      const bad = yield* g.spawn(failAfter, 2, new Error('no object'));
      const late = yield* g.spawn(returnAfter, 3, 'late');
      yield* g.join();
      return { g, bad, late };
    });
    expect(out.g.completed).toBe(out.bad);
    expect(() => out.g.result).toThrow('no object');
    expect(out.late.cancelled).toBe(true);
  });
});

describe("wait: 'none'", () => {
  it('cancels every task at once (test_task_wait_none)', async () => {
    const out = await runVirtual(function* () {
      const gate = new Gate();
      let t2!: Task, t3!: Task;
      const g = yield* withTaskGroup({ wait: 'none' }, function* (g) {
        t2 = yield* g.spawn(waitFor, gate);
        t3 = yield* g.spawn(waitFor, gate);
        return g;
      });
      return { g, t2, t3, alive: (yield* othersAlive()).length };
    });
    expect(out.t2.cancelled).toBe(true);
    expect(out.t3.cancelled).toBe(true);
    expect(out.g.completed).toBeNull();
    expect(out.alive).toBe(0);
  });
});

describe('daemons', () => {
  it('leaves daemons out of results, ignores their failures and cancels them at join (test_task_group_daemon)', async () => {
    const out = await runVirtual(function* () {
      let t1!: Task<number>, sleeper!: Task;
      const g = yield* withTaskGroup(function* (g) {
        t1 = yield* g.spawn(add, 1, 1);
        yield* g.spawn.with({ daemon: true })(add, 2, 2);
        yield* g.spawn.with({ daemon: true })(failWith, new TypeError('daemon failure'));
        sleeper = yield* g.spawn.with({ daemon: true })(sleep, 500);
        return g;
      });
      return { g, t1, sleeper, alive: (yield* othersAlive()).length };
    });
    expect(out.t1.result).toBe(2);
    expect(out.g.results).toEqual([2]);
    expect(out.g.tasks).toEqual([out.t1]);
    expect(out.sleeper.cancelled && out.sleeper.terminated).toBe(true);
    expect(out.alive).toBe(0);
  });

  it('lets a daemon member be joined directly (test_task_join_daemon)', async () => {
    const out = await runVirtual(function* () {
      let r = 0;
      const g = yield* withTaskGroup(function* (g) {
        const t2 = yield* g.spawn.with({ daemon: true })(addAfter, 100, 2, 2);
        yield* g.spawn(addAfter, 100, 3, 3);
        r = yield* t2.join();
        return g;
      });
      return { r, results: g.results };
    });
    expect(out).toEqual({ r: 4, results: [6] });
  });

  it('does not stop a wait any group when a daemon finishes first', async () => {
    const out = await runVirtual(function* () {
      const g = new TaskGroup({ wait: 'any' });
      yield* g.spawn.with({ daemon: true })(returnAfter, 1, 'daemon');
      const worker = yield* g.spawn(returnAfter, 5, 'worker');
      yield* g.join();
      return { g, worker };
    });
    expect(out.g.completed).toBe(out.worker);
    expect(out.g.result).toBe('worker');
  });
});

describe('existing tasks', () => {
  it('takes running and terminated tasks through the constructor and addTask (test_task_group_existing)', async () => {
    const out = await runVirtual(function* () {
      const gate = new Gate();
      function* addWhenOpen(x: number, y: number): Operation<number> {
        yield* gate.wait();
        return x + y;
      }
      const t1 = yield* spawn(add, 1, 1);
      const t2 = yield* spawn(addWhenOpen, 2, 2);
      const t3 = yield* spawn(addWhenOpen, 3, 3);
      const t4 = yield* spawn(add, 4, 4);
      yield* t1.join();
      yield* t4.join();
      const g = yield* withTaskGroup(new TaskGroup<number>({}, [t1, t2, t3]), function* (g) {
        gate.open();
        g.addTask(t4);
        return g;
      });
      return { each: [t1.result, t2.result, t3.result, t4.result], results: g.results };
    });
    expect(out.each).toEqual([2, 4, 6, 8]);
    expect(out.results).toEqual([2, 4, 6, 8]);
  });

  it('hands out an added terminated task from nextDone at once', async () => {
    const out = await runVirtual(function* () {
      const done = yield* spawn(add, 20, 22);
      yield* done.wait();
      const g = new TaskGroup();
      yield* g.spawn(sleep, 1000);
      g.addTask(done);
      const first = yield* g.nextDone();
      const now = yield* clock();
      yield* g.cancelRemaining();
      yield* g.join();
      return { same: first === done, now };
    });
    expect(out).toEqual({ same: true, now: 0 });
  });

  it('adds a running daemon task and cancels it at join', async () => {
    const out = await runVirtual(function* () {
      const d = yield* spawn.with({ daemon: true })(sleep, 10_000);
      const g = new TaskGroup({}, [d]);
      yield* g.join();
      return { d, tasks: g.tasks };
    });
    expect(out.d.cancelled && out.d.terminated).toBe(true);
    expect(out.tasks).toEqual([]);
  });
});

describe('nextDone and nextResult', () => {
  it('hand out tasks in completion order, then null; handed-out tasks leave the group (test_task_group_iter)', async () => {
    const out = await runVirtual(function* () {
      const order: number[] = [];
      const g = yield* withTaskGroup(function* (g) {
        yield* g.spawn(addAfter, 30, 1, 1);
        yield* g.spawn(addAfter, 10, 2, 2);
        yield* g.spawn(addAfter, 20, 3, 3);
        for (let t: Task | null; (t = yield* g.nextDone()) !== null; ) order.push(t.result as number);
        return g;
      });
      return { order, results: g.results };
    });
    expect(out.order).toEqual([4, 6, 2]);
    expect(out.results).toEqual([]);
  });

  it('nextResult gives results in completion order and rethrows a failure as is', async () => {
    const out = await runVirtual(function* () {
      const g = new TaskGroup<number>();
      const boom = new RangeError('out of range');
      yield* g.spawn(returnAfter, 20, 2);
      yield* g.spawn(returnAfter, 10, 1);
      yield* g.spawn(failAfter, 30, boom);
      const got: unknown[] = [yield* g.nextResult(), yield* g.nextResult()];
      try {
        yield* g.nextResult();
      } catch (e) {
        got.push(e === boom);
      }
      try {
        yield* g.nextResult();
      } catch (e) {
        got.push((e as Error).message);
      }
      yield* g.join();
      return got;
    });
    expect(out).toEqual([1, 2, true, 'TaskGroup.nextResult(): no task left in the group']);
  });

  it('wakes several waiters, one task each, and returns null to the rest when the group empties', async () => {
    const out = await runVirtual(function* () {
      const g = new TaskGroup<string>();
      yield* g.spawn(returnAfter, 10, 'a');
      yield* g.spawn(returnAfter, 20, 'b');
      const waiter = function* (): Operation<string | null> {
        const t = yield* g.nextDone();
        return t === null ? null : t.result;
      };
      const w = [yield* spawn(waiter), yield* spawn(waiter), yield* spawn(waiter)];
      const got: (string | null)[] = [];
      for (const t of w) got.push(yield* t.join());
      yield* g.join();
      return got;
    });
    expect(out).toEqual(['a', 'b', null]);
  });

  it('loses no finished task when a waiter is cancelled', async () => {
    const out = await runVirtual(function* () {
      const g = new TaskGroup<string>();
      yield* g.spawn(returnAfter, 10, 'kept');
      const waiter = yield* spawn(function* () {
        return yield* g.nextDone();
      });
      yield* sleep(5);
      yield* waiter.cancel();
      const t = yield* g.nextDone();
      yield* g.join();
      return { waiterCancelled: waiter.exception instanceof TaskCancelled, result: t?.result };
    });
    expect(out).toEqual({ waiterCancelled: true, result: 'kept' });
  });

  it('Task.join of a finished member removes it from the group', async () => {
    const out = await runVirtual(function* () {
      const g = new TaskGroup<number>();
      const t1 = yield* g.spawn(add, 1, 1);
      const t2 = yield* g.spawn(add, 2, 2);
      yield* t1.join();
      const next = yield* g.nextDone();
      const after = yield* g.nextDone();
      return { discardedLeft: t1._group === null, next: next === t2, after, tasks: g.tasks };
    });
    expect(out).toEqual({ discardedLeft: true, next: true, after: null, tasks: [] });
  });
});

describe('cancelRemaining', () => {
  it('cancels the tasks still running after some were collected (test_task_group_cancel_remaining)', async () => {
    const out = await runVirtual(function* () {
      const gate = new Gate();
      let t2!: Task, t3!: Task;
      const g = yield* withTaskGroup(function* (g) {
        const t0 = yield* g.spawn(add, 1, 1);
        yield* g.spawn(add, 2, 2);
        t2 = yield* g.spawn(waitFor, gate);
        t3 = yield* g.spawn(waitFor, gate);
        expect(yield* g.nextDone()).toBe(t0);
        expect(yield* g.nextResult()).toBe(4);
        yield* g.cancelRemaining();
        expect(t2.terminated && t3.terminated).toBe(true);
        return g;
      });
      return { g, t2, t3 };
    });
    expect(out.t2.cancelled).toBe(true);
    expect(out.t3.cancelled).toBe(true);
    expect(out.g.tasks).toEqual([]);
  });

  it('works on an empty group and on a group of quick tasks (test_taskgroup_misc)', async () => {
    const alive = await runVirtual(function* () {
      const g1 = new TaskGroup();
      yield* g1.cancelRemaining();
      const g2 = new TaskGroup();
      yield* g2.spawn(sleep, 0);
      yield* g2.cancelRemaining();
      yield* g2.join();
      return (yield* othersAlive()).length;
    });
    expect(alive).toBe(0);
  });

  it('spares the calling task when a member cancels the rest', async () => {
    const out = await runVirtual(function* () {
      const g = new TaskGroup<string>();
      const slow = yield* g.spawn(returnAfter, 1000, 'slow');
      const winner = yield* g.spawn(function* () {
        yield* sleep(10);
        yield* g.cancelRemaining();
        return 'winner';
      });
      yield* g.join();
      return { g, slow, winner };
    });
    expect(out.slow.cancelled).toBe(true);
    expect(out.winner.result).toBe('winner');
    expect(out.g.results).toEqual(['winner']);
  });

  it('leaves daemons running until join', async () => {
    const out = await runVirtual(function* () {
      const g = new TaskGroup();
      const d = yield* g.spawn.with({ daemon: true })(sleep, 1000);
      yield* g.spawn(sleep, 1000);
      yield* g.cancelRemaining();
      const daemonAfterCancel = d.terminated;
      yield* g.join();
      return { daemonAfterCancel, daemonCancelled: d.cancelled && d.terminated };
    });
    expect(out).toEqual({ daemonAfterCancel: false, daemonCancelled: true });
  });
});

describe('the block form leaves no task running', () => {
  it('when the body returns (daemons included)', async () => {
    const out = await runVirtual(function* () {
      const value = yield* withTaskGroup(function* (g) {
        yield* g.spawn(returnAfter, 5, 'x');
        yield* g.spawn.with({ daemon: true })(sleep, 1_000_000);
        return 'body value';
      });
      return { value, alive: (yield* othersAlive()).length };
    });
    expect(out).toEqual({ value: 'body value', alive: 0 });
  });

  it('when the body throws: every task is cancelled and the error propagates (test_task_group_error_block)', async () => {
    const out = await runVirtual(function* () {
      const gate = new Gate();
      const tasks: Task[] = [];
      const boom = new Error('body failed');
      let caught: unknown = null;
      try {
        yield* withTaskGroup(function* (g) {
          tasks.push(yield* g.spawn(waitFor, gate), yield* g.spawn(waitFor, gate), yield* g.spawn(waitFor, gate));
          tasks.push(yield* g.spawn.with({ daemon: true })(waitFor, gate));
          throw boom;
        });
      } catch (e) {
        caught = e;
      }
      return { same: caught === boom, cancelled: tasks.map((t) => t.cancelled && t.terminated), alive: (yield* othersAlive()).length };
    });
    expect(out).toEqual({ same: true, cancelled: [true, true, true, true], alive: 0 });
  });

  it('when the enclosing task is cancelled inside the body (test_task_group_cancel)', async () => {
    const out = await runVirtual(function* () {
      const gate = new Gate();
      const started = new Gate();
      const children: Task[] = [];
      const seen: string[] = [];
      const child = function* () {
        try {
          yield* gate.wait();
        } catch (e) {
          if (e instanceof CancelledError) seen.push('child cancelled');
          throw e;
        }
      };
      const coro = yield* spawn(function* () {
        yield* withTaskGroup(function* (g) {
          for (let i = 0; i < 3; i++) children.push(yield* g.spawn(child));
          children.push(yield* g.spawn.with({ daemon: true })(child));
          started.open();
          yield* gate.wait();
        });
      });
      yield* started.wait();
      yield* coro.cancel();
      return { coro: coro.exception instanceof TaskCancelled, seen, children: children.map((t) => t.terminated), alive: (yield* othersAlive()).length };
    });
    expect(out).toEqual({ coro: true, seen: Array(4).fill('child cancelled'), children: [true, true, true, true], alive: 0 });
  });

  it('when the enclosing task is cancelled while the block joins', async () => {
    const out = await runVirtual(function* () {
      const children: Task[] = [];
      const coro = yield* spawn(function* () {
        yield* withTaskGroup(function* (g) {
          children.push(yield* g.spawn(sleep, 1000), yield* g.spawn.with({ daemon: true })(sleep, 1000));
        });
      });
      yield* sleep(10);
      expect(coro.state).toBe('TASKGROUP_JOIN');
      yield* coro.cancel();
      return { coro: coro.exception instanceof TaskCancelled, children: children.map((t) => t.cancelled && t.terminated), alive: (yield* othersAlive()).length };
    });
    expect(out).toEqual({ coro: true, children: [true, true], alive: 0 });
  });

  it('when a timeoutAfter around the group expires (test_task_group_timeout)', async () => {
    const out = await runVirtual(function* () {
      const gate = new Gate();
      const children: Task[] = [];
      const childSaw: unknown[] = [];
      const child = function* () {
        try {
          yield* gate.wait();
        } catch (e) {
          childSaw.push(e);
          throw e;
        }
      };
      let outer: unknown = null;
      let inner: unknown = null;
      try {
        yield* timeoutAfter(250, function* () {
          try {
            yield* withTaskGroup(function* (g) {
              for (let i = 0; i < 3; i++) children.push(yield* g.spawn(child));
            });
          } catch (e) {
            inner = e;
            expect(children.every((t) => t.cancelled)).toBe(true);
            throw e;
          }
        });
      } catch (e) {
        outer = e;
      }
      return { outer, inner, childSaw, now: yield* clock(), alive: (yield* othersAlive()).length };
    });
    expect(out.outer).toBeInstanceOf(TaskTimeout);
    expect(out.inner).toBeInstanceOf(TaskTimeout);
    expect(out.childSaw).toHaveLength(3);
    for (const e of out.childSaw) expect(e).toBeInstanceOf(TaskCancelled);
    expect(out.now).toBe(250);
    expect(out.alive).toBe(0);
  });

  it('when an inner timeout block is cancelled by an outer timeout', async () => {
    const out = await runVirtual(function* () {
      let inner: unknown = null;
      let child!: Task;
      let outer: unknown = null;
      try {
        yield* timeoutAfter(50, function* () {
          try {
            yield* timeoutAfter(500, withTaskGroup(function* (g) {
              child = yield* g.spawn(sleep, 10_000);
            }));
          } catch (e) {
            inner = e;
            throw e;
          }
        });
      } catch (e) {
        outer = e;
      }
      return { inner, outer, child, alive: (yield* othersAlive()).length };
    });
    expect(out.inner).toBeInstanceOf(TimeoutCancellationError);
    expect(out.outer).toBeInstanceOf(TaskTimeout);
    expect(out.child.cancelled && out.child.terminated).toBe(true);
    expect(out.alive).toBe(0);
  });

  it('even if a timeout expires while the tasks are still cleaning up', async () => {
    const out = await runVirtual(function* () {
      const cleanedUp: string[] = [];
      const boom = new Error('body failed');
      let caught: unknown = null;
      let child!: Task;
      try {
        yield* timeoutAfter(20, withTaskGroup(function* (g) {
          child = yield* g.spawn(function* () {
            try {
              yield* sleep(10_000);
            } finally {
              // Slow cleanup: outlives the timeout around the group.
              yield* sleep(100);
              cleanedUp.push('child');
            }
          });
          yield* sleep(10);
          throw boom;
        }));
      } catch (e) {
        caught = e;
      }
      return { same: caught === boom, cleanedUp, child, alive: (yield* othersAlive()).length };
    });
    expect(out.same).toBe(true);
    expect(out.cleanedUp).toEqual(['child']);
    expect(out.child.terminated).toBe(true);
    expect(out.alive).toBe(0);
  });

  it('accepts an existing group and returns the body value', async () => {
    const out = await runVirtual(function* () {
      const g = new TaskGroup<number>({ wait: 'any' });
      const value = yield* withTaskGroup(g, function* (group) {
        yield* group.spawn(returnAfter, 1, 5);
        yield* group.spawn(returnAfter, 2, 6);
        return group === g;
      });
      return { value, result: g.result };
    });
    expect(out).toEqual({ value: true, result: 5 });
  });

  it('rejects a block that is not a generator function', async () => {
    const message = await runVirtual(function* () {
      try {
        yield* withTaskGroup({}, (() => 42) as unknown as () => Operation<number>);
        return 'accepted';
      } catch (e) {
        return (e as Error).message;
      }
    });
    expect(message).toMatch(/the block must be a generator function/);
  });
});

describe('join', () => {
  it('cancelled while waiting: cancels every task, daemons included, and rethrows', async () => {
    const out = await runVirtual(function* () {
      const g = new TaskGroup();
      const a = yield* g.spawn(sleep, 1000);
      const b = yield* g.spawn(sleep, 2000);
      const d = yield* g.spawn.with({ daemon: true })(sleep, 3000);
      const joiner = yield* spawn(function* () {
        yield* g.join();
      });
      yield* sleep(10);
      yield* joiner.cancel();
      return {
        joiner: joiner.exception instanceof TaskCancelled,
        members: [a, b, d].map((t) => t.cancelled && t.terminated),
        alive: (yield* othersAlive()).length,
        joinedAfter: g.exceptions.length,
      };
    });
    expect(out).toEqual({ joiner: true, members: [true, true, true], alive: 0, joinedAfter: 2 });
  });

  it('waits for tasks that members spawn into the same group', async () => {
    const out = await runVirtual(function* () {
      const g = new TaskGroup<number>();
      yield* g.spawn(function* () {
        yield* sleep(5);
        yield* g.spawn(returnAfter, 10, 2);
        return 1;
      });
      yield* g.join();
      return { results: g.results, now: yield* clock() };
    });
    expect(out).toEqual({ results: [1, 2], now: 15 });
  });

  it('can be called again and keeps the collected tasks once joined', async () => {
    const out = await runVirtual(function* () {
      const g = new TaskGroup({ wait: 'any' });
      yield* g.spawn(returnAfter, 1, 'a');
      yield* g.spawn(returnAfter, 1, 'b');
      yield* g.join();
      const leftover = yield* g.nextDone();
      yield* g.join();
      return { leftover: leftover?.result, results: g.results };
    });
    // 'a' settled the group; 'b' finished at the same time and is still handed out,
    // but the collected results are frozen at join.
    expect(out).toEqual({ leftover: 'b', results: ['a', 'b'] });
  });

  it('shields its cleanup: a cancellation that arrives while the tasks clean up is delivered afterwards', async () => {
    const out = await runVirtual(function* () {
      const cleanedUp: string[] = [];
      let child!: Task;
      const coro = yield* spawn(function* () {
        const g = new TaskGroup();
        child = yield* g.spawn(function* () {
          try {
            yield* sleep(10_000);
          } finally {
            yield* disableCancellation(sleep(100));
            cleanedUp.push('child');
          }
        });
        try {
          yield* timeoutAfter(10, g.join());
        } catch (e) {
          cleanedUp.push(e instanceof TaskTimeout ? 'timeout' : 'other');
        }
        yield* sleep(10_000);
      });
      yield* sleep(50);
      // coro is inside the shielded cleanup now: this cancellation must wait for it.
      yield* coro.cancel();
      return { cleanedUp, child: child.terminated, coro: coro.exception instanceof TaskCancelled, alive: (yield* othersAlive()).length };
    });
    expect(out).toEqual({ cleanedUp: ['child', 'timeout'], child: true, coro: true, alive: 0 });
  });
});

describe('nested groups', () => {
  it('cancelling the outer group cancels the tasks of the inner one', async () => {
    const out = await runVirtual(function* () {
      const innerTasks: Task[] = [];
      const outer = new TaskGroup();
      const middle = yield* outer.spawn(function* () {
        yield* withTaskGroup(function* (inner) {
          innerTasks.push(yield* inner.spawn(sleep, 10_000), yield* inner.spawn.with({ daemon: true })(sleep, 10_000));
        });
      });
      const sibling = yield* outer.spawn(sleep, 10_000);
      yield* sleep(10);
      yield* outer.cancelRemaining();
      yield* outer.join();
      return {
        middle: middle.exception instanceof TaskCancelled,
        sibling: sibling.cancelled,
        inner: innerTasks.map((t) => t.cancelled && t.terminated),
        alive: (yield* othersAlive()).length,
      };
    });
    expect(out).toEqual({ middle: true, sibling: true, inner: [true, true], alive: 0 });
  });

  it('an inner failure is seen by the outer group only if the inner body rethrows it', async () => {
    const out = await runVirtual(function* () {
      const outer = yield* withTaskGroup(function* (outer) {
        yield* outer.spawn(function* () {
          const inner = yield* withTaskGroup(function* (inner) {
            yield* inner.spawn(failAfter, 5, new Error('inner failure'));
            yield* inner.spawn(sleep, 10_000);
            return inner;
          });
          // Curio style: the inner group reports through result; rethrow it.
          return inner.result;
        });
        yield* outer.spawn(sleep, 10_000);
        return outer;
      });
      return { outer, alive: (yield* othersAlive()).length };
    });
    expect(out.outer.exception).toEqual(new Error('inner failure'));
    expect(out.outer.exceptions[1]).toBeInstanceOf(TaskCancelled);
    expect(out.alive).toBe(0);
  });
});

describe('Task.join of a group member', () => {
  it('removes a failed member from the group, so its failure does not cancel the others (test_task_group_join)', async () => {
    const out = await runVirtual(function* () {
      const gate = new Gate();
      function* child(x: number, bad: boolean): Operation<number> {
        if (bad) throw new TypeError('bad operand');
        yield* gate.wait();
        return x * 2;
      }
      let t1!: Task<number>, t2!: Task<number>, t3!: Task<number>;
      let joinError: unknown = null;
      const g = yield* withTaskGroup(function* (g) {
        t1 = yield* g.spawn(child, 1, true);
        t2 = yield* g.spawn(child, 2, false);
        t3 = yield* g.spawn(child, 3, false);
        try {
          yield* t1.join();
        } catch (e) {
          joinError = e;
        }
        expect(() => t2.result).toThrow(CurioError);
        gate.open();
        return g;
      });
      return { joinError, t1, t2, t3, results: g.results };
    });
    expect(out.joinError).toBeInstanceOf(TaskError);
    expect((out.joinError as TaskError).cause).toBeInstanceOf(TypeError);
    expect(out.t1.exception).toBeInstanceOf(TypeError);
    expect([out.t2.cancelled, out.t3.cancelled]).toEqual([false, false]);
    expect(out.results).toEqual([4, 6]);
  });

  it('removes a joined member from the results (test_task_group_join_done)', async () => {
    const out = await runVirtual(function* () {
      let r3 = 0;
      const g = yield* withTaskGroup(function* (g) {
        yield* g.spawn(add, 1, 1);
        yield* g.spawn(add, 2, 2);
        const t3 = yield* g.spawn(add, 3, 3);
        r3 = yield* t3.join();
        return g;
      });
      return { r3, results: g.results };
    });
    expect(out).toEqual({ r3: 6, results: [2, 4] });
  });
});
