import {
  Kernel, spawn, sleep, timeoutAfter, withTaskGroup, TaskError, TaskTimeout, UncaughtTimeoutError, reportCrashToStderr,
  type Task, type CrashReporter, type Operation,
} from '../src/index.js';
import { runVirtual } from './helpers.js';

interface Report { id: number; name: string; error: unknown }

/** A reporter that records each call, and the log it appends to (to check when it was called). */
function recorder(log: string[] = []): { reports: Report[]; reporter: CrashReporter; log: string[] } {
  const reports: Report[] = [];
  return { reports, log, reporter: (task: Task, error: unknown) => { reports.push({ id: task.id, name: task.name, error }); log.push(`crash ${task.name}`); } };
}

function* failing(message: string, after = 1): Operation<never> {
  yield* sleep(after);
  throw new Error(message);
}

describe('crash reports', () => {
  it('reports an unwatched task at the moment it dies, once, with the task and its error', async () => {
    const { reports, reporter, log } = recorder();
    let worker: Task | undefined;
    await runVirtual(function* () {
      worker = yield* spawn.with({ name: 'worker' })(failing, 'boom', 10);
      yield* sleep(5);
      log.push('main before');
      yield* sleep(10);
      log.push('main after');
    }, { crashReporter: reporter });
    expect(log).toEqual(['main before', 'crash worker', 'main after']);
    expect(reports).toHaveLength(1);
    expect(reports[0].id).toBe(worker!.id);
    expect(reports[0].name).toBe('worker');
    expect((reports[0].error as Error).message).toBe('boom');
  });

  it('reports a daemon that crashes', async () => {
    const { reports, reporter } = recorder();
    await runVirtual(function* () {
      yield* spawn.with({ daemon: true, name: 'bg' })(failing, 'daemon boom');
      yield* sleep(5);
    }, { crashReporter: reporter });
    expect(reports.map((r) => [r.name, (r.error as Error).message])).toEqual([['bg', 'daemon boom']]);
  });

  it('does not report the main task (its failure goes to the caller of run)', async () => {
    const { reports, reporter } = recorder();
    await expect(runVirtual(() => failing('main boom'), { crashReporter: reporter })).rejects.toThrow('main boom');
    expect(reports).toEqual([]);
  });

  it('does not report cancellations: TaskCancelled, TaskTimeout, kernel shutdown', async () => {
    const { reports, reporter } = recorder();
    await runVirtual(function* () {
      const cancelled = yield* spawn(function* () { yield* sleep(1000); });
      yield* cancelled.cancel({ blocking: false });
      yield* spawn.with({ name: 'timed-out' })(function* () {
        yield* timeoutAfter(5, sleep(1000));
      });
      yield* spawn.with({ name: 'left-running' })(function* () { yield* sleep(100_000); });
      yield* sleep(20);
    }, { crashReporter: reporter });
    expect(reports).toEqual([]);
  });

  it('reports an UncaughtTimeoutError: it is a bug, not a cancellation', async () => {
    const { reports, reporter } = recorder();
    await runVirtual(function* () {
      yield* spawn.with({ name: 'leaky' })(function* () {
        yield* timeoutAfter(1000, function* () {
          try {
            yield* timeoutAfter(5, sleep(100));
          } catch (e) {
            if (!(e instanceof TaskTimeout)) throw e;
          }
          // An inner timeout escaping: make one escape on purpose.
          throw new UncaughtTimeoutError('escaped');
        });
      });
      yield* sleep(50);
    }, { crashReporter: reporter });
    expect(reports.map((r) => [r.name, (r.error as Error).name])).toEqual([['leaky', 'UncaughtTimeoutError']]);
  });

  it('does not report a task someone is waiting on in join() or wait()', async () => {
    const { reports, reporter } = recorder();
    await runVirtual(function* () {
      const joined = yield* spawn(failing, 'joined boom');
      const waited = yield* spawn(failing, 'waited boom');
      const both = yield* spawn(function* () { yield* waited.wait(); });
      yield* expectTaskError(joined.join(), 'joined boom');
      yield* both.join();
      expect((waited.exception as Error).message).toBe('waited boom');
    }, { crashReporter: reporter });
    expect(reports).toEqual([]);
  });

  it('does not report a TaskGroup member: the group hands the failure on', async () => {
    const { reports, reporter } = recorder();
    await runVirtual(function* () {
      const g = yield* withTaskGroup(function* (g) {
        yield* g.spawn(failing, 'member boom');
        return g;
      });
      expect((g.exception as Error).message).toBe('member boom');
    }, { crashReporter: reporter });
    expect(reports).toEqual([]);
  });

  it('reports a task joined only after it died when it died, and only then', async () => {
    const { reports, reporter } = recorder();
    await runVirtual(function* () {
      const late = yield* spawn.with({ name: 'late' })(failing, 'late boom');
      yield* sleep(10);
      expect(reports).toHaveLength(1);
      yield* expectTaskError(late.join(), 'late boom');
      yield* expectTaskError(late.join(), 'late boom');
    }, { crashReporter: reporter });
    expect(reports.map((r) => r.name)).toEqual(['late']);
  });

  it('can be silenced with crashReporter: null', async () => {
    const written = captureStderr(async () => {
      await runVirtual(function* () {
        yield* spawn(failing, 'quiet boom');
        yield* sleep(5);
      }, { crashReporter: null });
    });
    expect(await written).toBe('');
  });

  it('writes one report on stderr by default: id, name, error and stack', async () => {
    let id = 0;
    const written = await captureStderr(async () => {
      await runVirtual(function* () {
        id = (yield* spawn.with({ name: 'noisy' })(failing, 'loud boom')).id;
        yield* sleep(5);
      });
    });
    const lines = written.split('\n');
    expect(lines[0]).toBe(`Task Crash: task ${id} (noisy) died: Error: loud boom`);
    expect(lines[1]).toMatch(/^\s+at failing \(.*crash\.test\.ts:\d+:\d+\)$/);
    expect(written.match(/Task Crash/g)).toHaveLength(1);
  });

  it('keeps running when the reporter itself throws, and falls back to stderr', async () => {
    const written = await captureStderr(async () => {
      const result = await runVirtual(function* () {
        yield* spawn.with({ name: 'victim' })(failing, 'first boom');
        yield* sleep(5);
        return 'still running';
      }, { crashReporter: () => { throw new Error('reporter broke'); } });
      expect(result).toBe('still running');
    });
    expect(written).toContain('(victim) died: Error: first boom');
    expect(written).toContain('the crash reporter itself failed: Error: reporter broke');
  });

  it('lets an activation take the reporter over in activate(), and exports the default', async () => {
    const { reports, reporter } = recorder();
    const kernel = new Kernel({ activations: [{ activate: (k) => { k.crashReporter = reporter; } }] });
    expect(kernel.crashReporter).toBe(reportCrashToStderr);
    await kernel.run(function* () {
      yield* spawn.with({ name: 'taken-over' })(failing, 'boom');
      yield* sleep(5);
    });
    await kernel.shutdown();
    expect(reports.map((r) => r.name)).toEqual(['taken-over']);
  });
});

function* expectTaskError(op: Operation<unknown>, message: string): Operation<void> {
  try {
    yield* op;
  } catch (e) {
    expect(e).toBeInstanceOf(TaskError);
    expect(((e as TaskError).cause as Error).message).toBe(message);
    return;
  }
  throw new Error('expected a TaskError');
}

/** Runs `body` while collecting what is written to stderr (the writes still happen). */
async function captureStderr(body: () => Promise<void>): Promise<string> {
  let text = '';
  const write = process.stderr.write.bind(process.stderr);
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    return (write as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
  });
  try {
    await body();
  } finally {
    spy.mockRestore();
  }
  return text;
}
