import { sleep, spawn, TaskLocal } from '../src/index.js';
import { runVirtual } from './helpers.js';

describe('TaskLocal', () => {
  it('gives each task its own value, inherited by children at spawn time', async () => {
    const requestId = new TaskLocal<string>('none');
    const seen = await runVirtual(function* () {
      const seen: string[] = [requestId.get()];
      requestId.set('parent');
      const child = yield* spawn(function* () {
        seen.push(`child sees ${requestId.get()}`);
        requestId.set('child');
        yield* sleep(10);
        seen.push(`child keeps ${requestId.get()}`);
      });
      yield* sleep(5);
      seen.push(`parent keeps ${requestId.get()}`);
      requestId.set('parent2');
      yield* child.join();
      return seen;
    });
    expect(seen).toEqual(['none', 'child sees parent', 'parent keeps parent', 'child keeps child']);
  });

  it('withValue sets a value for a block and restores the previous one', async () => {
    const user = new TaskLocal<string | null>(null);
    const seen = await runVirtual(function* () {
      const inside = yield* user.withValue('alice', function* () {
        yield* sleep(1);
        return user.get();
      });
      return [inside, user.get()];
    });
    expect(seen).toEqual(['alice', null]);
  });

  it('must be used inside a task', () => {
    const local = new TaskLocal(0);
    expect(() => local.get()).toThrow(/TaskLocal.get\(\) was called outside any task/);
  });
});
