/**
 * SignalEvent with real signals sent to this (jest's) process; listeners and keep-alive
 * timers are counted before and after each test.
 */
import { run, spawn, schedule, type Task } from '@curio/kernel';
import { ClosedSignalWatcherError, SignalEvent, SignalQueue } from '@curio/signals';
import { keepAliveState } from '../src/keep-alive.js';
import { checkNothingLeftBehind, send } from './helpers.js';

checkNothingLeftBehind();

function* parked(task: Task) {
  while (task.state !== 'SIGNAL_WAIT') yield* schedule();
}

test('a signal sets the event and wakes every waiting task, each told which signal it was', async () => {
  const got = await run(function* () {
    using ev = new SignalEvent('SIGUSR2', 'SIGWINCH');
    expect(ev.isSet()).toBe(false);
    expect(ev.signal).toBeNull();
    const waiters = [];
    for (let i = 0; i < 3; i++) waiters.push(yield* spawn(function* () { return yield* ev.wait(); }));
    for (const w of waiters) yield* parked(w);
    expect(keepAliveState()).toEqual({ waits: 3, timer: true });
    send('SIGWINCH');
    const got = [];
    for (const w of waiters) got.push(yield* w.join());
    expect(ev.isSet()).toBe(true);
    expect(ev.signal).toBe('SIGWINCH');
    expect(String(ev)).toBe('SignalEvent(SIGUSR2, SIGWINCH; set by SIGWINCH)');
    return got;
  });
  expect(got).toEqual(['SIGWINCH', 'SIGWINCH', 'SIGWINCH']);
});

test('the event stays set until clear(); after clear() wait() blocks until the next signal', async () => {
  await run(function* () {
    using ev = new SignalEvent('SIGUSR2', 'SIGHUP');
    send('SIGHUP');
    expect(yield* ev.wait()).toBe('SIGHUP');
    // Set: returns at once, as often as asked.
    expect(yield* ev.wait()).toBe('SIGHUP');
    ev.clear();
    expect(ev.isSet()).toBe(false);
    expect(String(ev)).toBe('SignalEvent(SIGUSR2, SIGHUP; unset)');
    const waiter = yield* spawn(function* () { return yield* ev.wait(); });
    yield* parked(waiter);
    send('SIGUSR2');
    expect(yield* waiter.join()).toBe('SIGUSR2');
  });
});

test('events and queues watching one signal all see it; closing the last one removes the last listener', async () => {
  const base = process.listenerCount('SIGUSR2');
  await run(function* () {
    const ev1 = new SignalEvent('SIGUSR2');
    const ev2 = new SignalEvent('SIGUSR2');
    const q = new SignalQueue('SIGUSR2');
    expect(process.listenerCount('SIGUSR2')).toBe(base + 3);
    send('SIGUSR2');
    expect(yield* q.get()).toBe('SIGUSR2');
    expect(yield* ev1.wait()).toBe('SIGUSR2');
    expect(ev2.isSet()).toBe(true);
    ev1.close();
    q.close();
    expect(process.listenerCount('SIGUSR2')).toBe(base + 1);
    ev2[Symbol.dispose]();
    expect(process.listenerCount('SIGUSR2')).toBe(base);
  });
});

test('a closed event still reports a signal it got; waiting on one that is not set fails clearly', async () => {
  await run(function* () {
    const set = new SignalEvent('SIGUSR2');
    send('SIGUSR2');
    yield* set.wait();
    set.close();
    expect(set.closed).toBe(true);
    expect(yield* set.wait()).toBe('SIGUSR2');

    const unset = new SignalEvent('SIGHUP');
    const waiter = yield* spawn(function* () { return yield* unset.wait(); });
    yield* parked(waiter);
    unset.close();
    yield* waiter.wait();
    expect(waiter.exception).toBeInstanceOf(ClosedSignalWatcherError);
    expect((waiter.exception as Error).message).toBe('SignalEvent(SIGHUP) was closed while a task was waiting');
    let error: unknown = null;
    try {
      yield* unset.wait();
    } catch (e) {
      error = e;
    }
    expect((error as Error).message).toBe('SignalEvent(SIGHUP) is closed: wait() has nothing left to wait for');
  });
});

test('a cancelled wait() lets go of its listener slot and of the process', async () => {
  await run(function* () {
    using ev = new SignalEvent('SIGHUP');
    const waiter = yield* spawn(function* () { return yield* ev.wait(); });
    yield* parked(waiter);
    yield* waiter.cancel();
    expect(keepAliveState()).toEqual({ waits: 0, timer: false });
    send('SIGHUP');
    expect(yield* ev.wait()).toBe('SIGHUP');
  });
});

test('bad names are a clear TypeError', () => {
  expect(() => new SignalEvent('SIGTERM', 'TERM' as NodeJS.Signals)).toThrow("SignalEvent(): unknown signal 'TERM' (did you mean 'SIGTERM'?)");
  expect(() => new SignalEvent()).toThrow("SignalEvent(): give at least one signal name, e.g. new SignalEvent('SIGUSR1')");
  expect(process.listenerCount('SIGTERM')).toBe(0);
});
