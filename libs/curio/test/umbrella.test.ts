import * as curio from 'curio';
import * as kernel from '@curio/kernel';
import * as workers from '@curio/workers';

describe('curio umbrella', () => {
  it('re-exports every export of @curio/kernel as the same object', () => {
    for (const [name, value] of Object.entries(kernel)) {
      expect((curio as Record<string, unknown>)[name]).toBe(value);
    }
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
