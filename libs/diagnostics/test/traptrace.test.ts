import { spawn, sleep, timeoutAfter, Queue } from '@curio/kernel';
import { traptrace } from '../src/index.js';
import { capture } from './pino-capture.js';
import { runWith } from './helpers.js';

describe('traptrace', () => {
  it('logs each trap with what it waits on: sleep left, timeout left, and the line that blocked', async () => {
    const { logger, records } = capture();
    let id = 0;
    let mainId = 0;
    await runWith(function* main() {
      const t = yield* spawn(function* sleeper() {
        yield* timeoutAfter(500, sleep(100));
      });
      id = t.id;
      mainId = t.parentId!;
      yield* t.join();
    }, { traceStacks: true, activations: [traptrace({ logger, filter: 'sleeper' })] });
    const [record, ...rest] = records();
    expect(rest).toEqual([]);
    expect(record).toEqual({
      level: 30, taskId: id, taskName: 'sleeper', parentId: mainId, trap: 'TIME_SLEEP', sleepMs: 100, timeoutMs: 500,
      where: expect.stringMatching(/traptrace\.test\.ts:13$/), msg: `task ${id} (sleeper) waits in TIME_SLEEP`,
    });
  });

  it('names queue waits, and leaves out where without stack tracing', async () => {
    const { logger, records } = capture('debug');
    await runWith(function* main() {
      const q = new Queue<number>();
      const getter = yield* spawn.with({ name: 'getter' })(function* () { return yield* q.get(); });
      yield* sleep(1);
      yield* q.put(1);
      yield* getter.join();
    }, { traceStacks: false, activations: [traptrace({ logger, level: 'debug', filter: 'getter' })] });
    expect(records().map(({ level, trap, where, sleepMs, timeoutMs }) => ({ level, trap, where, sleepMs, timeoutMs }))).toEqual([
      { level: 20, trap: 'QUEUE_GET', where: undefined, sleepMs: undefined, timeoutMs: undefined },
    ]);
  });
});
