import { awaitPromise, call, sleep, spawn, timeoutAfter, TaskCancelled, TaskTimeout, run } from '../src/index.js';
import { rejectionOf } from './helpers.js';

describe('awaitPromise', () => {
  it('returns the value of a resolved promise', async () => {
    expect(await run(function* () {
      return yield* awaitPromise(new Promise<number>((r) => setTimeout(() => r(7), 5)));
    })).toBe(7);
  });

  it('throws the rejection of a rejected promise', async () => {
    const boom = new Error('rejected');
    expect(await rejectionOf(run(function* () {
      yield* awaitPromise(Promise.reject(boom));
    }))).toBe(boom);
  });

  it('passes a plain value through, and refuses a function with a hint', async () => {
    expect(await run(function* () {
      return yield* awaitPromise(5);
    })).toBe(5);
    const e = await rejectionOf(run(function* () {
      yield* awaitPromise((() => Promise.resolve(1)) as unknown as Promise<number>);
    }));
    expect((e as Error).message).toMatch(/did you mean call\(\)/);
  });

  it('waits in FUTURE_WAIT and can be cancelled; a late resolution is ignored', async () => {
    let resolveLater: (v: number) => void = () => {};
    const pending = new Promise<number>((r) => (resolveLater = r));
    await run(function* () {
      const t = yield* spawn(function* () {
        return yield* awaitPromise(pending);
      });
      yield* sleep(1);
      expect(t.state).toBe('FUTURE_WAIT');
      yield* t.cancel();
      expect(t.exception).toBeInstanceOf(TaskCancelled);
      resolveLater(1);
      yield* sleep(1);
      expect(t.exception).toBeInstanceOf(TaskCancelled);
    });
  });
});

describe('call', () => {
  it('returns what the promise resolves to, without aborting', async () => {
    let signal: AbortSignal | undefined;
    expect(await run(function* () {
      return yield* call((s) => {
        signal = s;
        return Promise.resolve('ok');
      });
    })).toBe('ok');
    expect(signal!.aborted).toBe(false);
  });

  it('aborts the signal when the task is cancelled, with the cancellation as reason', async () => {
    let signal: AbortSignal | undefined;
    await run(function* () {
      const t = yield* spawn(function* () {
        yield* call((s) => {
          signal = s;
          return new Promise((_, reject) => s.addEventListener('abort', () => reject(s.reason)));
        });
      });
      yield* sleep(1);
      yield* t.cancel();
    });
    expect(signal!.aborted).toBe(true);
    expect(signal!.reason).toBeInstanceOf(TaskCancelled);
  });

  it('aborts the signal on a timeout', async () => {
    let signal: AbortSignal | undefined;
    const e = await rejectionOf(run(function* () {
      yield* timeoutAfter(5, call((s) => {
        signal = s;
        return new Promise(() => {});
      }));
    }));
    expect(e).toBeInstanceOf(TaskTimeout);
    expect(signal!.aborted).toBe(true);
  });

  it('refuses a non-function', async () => {
    const e = await rejectionOf(run(function* () {
      yield* call(Promise.resolve(1) as unknown as () => Promise<number>);
    }));
    expect((e as Error).message).toMatch(/call\(\): expected a function taking an AbortSignal/);
  });
});
