import * as curio from 'curio';
import * as kernel from '@curio/kernel';
import * as signals from '@curio/signals';
import * as subprocess from '@curio/subprocess';
import * as workers from '@curio/workers';

describe('curio umbrella', () => {
  it('re-exports every export of @curio/kernel as the same object', () => {
    for (const [name, value] of Object.entries(kernel)) {
      expect((curio as Record<string, unknown>)[name]).toBe(value);
    }
  });

  it('re-exports every export of @curio/signals as the same object', () => {
    for (const [name, value] of Object.entries(signals)) {
      expect((curio as Record<string, unknown>)[name]).toBe(value);
    }
    expect(curio.main).toBe(signals.main);
  });

  it('re-exports every export of @curio/workers as the same object', () => {
    for (const [name, value] of Object.entries(workers)) {
      expect((curio as Record<string, unknown>)[name]).toBe(value);
    }
  });

  it('runs a program written against the umbrella', async () => {
    const result = await curio.run(function* () {
      const t = yield* curio.spawn(function* () {
        yield* curio.sleep(1);
        return 'done';
      });
      return yield* t.join();
    });
    expect(result).toBe('done');
  });
});

describe('curio umbrella: @curio/subprocess', () => {
  it('re-exports the subprocess package: run as runProcess and subprocess.run, the rest by name', () => {
    expect(curio.runProcess).toBe(subprocess.run);
    expect(curio.subprocess.run).toBe(subprocess.run);
    expect(curio.run).toBe(kernel.run);
    for (const [name, value] of Object.entries(subprocess)) {
      expect((curio.subprocess as Record<string, unknown>)[name]).toBe(value);
      if (name !== 'run') expect((curio as Record<string, unknown>)[name]).toBe(value);
    }
  });

  it('runs a command through the umbrella', async () => {
    const out = await curio.run(function* () {
      const done = yield* curio.runProcess(['echo', 'hi'], { capture: true, encoding: 'utf-8' });
      return [done.returncode, done.stdout, yield* curio.subprocess.checkOutput(['printf', 'x'], { encoding: 'utf-8' })];
    });
    expect(out).toEqual([0, 'hi\n', 'x']);
  });
});
