import { spawn, sleep, currentTask, awaitPromise } from '@curio/kernel';
import { longblock } from '../src/index.js';
import { capture } from './pino-capture.js';
import { runWith } from './helpers.js';

describe('longblock', () => {
  // Time is a counter the tasks advance themselves: "running for 80 ms" without a busy loop.
  let fakeNow = 0;
  const now = () => fakeNow;

  it('reports a task that ran longer than maxTime without blocking: how long, and where it blocked', async () => {
    const { logger, records } = capture();
    let hogId = 0;
    let mainId = 0;
    await runWith(function* main() {
      mainId = (yield* currentTask()).id;
      const hog = yield* spawn(function* hog() {
        fakeNow += 80;
        yield* sleep(1);
        fakeNow += 5;
        yield* sleep(1);
      });
      hogId = hog.id;
      yield* hog.join();
    }, { traceStacks: true, activations: [longblock({ logger, maxTime: 20, now })] });
    expect(records()).toEqual([{
      level: 40, taskId: hogId, taskName: 'hog', parentId: mainId, ms: 80, trap: 'TIME_SLEEP',
      where: expect.stringMatching(/longblock\.test\.ts:19$/), msg: `task ${hogId} (hog) ran 80 ms without blocking`,
    }]);
  });

  it('reports a task that ends after running too long (trap null), for matching names only', async () => {
    const { logger, records } = capture();
    await runWith(function* main() {
      const a = yield* spawn.with({ name: 'cruncher' })(function* () { fakeNow += 30; });
      const b = yield* spawn.with({ name: 'other' })(function* () { fakeNow += 30; });
      yield* a.join();
      yield* b.join();
    }, { activations: [longblock({ logger, maxTime: 20, now, filter: 'cruncher', level: 'error' })] });
    expect(records().map(({ level, taskName, ms, trap }) => ({ level, taskName, ms, trap }))).toEqual([{ level: 50, taskName: 'cruncher', ms: 30, trap: null }]);
  });

  it('does not count the time Node spends between drains (waiting for I/O, timers) as running', async () => {
    const { logger, records } = capture();
    await runWith(function* main() {
      const waiter = yield* spawn.with({ name: 'waiter' })(function* () {
        // 100 "ms" pass outside any task, while this one waits on a promise.
        yield* awaitPromise(new Promise<void>((resolve) => setImmediate(() => { fakeNow += 100; resolve(); })));
        fakeNow += 1;
      });
      yield* waiter.join();
    }, { activations: [longblock({ logger, maxTime: 20, now })] });
    expect(records()).toEqual([]);
  });

  it('rejects a bad maxTime', () => {
    expect(() => longblock({ maxTime: -1 })).toThrow('longblock(): maxTime must be a number of milliseconds >= 0; got -1');
  });
});
