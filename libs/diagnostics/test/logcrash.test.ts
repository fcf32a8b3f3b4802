import { spawn, sleep, currentTask, type Operation } from '@curio/kernel';
import { logcrash } from '../src/index.js';
import { capture } from './pino-capture.js';
import { runWith } from './helpers.js';

function* failing(message: string): Operation<never> {
  yield* sleep(1);
  throw new TypeError(message);
}

describe('logcrash', () => {
  it('logs a crash as one record with the error serialised by pino, and nothing on stderr', async () => {
    const { logger, records } = capture();
    const stderr = jest.spyOn(process.stderr, 'write');
    let id = 0;
    let mainId = 0;
    try {
      await runWith(function* main() {
        mainId = (yield* currentTask()).id;
        id = (yield* spawn(failing, 'boom')).id;
        yield* sleep(10);
      }, { activations: [logcrash({ logger })] });
      expect(stderr).not.toHaveBeenCalled();
    } finally {
      stderr.mockRestore();
    }
    expect(records()).toEqual([{
      level: 50, taskId: id, taskName: 'failing', parentId: mainId,
      err: { type: 'TypeError', message: 'boom', stack: expect.stringMatching(/^TypeError: boom\n\s+at failing \(.*logcrash\.test\.ts:\d+:\d+\)/) },
      msg: `task ${id} (failing) crashed: boom`,
    }]);
  });

  it('follows the crash rules: not the main task, not joined tasks, not cancellations', async () => {
    const { logger, records } = capture();
    await expect(runWith(function* main() {
      const joined = yield* spawn(failing, 'joined');
      yield* joined.wait();
      const cancelled = yield* spawn(function* () { yield* sleep(1000); });
      yield* cancelled.cancel();
      throw new Error('main fails');
    }, { activations: [logcrash({ logger })] })).rejects.toThrow('main fails');
    expect(records()).toEqual([]);
  });

  it('leaves out tasks the filter does not match, at the level asked for', async () => {
    const { logger, records } = capture();
    await runWith(function* main() {
      yield* spawn.with({ name: 'ignored' })(failing, 'quiet');
      yield* spawn.with({ name: 'watched' })(failing, 'loud');
      yield* sleep(10);
    }, { activations: [logcrash({ logger, filter: 'watched', level: 'fatal' })] });
    expect(records().map((r) => [r.level, r.taskName, (r.err as { message: string }).message])).toEqual([[60, 'watched', 'loud']]);
  });
});
