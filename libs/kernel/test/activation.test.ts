import { Kernel, run, spawn, sleep, type Activation } from '../src/index.js';
import { runVirtual } from './helpers.js';

describe('activations', () => {
  it('see every lifecycle event in order, with trap names, suspended before terminated', async () => {
    const events: string[] = [];
    const act: Activation = {
      activate: (k) => events.push(`activate ${k instanceof Kernel}`),
      created: (t) => events.push(`created ${t.name}`),
      running: (t) => events.push(`running ${t.name}`),
      suspended: (t, trap) => events.push(`suspended ${t.name} ${trap === null ? 'null' : trap.name}`),
      terminated: (t) => events.push(`terminated ${t.name}`),
      shutdown: () => events.push('shutdown'),
    };
    await runVirtual(function* main() {
      const child = yield* spawn(function* child() {
        yield* sleep(1);
      });
      yield* child.join();
    }, { activations: [act] });
    expect(events).toEqual([
      'activate true',
      'created main',
      'running main',
      'created child',
      'suspended main TASK_JOIN',
      'running child',
      'suspended child TIME_SLEEP',
      'running child',
      'suspended child null',
      'terminated child',
      'running main',
      'suspended main null',
      'terminated main',
      'shutdown',
    ]);
  });

  it('a partial activation (only some hooks) is fine', async () => {
    let terminated = 0;
    await run(function* () {
      yield* sleep(1);
    }, { activations: [{ terminated: () => terminated++ }] });
    expect(terminated).toBe(1);
  });
});
