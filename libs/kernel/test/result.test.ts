import { spawn, sleep } from '../src/ops.js';
import { timeoutAfter } from '../src/timeout.js';
import { CurioError, TaskCancelled, TaskTimeout } from '../src/errors.js';
import type { Task } from '../src/task.js';
import { Result } from '../src/sync/index.js';
import { runLeavingNoTask } from './helpers.js';

describe('Result', () => {
  it('unwrap waits (RESULT_WAIT) for setValue; every waiter gets the value', async () => {
    await runLeavingNoTask(function* () {
      const result = new Result<number>();
      const waiters: Task<number>[] = [];
      for (let i = 0; i < 3; i++) waiters.push(yield* spawn(() => result.unwrap()));
      yield* sleep(10);
      expect(waiters[0].state).toBe('RESULT_WAIT');
      expect(result.isSet()).toBe(false);
      expect(String(result)).toBe('Result(unset, waiters: 3)');
      result.setValue(42);
      expect(result.isSet()).toBe(true);
      expect(String(result)).toBe('Result(value: 42)');
      const values: number[] = [];
      for (const w of waiters) values.push(yield* w.join());
      expect(values).toEqual([42, 42, 42]);
      expect(yield* result.unwrap()).toBe(42);
    });
  });

  it('unwrap throws the exception set with setException, every time', async () => {
    const boom = new Error('boom');
    await runLeavingNoTask(function* () {
      const result = new Result<string>();
      const waiter = yield* spawn(function* () {
        try {
          yield* result.unwrap();
          return null;
        } catch (e) {
          return e;
        }
      });
      yield* sleep(1);
      result.setException(boom);
      expect(yield* waiter.join()).toBe(boom);
      let again: unknown = null;
      try {
        yield* result.unwrap();
      } catch (e) {
        again = e;
      }
      expect(again).toBe(boom);
      expect(String(result)).toBe('Result(exception: Error: boom)');
    });
  });

  it('a Result is set once: a second setValue or setException throws', () => {
    const result = new Result<number>();
    result.setValue(1);
    expect(() => result.setValue(2)).toThrow(CurioError);
    expect(() => result.setException(new Error('x'))).toThrow(/Result\.setException\(\): the result is already set \(to a value\)/);
    const failed = new Result<number>();
    failed.setException(new Error('x'));
    expect(() => failed.setValue(1)).toThrow(/already set \(to an exception\)/);
  });

  it('a cancelled or timed-out unwrap leaves no waiter, and the value still reaches later callers', async () => {
    await runLeavingNoTask(function* () {
      const result = new Result<string>();
      const t = yield* spawn(() => result.unwrap());
      yield* sleep(1);
      yield* t.cancel();
      expect(t.exception).toBeInstanceOf(TaskCancelled);
      let timedOut: unknown = null;
      try {
        yield* timeoutAfter(50, result.unwrap());
      } catch (e) {
        timedOut = e;
      }
      expect(timedOut).toBeInstanceOf(TaskTimeout);
      expect(String(result)).toBe('Result(unset, waiters: 0)');
      result.setValue('late');
      expect(yield* result.unwrap()).toBe('late');
    });
  });

  it('a waiter woken and then cancelled before it runs still gets the value', async () => {
    const seen: string[] = [];
    await runLeavingNoTask(function* () {
      const result = new Result<string>();
      const t = yield* spawn(function* () {
        seen.push(yield* result.unwrap());
        yield* sleep(10);
      });
      yield* sleep(1);
      result.setValue('delivered');
      yield* t.cancel({ blocking: false });
      yield* t.wait();
      expect(t.exception).toBeInstanceOf(TaskCancelled);
    });
    expect(seen).toEqual(['delivered']);
  });

  it('unwrap outside any task throws', () => {
    expect(() => new Result().unwrap().next()).toThrow(/Result\.unwrap\(\) was called outside any task/);
  });
});
