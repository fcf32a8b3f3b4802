import { ROOT_CONTEXT, SpanStatusCode, context, trace, type Span } from '@opentelemetry/api';
import { Kernel, TaskGroup, awaitPromise, call, currentTask, run, sleep, spawn, timeoutAfter, TaskCancelled } from '@curio/kernel';
import { tracing, withSpan } from '../src/index.js';
import { parentId, recordingTracer, spanNamed } from './setup.js';

const { exporter, tracer } = recordingTracer();
afterEach(() => exporter.reset());

describe('tracing(): a span per task', () => {
  it('names each span after its task, with curio.task.id and curio.task.name, child of the spawning task', async () => {
    const ids: Record<string, number> = {};
    await run(function* main() {
      yield* (yield* spawn.with({ name: 'ignored' })(function* () {})).join();
      const child = yield* spawn(function* child() {
        const grandchild = yield* spawn(function* grandchild() { yield* sleep(1); });
        ids.grandchild = grandchild.id;
        yield* grandchild.join();
      });
      ids.child = child.id;
      yield* child.join();
    }, { activations: [tracing({ tracer })] });
    const spans = exporter.getFinishedSpans();
    const main = spanNamed(spans, 'main');
    const child = spanNamed(spans, 'child');
    const grandchild = spanNamed(spans, 'grandchild');
    expect(parentId(main)).toBeUndefined();
    expect(parentId(child)).toBe(main.spanContext().spanId);
    expect(parentId(grandchild)).toBe(child.spanContext().spanId);
    expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(1);
    expect(child.attributes).toEqual({ 'curio.task.id': ids.child, 'curio.task.name': 'child' });
    expect(grandchild.attributes).toEqual({ 'curio.task.id': ids.grandchild, 'curio.task.name': 'grandchild' });
    expect(spanNamed(spans, 'ignored').attributes['curio.task.name']).toBe('ignored');
    expect(spans.every((s) => s.ended && s.status.code === SpanStatusCode.UNSET)).toBe(true);
  });

  it('puts TaskGroup members under the task that spawned them', async () => {
    await run(function* main() {
      const owner = yield* spawn(function* owner() {
        const group = new TaskGroup();
        yield* group.spawn(function* memberA() { yield* sleep(1); });
        yield* group.spawn(function* memberB() {});
        yield* group.join();
      });
      yield* owner.join();
    }, { activations: [tracing({ tracer })] });
    const spans = exporter.getFinishedSpans();
    const owner = spanNamed(spans, 'owner').spanContext().spanId;
    expect(parentId(spanNamed(spans, 'memberA'))).toBe(owner);
    expect(parentId(spanNamed(spans, 'memberB'))).toBe(owner);
  });

  it('puts the main task under the context active where kernel.run() was called', async () => {
    const outer = tracer.startSpan('request');
    const kernel = new Kernel({ activations: [tracing({ tracer })] });
    await context.with(trace.setSpan(ROOT_CONTEXT, outer), () => kernel.run(function* main() {}));
    await kernel.shutdown();
    outer.end();
    const spans = exporter.getFinishedSpans();
    expect(parentId(spanNamed(spans, 'main'))).toBe(outer.spanContext().spanId);
  });

  it('uses the global tracer provider when given no tracer (a no-op one here: nothing recorded, the program runs)', async () => {
    const result = await run(function* main() {
      yield* sleep(1);
      return trace.getActiveSpan()?.isRecording();
    }, { activations: [tracing()] });
    expect(result).toBe(false);
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});

describe('tracing(): the active span inside a task', () => {
  it('is the task span after every yield*, and nothing outside the kernel afterwards', async () => {
    const seen: (string | undefined)[] = [];
    const active = () => trace.getActiveSpan()?.spanContext().spanId;
    let childSpan: string | undefined;
    await run(function* main() {
      seen.push(active());
      yield* sleep(1);
      seen.push(active());
      const child = yield* spawn(function* child() {
        childSpan = active();
        yield* sleep(1);
        seen.push(active() === childSpan ? 'child still' : 'child lost');
      });
      seen.push(active());
      yield* child.join();
      seen.push(active());
    }, { activations: [tracing({ tracer })] });
    const main = spanNamed(exporter.getFinishedSpans(), 'main').spanContext().spanId;
    expect(childSpan).toBe(spanNamed(exporter.getFinishedSpans(), 'child').spanContext().spanId);
    expect(seen).toEqual([main, main, main, 'child still', main]);
    expect(trace.getActiveSpan()).toBeUndefined();
  });

  it('follows promises the task awaits with awaitPromise and call: their async code runs in the task span', async () => {
    const inPromise = async (label: string) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      await null;
      return `${label} ${trace.getActiveSpan()?.spanContext().spanId}`;
    };
    let mainSpan = '';
    const results = await run(function* main() {
      mainSpan = trace.getActiveSpan()!.spanContext().spanId;
      const a = yield* awaitPromise(inPromise('awaitPromise'));
      const b = yield* call(() => inPromise('call'));
      return [a, b];
    }, { activations: [tracing({ tracer })] });
    expect(results).toEqual([`awaitPromise ${mainSpan}`, `call ${mainSpan}`]);
  });

  it('lets libraries instrumented for OpenTelemetry nest their spans under the task', async () => {
    const instrumentedQuery = async () => {
      await null;
      return tracer.startActiveSpan('db.query', async (span: Span) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        span.end();
      });
    };
    await run(function* main() {
      const worker = yield* spawn(function* worker() {
        yield* awaitPromise(instrumentedQuery());
      });
      yield* worker.join();
    }, { activations: [tracing({ tracer })] });
    const spans = exporter.getFinishedSpans();
    expect(parentId(spanNamed(spans, 'db.query'))).toBe(spanNamed(spans, 'worker').spanContext().spanId);
  });

  it('keeps a context.with() made inside the task innermost for its callback, then the task span again', async () => {
    const seen: string[] = [];
    const other = tracer.startSpan('other');
    await run(function* main() {
      const mine = trace.getActiveSpan()!.spanContext().spanId;
      context.with(trace.setSpan(context.active(), other), () => seen.push(trace.getActiveSpan() === other ? 'other' : 'wrong'));
      seen.push(trace.getActiveSpan()!.spanContext().spanId === mine ? 'task' : 'wrong');
    }, { activations: [tracing({ tracer })] });
    other.end();
    expect(seen).toEqual(['other', 'task']);
  });
});

