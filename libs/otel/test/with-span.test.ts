import { SpanStatusCode, trace } from '@opentelemetry/api';
import { Kernel, TaskGroup, run, sleep, spawn, type Operation } from '@curio/kernel';
import { tracing, withSpan } from '../src/index.js';
import { parentId, recordingTracer, spanNamed } from './setup.js';

const { exporter, tracer } = recordingTracer();
afterEach(() => exporter.reset());
const activeId = () => trace.getActiveSpan()?.spanContext().spanId;

describe('withSpan()', () => {
  it('runs the operation in a child span of the task, active after every yield*, and returns its result', async () => {
    const seen: (string | undefined)[] = [];
    let taskSpan: string | undefined;
    const result = await run(function* main() {
      taskSpan = activeId();
      const value = yield* withSpan('load', function* () {
        seen.push(activeId());
        yield* sleep(1);
        seen.push(activeId());
        return 42;
      }, { attributes: { table: 'users' } });
      seen.push(activeId());
      return value;
    }, { activations: [tracing({ tracer })] });
    const load = spanNamed(exporter.getFinishedSpans(), 'load');
    expect(result).toBe(42);
    expect(parentId(load)).toBe(taskSpan);
    expect(load.attributes).toEqual({ table: 'users' });
    expect(seen).toEqual([load.spanContext().spanId, load.spanContext().spanId, taskSpan]);
  });

  it('nests tasks spawned inside it (TaskGroup members too) and inner withSpans under it', async () => {
    await run(function* main() {
      yield* withSpan('outer', function* () {
        const child = yield* spawn(function* child() {
          yield* withSpan('inner', function* () { yield* sleep(1); });
        });
        const group = new TaskGroup();
        yield* group.spawn(function* member() {});
        yield* group.join();
        yield* child.join();
      });
    }, { activations: [tracing({ tracer })] });
    const spans = exporter.getFinishedSpans();
    const outer = spanNamed(spans, 'outer').spanContext().spanId;
    expect(parentId(spanNamed(spans, 'child'))).toBe(outer);
    expect(parentId(spanNamed(spans, 'member'))).toBe(outer);
    expect(parentId(spanNamed(spans, 'inner'))).toBe(spanNamed(spans, 'child').spanContext().spanId);
  });

  it('leaves tasks spawned earlier in the context they were spawned in, whatever their spawner enters later', async () => {
    const seen: Record<string, string | undefined> = {};
    await run(function* main() {
      const mainSpan = activeId();
      const helper = yield* spawn(function* helper() {
        yield* sleep(2);
        seen.helper = activeId() === mainSpan ? 'main' : activeId();
      });
      let inside: { join(): Operation<void> } | undefined;
      yield* withSpan('outer', function* () {
        const outerSpan = activeId();
        inside = yield* spawn(function* insideHelper() {
          yield* sleep(4);
          seen.insideHelper = activeId() === outerSpan ? 'outer' : activeId();
        });
        yield* sleep(3);
      });
      yield* helper.join();
      yield* inside!.join();
    }, { activations: [tracing({ tracer, tasks: (task) => !task.name.endsWith('elper') })] });
    expect(seen).toEqual({ helper: 'main', insideHelper: 'outer' });
  });

  it('ends with status ERROR and the exception when the operation throws, and rethrows it', async () => {
    const caught = await run(function* main() {
      try {
        yield* withSpan('failing', function* () {
          yield* sleep(1);
          throw new Error('disk full');
        });
        return 'not thrown';
      } catch (error) {
        return (error as Error).message;
      }
    }, { activations: [tracing({ tracer })] });
    const span = spanNamed(exporter.getFinishedSpans(), 'failing');
    expect(caught).toBe('disk full');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'disk full' });
    expect(span.events.map((e) => e.attributes?.['exception.message'])).toEqual(['disk full']);
  });

  it('puts the task context back after a failure (the task span is active again)', async () => {
    const seen = await run(function* main() {
      const mine = activeId();
      try {
        yield* withSpan('failing', function* () { throw new Error('no'); });
      } catch {
        // expected
      }
      yield* sleep(1);
      return activeId() === mine;
    }, { activations: [tracing({ tracer })] });
    expect(seen).toBe(true);
  });

  it('ends with curio.task.cancelled = true, not an error, when the task is cancelled inside it', async () => {
    await run(function* main() {
      const t = yield* spawn(function* victim() {
        yield* withSpan('waiting', function* () { yield* sleep(60_000); });
      });
      yield* sleep(1);
      yield* t.cancel();
    }, { activations: [tracing({ tracer })] });
    const span = spanNamed(exporter.getFinishedSpans(), 'waiting');
    expect([span.attributes['curio.task.cancelled'], span.status.code, span.ended]).toEqual([true, SpanStatusCode.UNSET, true]);
  });

  it('ends its span when the kernel shuts down with the task still inside it', async () => {
    const kernel = new Kernel({ activations: [tracing({ tracer })] });
    await kernel.run(function* main() {
      yield* spawn.with({ daemon: true })(function* daemon() {
        yield* withSpan('forever', function* () { yield* sleep(60_000); });
      });
      yield* sleep(1);
    });
    await kernel.shutdown();
    expect(spanNamed(exporter.getFinishedSpans(), 'forever').attributes['curio.task.cancelled']).toBe(true);
    expect(kernel.tasks.size).toBe(0);
  });

  it('without tracing() on the kernel still makes and ends the span', async () => {
    await run(function* main() {
      yield* withSpan('plain', function* () { yield* sleep(1); });
    });
    // The global provider is the API's no-op one here: the span is made and ended but not recorded.
    expect(exporter.getFinishedSpans()).toEqual([]);
    const kernel = new Kernel({ activations: [tracing({ tracer })] });
    await kernel.run(function* main() { yield* withSpan('traced', function* () {}); });
    await kernel.shutdown();
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['traced', 'main']);
  });

  it('refuses a bad name or a non-operation with a TypeError naming it, outside a task with the kernel error', async () => {
    const bad = (op: () => Operation<void>) => run(op, { activations: [tracing({ tracer })] }).catch((e: unknown) => (e as Error).message);
    expect(await bad(function* () { yield* withSpan('', function* () {}); })).toMatch(/withSpan\(\): name must be a non-empty string; got ''/);
    expect(await bad(function* () { yield* withSpan('x', (() => 5) as never); })).toMatch(/withSpan\(\): expected an operation or a generator function \(function\*\); got 5 from the function/);
    expect(() => withSpan('x', function* () {}).next()).toThrow(/currentTask\(\) was called outside any task/);
  });
});
