/**
 * SignalQueue with real signals sent to this (jest's) process. Every test counts the
 * process listeners of the signals it uses and the waits holding the process open,
 * before and after: nothing may be left behind.
 */
import { run, spawn, schedule, Event, TaskCancelled, timeoutAfter, TaskTimeout } from '@curio/kernel';
import { ClosedSignalWatcherError, SignalEvent, SignalQueue } from '@curio/signals';
import { keepAliveState } from '../src/keep-alive.js';
import { checkNothingLeftBehind, send } from './helpers.js';

checkNothingLeftBehind();

test('get() returns the signals in the order they arrived', async () => {
  const got = await run(function* () {
    using q = new SignalQueue('SIGUSR2', 'SIGHUP');
    const got: string[] = [];
    // One at a time: two identical pending signals are merged by the OS.
    for (const signal of ['SIGHUP', 'SIGUSR2', 'SIGUSR2', 'SIGHUP'] as const) {
      send(signal);
      got.push(yield* q.get());
    }
    return got;
  });
  expect(got).toEqual(['SIGHUP', 'SIGUSR2', 'SIGUSR2', 'SIGHUP']);
});

test('signals that arrive while nobody waits are queued, and get() returns them without waiting', async () => {
  await run(function* () {
    using q = new SignalQueue('SIGUSR2', 'SIGHUP');
    using arrived = new SignalEvent('SIGUSR2', 'SIGHUP');
    for (const signal of ['SIGUSR2', 'SIGHUP'] as const) {
      send(signal);
      yield* arrived.wait();
      arrived.clear();
    }
    expect(q.size()).toBe(2);
    expect(q.empty()).toBe(false);
    expect(String(q)).toBe('SignalQueue(SIGUSR2, SIGHUP; queued: 2)');
    expect(yield* q.get()).toBe('SIGUSR2');
    expect(yield* q.get()).toBe('SIGHUP');
    expect(q.empty()).toBe(true);
  });
});

test('every queue watching a signal gets it, and each signal goes to one waiting task', async () => {
  const got = await run(function* () {
    using a = new SignalQueue('SIGUSR2');
    using b = new SignalQueue('SIGUSR2', 'SIGHUP');
    const got: string[] = [];
    const readers = [];
    for (const name of ['r1', 'r2']) {
      readers.push(
        yield* spawn(function* () {
          got.push(`${name}:${yield* b.get()}`);
        }),
      );
    }
    send('SIGUSR2');
    expect(yield* a.get()).toBe('SIGUSR2');
    yield* readers[0].join();
    send('SIGHUP');
    yield* readers[1].join();
    expect(a.empty()).toBe(true);
    return got;
  });
  expect(got).toEqual(['r1:SIGUSR2', 'r2:SIGHUP']);
});

test('each open queue holds one process listener per signal; close() and using remove them', async () => {
  const base = process.listenerCount('SIGUSR2');
  const baseHup = process.listenerCount('SIGHUP');
  const q1 = new SignalQueue('SIGUSR2', 'SIGHUP', 'SIGUSR2');
  expect(q1.signals).toEqual(['SIGUSR2', 'SIGHUP']);
  {
    using q2 = new SignalQueue('SIGUSR2');
    expect(process.listenerCount('SIGUSR2')).toBe(base + 2);
    expect(q2.closed).toBe(false);
  }
  expect(process.listenerCount('SIGUSR2')).toBe(base + 1);
  q1.close();
  q1.close();
  expect(q1.closed).toBe(true);
  // No listener left: Node's default behaviour for the signal is back.
  expect(process.listenerCount('SIGUSR2')).toBe(base);
  expect(process.listenerCount('SIGHUP')).toBe(baseHup);
});

test('a cancelled get() loses nothing: the signal it did not return stays queued', async () => {
  await run(function* () {
    using q = new SignalQueue('SIGUSR2');
    const waiter = yield* spawn(function* () {
      return yield* q.get();
    });
    yield* waiter.cancel();
    expect(waiter.exception).toBeInstanceOf(TaskCancelled);
    // Timed out too: the wait is undone the same way.
    let timedOut = false;
    try {
      yield* timeoutAfter(1, q.get());
    } catch (e) {
      timedOut = e instanceof TaskTimeout;
    }
    expect(timedOut).toBe(true);
    send('SIGUSR2');
    expect(yield* q.get()).toBe('SIGUSR2');
  });
});