describe('tracing(): outcomes', () => {
  it('ends a failed task span with status ERROR and the exception recorded', async () => {
    await run(function* main() {
      const failing = yield* spawn(function* failing() {
        yield* sleep(1);
        throw new RangeError('out of range');
      });
      yield* failing.wait();
    }, { activations: [tracing({ tracer })], crashReporter: null });
    const span = spanNamed(exporter.getFinishedSpans(), 'failing');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'out of range' });
    expect(span.events.map((e) => [e.name, e.attributes?.['exception.type'], e.attributes?.['exception.message']])).toEqual([['exception', 'RangeError', 'out of range']]);
    expect(span.attributes['curio.task.cancelled']).toBeUndefined();
  });

  it('ends a cancelled task span with curio.task.cancelled = true and no error, a timed-out one too', async () => {
    await run(function* main() {
      const victim = yield* spawn(function* victim() { yield* sleep(60_000); });
      yield* sleep(1);
      yield* victim.cancel();
      const slow = yield* spawn(function* slow() { yield* timeoutAfter(1, sleep(60_000)); });
      yield* slow.wait();
    }, { activations: [tracing({ tracer })], crashReporter: null });
    for (const name of ['victim', 'slow']) {
      const span = spanNamed(exporter.getFinishedSpans(), name);
      expect([name, span.attributes['curio.task.cancelled'], span.status.code, span.events]).toEqual([name, true, SpanStatusCode.UNSET, []]);
    }
  });

  it('ends every span when the kernel shuts down with tasks alive (daemons, unjoined tasks), leaving no task', async () => {
    const kernel = new Kernel({ activations: [tracing({ tracer })] });
    await kernel.run(function* main() {
      yield* spawn.with({ daemon: true })(function* daemon() { yield* sleep(60_000); });
      yield* spawn(function* orphan() {
        yield* spawn(function* orphanChild() { yield* sleep(60_000); });
        yield* sleep(60_000);
      });
      yield* sleep(1);
    });
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['main']);
    await kernel.shutdown();
    expect(kernel.tasks.size).toBe(0);
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name).sort()).toEqual(['daemon', 'main', 'orphan', 'orphanChild']);
    for (const name of ['daemon', 'orphan', 'orphanChild']) expect(spanNamed(spans, name).attributes['curio.task.cancelled']).toBe(true);
  });

  it('records a cancellation delivered as TaskCancelled by the user the same way', async () => {
    await run(function* main() {
      const t = yield* spawn(function* selfCancelled() { throw new TaskCancelled('done here'); });
      yield* t.wait();
    }, { activations: [tracing({ tracer })], crashReporter: null });
    expect(spanNamed(exporter.getFinishedSpans(), 'selfCancelled').attributes['curio.task.cancelled']).toBe(true);
  });
});

