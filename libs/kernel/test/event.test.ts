import { spawn, sleep, clock } from '../src/ops.js';
import { timeoutAfter } from '../src/timeout.js';
import { CancelledError, CurioError, TaskCancelled, TaskTimeout } from '../src/errors.js';
import type { Task } from '../src/task.js';
import { Event } from '../src/sync/index.js';
import { runLeavingNoTask, bystander } from './helpers.js';

describe('Event', () => {
  it('wait blocks until set; isSet and clear report and reset the flag', async () => {
    const results: unknown[] = [];
    await runLeavingNoTask(function* () {
      const evt = new Event();
      const waiter = yield* spawn(function* () {
        results.push('wait_start', evt.isSet());
        yield* evt.wait();
        results.push('wait_done', evt.isSet(), yield* clock());
        evt.clear();
        results.push(evt.isSet());
      });
      const setter = yield* spawn(function* () {
        results.push('sleep');
        yield* sleep(1000);
        results.push('event_set');
        evt.set();
      });
      yield* waiter.join();
      yield* setter.join();
    });
    expect(results).toEqual(['wait_start', false, 'sleep', 'event_set', 'wait_done', true, 1000, false]);
  });

  it('wait returns at once, without yielding, when the event is already set', async () => {
    const log: string[] = [];
    await runLeavingNoTask(function* () {
      const evt = new Event();
      evt.set();
      const other = yield* bystander(log);
      yield* evt.wait();
      log.push('wait_done');
      yield* other.join();
    });
    expect(log).toEqual(['wait_done', 'bystander ran']);
  });

  it('set wakes every waiter, oldest first, and shows EVENT_WAIT while parked', async () => {
    const woken: string[] = [];
    let states: string[] = [];
    await runLeavingNoTask(function* () {
      const evt = new Event();
      const tasks: Task[] = [];
      for (const name of ['a', 'b', 'c']) {
        tasks.push(yield* spawn(function* () {
          yield* evt.wait();
          woken.push(name);
        }));
      }
      yield* sleep(10);
      states = tasks.map((t) => t.state);
      expect(String(evt)).toBe('Event(unset, waiters: 3)');
      evt.set();
      expect(String(evt)).toBe('Event(set, waiters: 0)');
      for (const t of tasks) yield* t.join();
    });
    expect(states).toEqual(['EVENT_WAIT', 'EVENT_WAIT', 'EVENT_WAIT']);
    expect(woken).toEqual(['a', 'b', 'c']);
  });

  it('a woken waiter returns even if the event is cleared before it runs', async () => {
    const results: string[] = [];
    await runLeavingNoTask(function* () {
      const evt = new Event();
      const t = yield* spawn(function* () {
        yield* evt.wait();
        results.push('woken');
      });
      yield* sleep(1);
      evt.set();
      evt.clear();
      yield* t.join();
      expect(evt.isSet()).toBe(false);
    });
    expect(results).toEqual(['woken']);
  });

  it('after clear, wait blocks again until the next set', async () => {
    const results: unknown[] = [];
    await runLeavingNoTask(function* () {
      const evt = new Event();
      const t = yield* spawn(function* () {
        results.push('event_wait');
        try {
          yield* timeoutAfter(1000, evt.wait());
          results.push('got event', yield* clock());
        } catch (e) {
          if (!(e instanceof TaskTimeout)) throw e;
          results.push('event_timeout');
        }
        evt.clear();
        yield* evt.wait();
        results.push('got event', yield* clock());
      });
      results.push('sleep');
      yield* sleep(250);
      results.push('event_set');
      evt.set();
      yield* sleep(1000);
      results.push('event_set');
      evt.set();
      yield* t.join();
    });
    expect(results).toEqual(['sleep', 'event_wait', 'event_set', 'got event', 250, 'event_set', 'got event', 1250]);
  });

  it('cancelling a waiter raises CancelledError in it and leaves no waiter behind', async () => {
    const results: string[] = [];
    await runLeavingNoTask(function* () {
      const evt = new Event();
      const t = yield* spawn(function* () {
        results.push('event_wait');
        try {
          yield* evt.wait();
        } catch (e) {
          if (e instanceof CancelledError) results.push('event_cancel');
          throw e;
        }
      });
      results.push('sleep');
      yield* sleep(1000);
      results.push('cancel_start');
      yield* t.cancel();
      results.push('cancel_done');
      expect(t.exception).toBeInstanceOf(TaskCancelled);
      expect(String(evt)).toBe('Event(unset, waiters: 0)');
    });
    expect(results).toEqual(['sleep', 'event_wait', 'cancel_start', 'event_cancel', 'cancel_done']);
  });

  it('a timed-out wait raises TaskTimeout and leaves no waiter behind', async () => {
    const results: unknown[] = [];
    await runLeavingNoTask(function* () {
      const evt = new Event();
      const t = yield* spawn(function* () {
        results.push('event_wait');
        try {
          yield* timeoutAfter(500, evt.wait());
        } catch (e) {
          if (!(e instanceof TaskTimeout)) throw e;
          results.push('event_timeout', yield* clock());
        }
      });
      results.push('sleep');
      yield* sleep(1000);
      results.push('sleep_done');
      expect(String(evt)).toBe('Event(unset, waiters: 0)');
      yield* t.join();
    });
    expect(results).toEqual(['sleep', 'event_wait', 'event_timeout', 500, 'sleep_done']);
  });

  it('a waiter woken and then cancelled before it runs still returns from wait; the cancellation comes at its next blocking call', async () => {
    const results: string[] = [];
    await runLeavingNoTask(function* () {
      const evt = new Event();
      const t = yield* spawn(function* () {
        yield* evt.wait();
        results.push('wait returned');
        try {
          yield* sleep(10);
          results.push('not here');
        } catch (e) {
          if (e instanceof TaskCancelled) results.push('cancelled at sleep');
          throw e;
        }
      });
      yield* sleep(1);
      evt.set();
      yield* t.cancel({ blocking: false });
      yield* t.wait();
      expect(t.exception).toBeInstanceOf(TaskCancelled);
    });
    expect(results).toEqual(['wait returned', 'cancelled at sleep']);
  });

  it('set and clear work from plain code outside any task; wait needs a task', async () => {
    const evt = new Event();
    evt.set();
    expect(evt.isSet()).toBe(true);
    evt.clear();
    expect(evt.isSet()).toBe(false);
    expect(() => evt.wait().next()).toThrow(CurioError);
    expect(() => evt.wait().next()).toThrow(/Event\.wait\(\) was called outside any task/);
  });
});
