import { ROOT_CONTEXT, context, createContextKey, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { run, sleep } from '@curio/kernel';
import { TaskContextManager, tracing } from '../src/index.js';

// Runs in order: this file starts with no global context manager registered.
const key = createContextKey('test key');

describe('TaskContextManager and how tracing() finds it', () => {
  it('is registered by tracing() when there is no global context manager, and works for the tasks', async () => {
    const exporter = new InMemorySpanExporter();
    const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer('t');
    expect(context.with(ROOT_CONTEXT.setValue(key, 1), () => context.active().getValue(key))).toBeUndefined();
    const active = await run(function* main() {
      yield* sleep(1);
      return trace.getActiveSpan()?.spanContext().spanId;
    }, { activations: [tracing({ tracer })] });
    expect(active).toBe(exporter.getFinishedSpans()[0].spanContext().spanId);
    expect(context.with(ROOT_CONTEXT.setValue(key, 2), () => context.active().getValue(key))).toBe(2);
  });

  it('behaves as a context manager outside tasks: with() follows async code, bind() binds functions', async () => {
    const manager = new TaskContextManager().enable();
    const ctx = ROOT_CONTEXT.setValue(key, 'v');
    expect(manager.active()).toBe(ROOT_CONTEXT);
    const later = await manager.with(ctx, async (a: number) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return [a, manager.active().getValue(key)];
    }, undefined, 7);
    expect(later).toEqual([7, 'v']);
    const bound = manager.bind(ctx, function (this: { n: number }, x: number) { return [this.n, x, manager.active().getValue(key)]; });
    expect(bound.call({ n: 1 }, 2)).toEqual([1, 2, 'v']);
    const emitterLike = { on() {} };
    expect(manager.bind(ctx, emitterLike)).toBe(emitterLike);
    const withThis = manager.with(ctx, function (this: { n: number }) { return this.n; }, { n: 9 });
    expect(withThis).toBe(9);
    manager.disable();
    expect(manager.active()).toBe(ROOT_CONTEXT);
  });

  it('refuses, with a TypeError naming the fix, to run under another kind of global context manager', async () => {
    context.disable();
    expect(context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())).toBe(true);
    const outcome = await run(function* main() {}, { activations: [tracing()] }).then(() => 'ran', (e: unknown) => e);
    expect(outcome).toBeInstanceOf(TypeError);
    expect((outcome as Error).message).toMatch(/global OpenTelemetry context manager is not @curio\/otel's TaskContextManager.*context\.setGlobalContextManager\(new TaskContextManager\(\)\.enable\(\)\)/);
    context.disable();
  });
});
