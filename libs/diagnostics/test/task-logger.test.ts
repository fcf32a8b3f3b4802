import { spawn, sleep, currentTask, run } from '@curio/kernel';
import { taskLogger, withLogger, setLogger } from '../src/index.js';
import { capture } from './pino-capture.js';
import { runWith } from './helpers.js';

describe('taskLogger', () => {
  it("gives the running task a child logger bound with its id and name; spawned tasks inherit the root", async () => {
    const { logger, records } = capture('info', { service: 'proto' });
    const ids: number[] = [];
    await runWith(function* main() {
      yield* withLogger(logger, function* () {
        const log = yield* taskLogger();
        expect(yield* taskLogger()).toBe(log);
        ids.push((yield* currentTask()).id);
        log.info({ step: 1 }, 'from main');
        const child = yield* spawn(function* handler() {
          ids.push((yield* currentTask()).id);
          yield* sleep(1);
          (yield* taskLogger()).warn('from handler');
        });
        yield* child.join();
      });
    }, {});
    expect(records()).toEqual([
      { level: 30, service: 'proto', taskId: ids[0], taskName: 'main', step: 1, msg: 'from main' },
      { level: 40, service: 'proto', taskId: ids[1], taskName: 'handler', msg: 'from handler' },
    ]);
  });

  it('setLogger sets the root for the task from then on; a logger already bound to the task is used as is', async () => {
    const first = capture();
    const second = capture();
    await run(function* main() {
      yield* setLogger(first.logger);
      const log = yield* taskLogger();
      log.info('one');
      yield* setLogger(log.child({ part: 'b' }));
      (yield* taskLogger()).info('two');
      yield* setLogger(second.logger);
      (yield* taskLogger()).info('three');
    });
    expect(first.records().map((r) => [r.msg, r.taskName, r.part])).toEqual([['one', 'main', undefined], ['two', 'main', 'b']]);
    // No duplicated taskId key in the line: the bound child was not bound again.
    expect(second.records().map((r) => [r.msg, r.taskName])).toEqual([['three', 'main']]);
  });

  it('rejects something that is not a logger', async () => {
    await expect(run(function* () {
      yield* setLogger({} as never);
    })).rejects.toThrow('setLogger(): expected a pino logger; got an object');
  });
});
