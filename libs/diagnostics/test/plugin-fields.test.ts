import { TaskSlot, currentTask, run, sleep, spawn, type Activation, type Task } from '@curio/kernel';
import { logcrash, schedtrace, taskLogger, withLogger } from '../src/index.js';
import { capture } from './pino-capture.js';

// A plug-in that adds fields about tasks through the kernel's general hook (as @curio/otel
// adds trace_id and span_id), with a "current span" a task can change, like withSpan.
const current = new TaskSlot<string>();
const spans: Activation = {
  created: (task) => current.set(task, `span-of-${task.name}`),
  fields: (task: Task) => (task.name === 'untraced' ? undefined : { trace_id: 'trace-1', span_id: current.get(task) }),
};

describe('records carry the fields plug-ins add about the task (Activation.fields)', () => {
  it('in schedtrace and logcrash records, next to taskId', async () => {
    const { logger, records } = capture();
    await run(function* main() {
      yield* spawn(function* worker() { yield* sleep(1); throw new Error('boom'); });
      yield* sleep(5);
    }, { activations: [spans, schedtrace({ logger, filter: 'worker' }), logcrash({ logger })] });
    const recs = records();
    expect(recs.length).toBeGreaterThan(2);
    expect(recs.every((r) => r.taskName === 'worker' && r.trace_id === 'trace-1' && r.span_id === 'span-of-worker')).toBe(true);
    expect(recs.some((r) => typeof r.msg === 'string' && r.msg.includes('crashed'))).toBe(true);
  });

  it('in taskLogger records, as of when taskLogger() is called; none for a task the plug-in adds nothing about', async () => {
    const { logger, records } = capture('info');
    await run(function* main() {
      yield* withLogger(logger, function* () {
        const first = yield* taskLogger();
        first.info('before');
        expect(yield* taskLogger()).toBe(first);
        yield* (yield* spawn(function* untraced() { (yield* taskLogger()).info('plain'); })).join();
        // The plug-in's current span changes (as in a withSpan): taskLogger() binds the new one.
        current.set(yield* currentTask(), 'inner-span');
        const after = yield* taskLogger();
        expect(after).not.toBe(first);
        after.info('inside');
      });
    }, { activations: [spans] });
    expect(records()).toEqual([
      { level: 30, taskId: expect.any(Number), taskName: 'main', trace_id: 'trace-1', span_id: 'span-of-main', msg: 'before' },
      { level: 30, taskId: expect.any(Number), taskName: 'untraced', msg: 'plain' },
      { level: 30, taskId: expect.any(Number), taskName: 'main', trace_id: 'trace-1', span_id: 'inner-span', msg: 'inside' },
    ]);
  });
});
