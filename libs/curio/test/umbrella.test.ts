import * as curio from 'curio';
import * as kernel from '@curio/kernel';
import * as signals from '@curio/signals';
import * as redis from '@curio/redis';

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

  it('re-exports @curio/redis as the namespace redis', () => {
    for (const [name, value] of Object.entries(redis)) {
      expect((curio.redis as Record<string, unknown>)[name]).toBe(value);
    }
    expect(curio.redis.connect).toBe(redis.connect);
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
