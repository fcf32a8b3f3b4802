import { Kernel, TaskGroup, TaskSlot, run, spawn, type Activation, type Task } from '../src/index.js';

describe('TaskSlot and created(task, spawner)', () => {
  it('passes the spawning task to created: null for a main task, the spawner for spawn and TaskGroup members', async () => {
    const spawners: string[] = [];
    const act: Activation = { created: (task, spawner) => spawners.push(`${task.name} <- ${spawner === null ? 'null' : spawner.name}`) };
    await run(function* main() {
      const child = yield* spawn(function* child() {
        const group = new TaskGroup();
        yield* group.spawn(function* member() {});
        yield* group.join();
      });
      yield* child.join();
    }, { activations: [act] });
    expect(spawners).toEqual(['main <- null', 'child <- main', 'member <- child']);
  });

  it('passes null as spawner for a task created by plain code with spawnTask', async () => {
    const spawners: (Task | null)[] = [];
    const kernel = new Kernel({ activations: [{ created: (_task, spawner) => spawners.push(spawner) }] });
    const task = kernel.spawnTask(function* outside() {}, []);
    await kernel.shutdown();
    expect(task.terminated).toBe(true);
    expect(spawners).toEqual([null]);
  });

  it('keeps one value per task and per slot, set and read from hooks; unset reads undefined', async () => {
    const depth = new TaskSlot<number>();
    const label = new TaskSlot<string>();
    const seen: string[] = [];
    const act: Activation = {
      created(task, spawner) {
        depth.set(task, spawner === null ? 0 : depth.get(spawner)! + 1);
        if (task.name === 'leaf') label.set(task, 'marked');
      },
      terminated(task) { seen.push(`${task.name} ${depth.get(task)} ${label.get(task)}`); },
    };
    await run(function* root() {
      const mid = yield* spawn(function* mid() {
        yield* (yield* spawn(function* leaf() {})).join();
      });
      yield* mid.join();
    }, { activations: [act] });
    expect(seen).toEqual(['leaf 2 marked', 'mid 1 undefined', 'root 0 undefined']);
  });

  it('clears a value when set to undefined, and setting undefined on a bare task allocates nothing', async () => {
    const slot = new TaskSlot<object>();
    const results: unknown[] = [];
    await run(function* main() {
      const task = yield* spawn(function* child() {});
      slot.set(task, undefined);
      results.push(task._slots);
      slot.set(task, { a: 1 });
      results.push(slot.get(task));
      slot.set(task, undefined);
      results.push(slot.get(task));
      yield* task.join();
    });
    expect(results).toEqual([null, { a: 1 }, undefined]);
  });
});

describe('Activation.fields and Kernel.taskFields', () => {
  it('merges the fields of every activation that adds some, in order; {} when none does', async () => {
    const kernel = new Kernel({
      activations: [
        { fields: (task) => ({ a: task.name, shared: 1 }) },
        { created() {} },
        { fields: (task) => (task.name === 'quiet' ? undefined : { b: task.id, shared: 2 }) },
      ],
    });
    const worker = kernel.spawnTask(function* worker() {}, []);
    const quiet = kernel.spawnTask(function* quiet() {}, []);
    expect(kernel.taskFields(worker)).toEqual({ a: 'worker', shared: 2, b: worker.id });
    expect(kernel.taskFields(quiet)).toEqual({ a: 'quiet', shared: 1 });
    await kernel.shutdown();
    const plain = new Kernel();
    expect(plain.taskFields(plain.spawnTask(function* t() {}, []))).toEqual({});
    await plain.shutdown();
  });
});
