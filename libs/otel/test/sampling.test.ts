import { TraceFlags, trace } from '@opentelemetry/api';
import { AlwaysOffSampler, AlwaysOnSampler, ParentBasedSampler } from '@opentelemetry/sdk-trace-base';
import { Kernel, awaitPromise, run, sleep, spawn } from '@curio/kernel';
import { tracing, withSpan } from '../src/index.js';
import { recordingTracer } from './setup.js';

describe('tracing() with an unsampled tracer', () => {
  it('records nothing, and tasks run in the unsampled root span: same trace id, not sampled, after yield* and in promises', async () => {
    const { exporter, tracer } = recordingTracer(new AlwaysOffSampler());
    const seen: { traceId: string; spanId: string; flags: number; recording: boolean }[] = [];
    const look = () => {
      const ctx = trace.getActiveSpan()!.spanContext();
      seen.push({ traceId: ctx.traceId, spanId: ctx.spanId, flags: ctx.traceFlags, recording: trace.getActiveSpan()!.isRecording() });
    };
    await run(function* main() {
      look();
      const child = yield* spawn(function* child() {
        yield* sleep(1);
        look();
        yield* awaitPromise((async () => { await null; look(); })());
      });
      yield* child.join();
    }, { activations: [tracing({ tracer })] });
    expect(exporter.getFinishedSpans()).toEqual([]);
    expect(seen).toHaveLength(3);
    expect(new Set(seen.map((s) => `${s.traceId}/${s.spanId}`)).size).toBe(1);
    expect(seen.every((s) => s.flags === TraceFlags.NONE && !s.recording && trace.isSpanContextValid({ ...s, traceFlags: s.flags }))).toBe(true);
  });

  it('with a parent-based sampler records the subtree of a sampled parent span', async () => {
    const { exporter, tracer } = recordingTracer(new ParentBasedSampler({ root: new AlwaysOnSampler() }));
    await run(function* main() {
      yield* (yield* spawn(function* child() {})).join();
    }, { activations: [tracing({ tracer })] });
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['child', 'main']);
  });

  it('makes withSpan spans through the tracer inside an unsampled task: unsampled too, active inside, nothing recorded', async () => {
    const { exporter, tracer } = recordingTracer(new AlwaysOffSampler());
    const kernel = new Kernel({ activations: [tracing({ tracer })] });
    let recording: boolean | undefined;
    await kernel.run(function* main() {
      yield* withSpan('op', function* () { recording = trace.getActiveSpan()?.isRecording(); });
    });
    await kernel.shutdown();
    expect(recording).toBe(false);
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});
