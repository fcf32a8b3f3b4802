import { context } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan, type Sampler } from '@opentelemetry/sdk-trace-base';
import { TaskContextManager } from '../src/index.js';

/** A real SDK tracer whose ended spans land in `exporter`; registers the TaskContextManager once per test file. */
export function recordingTracer(sampler?: Sampler) {
  ensureContextManager();
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)], ...(sampler === undefined ? {} : { sampler }) });
  return { exporter, tracer: provider.getTracer('curio-otel-test') };
}

let registered = false;
function ensureContextManager(): void {
  if (registered) return;
  registered = context.setGlobalContextManager(new TaskContextManager().enable());
  if (!registered) throw new Error('could not register the TaskContextManager');
}

/** The finished span named `name` (exactly one). */
export function spanNamed(spans: ReadableSpan[], name: string): ReadableSpan {
  const found = spans.filter((s) => s.name === name);
  if (found.length !== 1) throw new Error(`expected one span '${name}', got ${found.length} among ${spans.map((s) => s.name).join(', ')}`);
  return found[0];
}

/** The span id of a span's parent, or undefined for a root. */
export function parentId(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}