describe('tracing(): fields for diagnostics (Activation.fields)', () => {
  it("gives trace_id and span_id of the task's current span (withSpan's inside it) through kernel.taskFields", async () => {
    const seen: Record<string, unknown>[] = [];
    await run(function* main() {
      const me = yield* currentTask();
      seen.push(me.kernel.taskFields(me));
      yield* withSpan('inner', function* () { seen.push(me.kernel.taskFields(me)); });
    }, { activations: [tracing({ tracer })] });
    const spans = exporter.getFinishedSpans();
    const main = spanNamed(spans, 'main').spanContext();
    const inner = spanNamed(spans, 'inner').spanContext();
    expect(seen).toEqual([{ trace_id: main.traceId, span_id: main.spanId }, { trace_id: inner.traceId, span_id: inner.spanId }]);
  });

  it('gives none when the task has no valid span context (no tracer provider registered)', async () => {
    const fields = await run(function* main() {
      const me = yield* currentTask();
      return me.kernel.taskFields(me);
    }, { activations: [tracing()] });
    expect(fields).toEqual({});
  });
});

describe('tracing(): which tasks get spans (tasks option)', () => {
  it('gives a span only to matching tasks; the others run in their spawner span, and their spawns nest there', async () => {
    let insideHelper: string | undefined;
    await run(function* main() {
      const helper = yield* spawn(function* helper() {
        insideHelper = trace.getActiveSpan()?.spanContext().spanId;
        yield* (yield* spawn(function* worker1() {})).join();
      });
      yield* helper.join();
    }, { activations: [tracing({ tracer, tasks: (task) => task.name !== 'helper' })] });
    const spans = exporter.getFinishedSpans();
    const main = spanNamed(spans, 'main').spanContext().spanId;
    expect(spans.map((s) => s.name).sort()).toEqual(['main', 'worker1']);
    expect(insideHelper).toBe(main);
    expect(parentId(spanNamed(spans, 'worker1'))).toBe(main);
  });

  it('takes a task name or a RegExp of names', async () => {
    const program = function* main() {
      yield* (yield* spawn(function* worker1() {})).join();
      yield* (yield* spawn(function* other() {})).join();
    };
    await run(program, { activations: [tracing({ tracer, tasks: /^(main|worker)/ })] });
    expect(exporter.getFinishedSpans().map((s) => s.name).sort()).toEqual(['main', 'worker1']);
    exporter.reset();
    await run(program, { activations: [tracing({ tracer, tasks: 'main' })] });
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['main']);
  });

  it('refuses bad options with a TypeError naming them', () => {
    expect(() => tracing({ tasks: 5 as never })).toThrow(/tracing\(\): tasks must be a task name, a RegExp or a function of the task; got number 5/);
    expect(() => tracing({ tracer: {} as never })).toThrow(/tracing\(\): tracer must be an OpenTelemetry Tracer/);
    expect(() => tracing(null as never)).toThrow(/tracing\(\): options must be an object/);
  });

  it('refuses a second tracing() on one kernel, when the kernel starts', async () => {
    const outcome = await run(function* main() {}, { activations: [tracing({ tracer }), tracing({ tracer })] }).then(() => 'ran', (e: unknown) => (e as Error).message);
    expect(outcome).toBe('tracing(): this kernel already has a tracing() activation; give it one');
  });
});
