import { spawn, sleep, currentTask, type Operation, type Activation } from '@curio/kernel';
import { schedtrace } from '../src/index.js';
import { capture } from './pino-capture.js';
import { runWith as run } from './helpers.js';

async function runWith<T>(main: () => Operation<T>, activations: Activation[]): Promise<T> {
  return run(main, { activations });
}

describe('schedtrace', () => {
  it('logs every scheduling event of a task, field by field', async () => {
    const { logger, records } = capture();
    let mainId = 0;
    let workerId = 0;
    await runWith(function* main() {
      mainId = (yield* currentTask()).id;
      const worker = yield* spawn(function* worker() {
        yield* sleep(10);
        return 'done';
      });
      workerId = worker.id;
      yield* worker.join();
    }, [schedtrace({ logger, filter: 'worker' })]);
    const base = { level: 30, taskId: workerId, taskName: 'worker', parentId: mainId };
    expect(records()).toEqual([
      { ...base, event: 'created', state: 'INITIAL', cycles: 0, msg: `task ${workerId} (worker) created` },
      { ...base, event: 'running', state: 'RUNNING', cycles: 1, msg: `task ${workerId} (worker) running` },
      { ...base, event: 'suspended', state: 'TIME_SLEEP', cycles: 1, trap: 'TIME_SLEEP', msg: `task ${workerId} (worker) suspended in TIME_SLEEP` },
      { ...base, event: 'running', state: 'RUNNING', cycles: 2, msg: `task ${workerId} (worker) running` },
      { ...base, event: 'terminated', state: 'TERMINATED', cycles: 2, outcome: 'returned', msg: `task ${workerId} (worker) terminated (returned)` },
    ]);
  });

  it('filters by task name with a RegExp or a function, at the level asked for', async () => {
    const byPattern = capture();
    const byFunction = capture();
    await runWith(function* main() {
      const a = yield* spawn.with({ name: 'worker-a' })(function* () { yield* sleep(1); });
      const b = yield* spawn.with({ name: 'other' })(function* () { throw new Error('x'); });
      yield* a.join();
      yield* b.wait();
    }, [
      schedtrace({ logger: byPattern.logger, filter: /^worker-/, level: 'debug' }),
      schedtrace({ logger: byFunction.logger, filter: (name) => name === 'other' }),
    ]);
    const patternRecords = byPattern.records();
    expect(new Set(patternRecords.map((r) => r.taskName))).toEqual(new Set(['worker-a']));
    expect(new Set(patternRecords.map((r) => r.level))).toEqual(new Set([20]));
    expect(byFunction.records().map((r) => r.event)).toEqual(['created', 'running', 'terminated']);
    expect(byFunction.records()[2]).toMatchObject({ taskName: 'other', outcome: 'failed', state: 'TERMINATED' });
  });

  it('marks a cancelled task as cancelled', async () => {
    const { logger, records } = capture();
    await runWith(function* main() {
      const t = yield* spawn.with({ name: 'victim' })(function* () { yield* sleep(1000); });
      yield* sleep(1);
      yield* t.cancel();
    }, [schedtrace({ logger, filter: 'victim' })]);
    expect(records().at(-1)).toMatchObject({ event: 'terminated', outcome: 'cancelled' });
  });

  it('does not change the order in which tasks run', async () => {
    function program(order: string[]) {
      return function* main() {
        for (const name of ['a', 'b', 'c']) {
          yield* spawn.with({ name })(function* () {
            for (let i = 0; i < 3; i++) {
              order.push(`${name}${i}`);
              yield* sleep(i);
            }
          });
        }
        yield* sleep(10);
      };
    }
    const plain: string[] = [];
    const traced: string[] = [];
    await runWith(program(plain), []);
    await runWith(program(traced), [schedtrace({ logger: capture().logger })]);
    expect(traced).toEqual(plain);
  });

  it('rejects a bad level or filter with a clear error', () => {
    expect(() => schedtrace({ level: 'loud' as 'info' })).toThrow("schedtrace(): level must be one of fatal, error, warn, info, debug, trace; got 'loud'");
    expect(() => schedtrace({ filter: 42 as unknown as string })).toThrow('schedtrace(): filter must be a task name, a RegExp or a function of the name; got 42');
  });
});