test('a task waiting in get() holds the process open (one timer, shared), and lets go when it stops waiting', async () => {
  await run(function* () {
    using q = new SignalQueue('SIGHUP');
    const waiting = new Event();
    const readers = [];
    for (let i = 0; i < 3; i++) {
      readers.push(
        yield* spawn(function* () {
          waiting.set();
          return yield* q.get();
        }),
      );
    }
    yield* waiting.wait();
    for (const r of readers) while (r.state !== 'SIGNAL_WAIT') yield* schedule();
    expect(keepAliveState()).toEqual({ waits: 3, timer: true });
    send('SIGHUP');
    expect(yield* readers[0].join()).toBe('SIGHUP');
    expect(keepAliveState()).toEqual({ waits: 2, timer: true });
    for (const r of readers.slice(1)) yield* r.cancel();
  });
});

test('get() on a closed queue returns what was queued, then fails with ClosedSignalWatcherError', async () => {
  await run(function* () {
    const q = new SignalQueue('SIGUSR2');
    using arrived = new SignalEvent('SIGUSR2');
    send('SIGUSR2');
    yield* arrived.wait();
    q.close();
    expect(String(q)).toBe('SignalQueue(SIGUSR2; queued: 1, closed)');
    expect(yield* q.get()).toBe('SIGUSR2');
    let error: unknown = null;
    try {
      yield* q.get();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ClosedSignalWatcherError);
    expect((error as Error).message).toBe('SignalQueue(SIGUSR2) is closed: get() has nothing left to wait for');
  });
});

test('closing a queue fails the tasks waiting in get() instead of leaving them stuck', async () => {
  await run(function* () {
    const q = new SignalQueue('SIGUSR2');
    const waiter = yield* spawn(function* () {
      return yield* q.get();
    });
    while (waiter.state !== 'SIGNAL_WAIT') yield* schedule();
    q.close();
    yield* waiter.wait();
    expect(waiter.exception).toBeInstanceOf(ClosedSignalWatcherError);
    expect((waiter.exception as Error).message).toBe('SignalQueue(SIGUSR2) was closed while a task was waiting');
  });
});

describe('bad signal names are a clear TypeError and install nothing', () => {
  test.each([
    ['SIGFOO', "SignalQueue(): unknown signal 'SIGFOO'; expected a signal name such as 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGUSR1' or 'SIGUSR2' (the names are the keys of os.constants.signals)"],
    ['usr1', "SignalQueue(): unknown signal 'usr1' (did you mean 'SIGUSR1'?); expected a signal name such as"],
    ['sigterm', "SignalQueue(): unknown signal 'sigterm' (did you mean 'SIGTERM'?);"],
    [10, "SignalQueue(): a signal is named by a string such as 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGUSR1' or 'SIGUSR2' (the names are the keys of os.constants.signals), got 10 (signal 10 is 'SIGUSR1' here: pass the name)"],
    [undefined, "SignalQueue(): a signal is named by a string such as 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGUSR1' or 'SIGUSR2' (the names are the keys of os.constants.signals), got undefined"],
    ['SIGKILL', "SignalQueue(): 'SIGKILL' cannot be watched: the OS never delivers it to the program (it cannot be caught)"],
    ['SIGSTOP', "SignalQueue(): 'SIGSTOP' cannot be watched"],
  ])('%p', (bad, message) => {
    expect(() => new SignalQueue('SIGUSR2', bad as NodeJS.Signals)).toThrow(TypeError);
    expect(() => new SignalQueue('SIGUSR2', bad as NodeJS.Signals)).toThrow(message);
  });

  test('no signal at all', () => {
    expect(() => new SignalQueue()).toThrow("SignalQueue(): give at least one signal name, e.g. new SignalQueue('SIGUSR1')");
  });
});
