/**
 * The cost of `@curio/otel` tracing on the kernel: spawn+join of 100,000 tasks (named
 * function, the kernel bench's workload) on a plain kernel, a kernel traced by an
 * unsampled tracer (the SDK with `AlwaysOffSampler`), and one traced by a recording tracer
 * (the SDK sampling every span, batched by a BatchSpanProcessor to an exporter that drops
 * them, flushed between runs), taking turns in each round. Measures CPU time (process.cpuUsage), which a shared
 * machine disturbs less than wall time; the verdict table gives each traced kernel's
 * tasks/s over the plain one's, round by round (median, min .. max).
 *
 * Then the same three on queue ping-pong (two tasks, two steps per round trip, no spawn):
 * the cost of the per-step context switch alone.
 *
 * Usage: `node dist/otel-bench.js [--runs=9] [--tasks=100000] [--json] [--svg=PATH]`
 * @packageDocumentation
 */
import { cpus } from 'node:os';
import { context } from '@opentelemetry/api';
import { AlwaysOffSampler, AlwaysOnSampler, BasicTracerProvider, BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { Kernel, Queue, spawn, type Operation, type Task } from '@curio/kernel';
import { TaskContextManager, tracing } from '@curio/otel';
import { optionPairs, wholeNumber } from './args.js';
import { renderTable } from './format.js';
import { benchReport } from './report-json.js';
import { defaultOutput, emitReport, outputOption, OUTPUT_USAGE, type OutputOptions } from './report-output.js';
import { runMain } from './script.js';
import { median } from './stats.js';

/** `--runs=N --tasks=N --json --svg=PATH`; called inside main, so a bad option is one line from runMain. */
function parseArgs(argv: readonly string[]): { runs: number; tasks: number; output: OutputOptions } {
  const o = { runs: 9, tasks: 100_000, output: defaultOutput() };
  for (const [key, value] of optionPairs(argv)) {
    if (key === '--runs') o.runs = wholeNumber(key, value, 1);
    else if (key === '--tasks') o.tasks = wholeNumber(key, value, 1);
    else if (!outputOption(o.output, key, value)) throw new Error(`unknown option '${key}' (options: --runs=N --tasks=N ${OUTPUT_USAGE})`);
  }
  return o;
}

/** An exporter that drops what it is given: the recording cost without an export's. */
class DroppingExporter implements SpanExporter {
  exported = 0;
  export(spans: ReadableSpan[], done: (result: { code: 0 }) => void): void {
    this.exported += spans.length;
    done({ code: 0 });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

let tasks = 0;

function* returns(i: number): Operation<number> {
  return i;
}

/** The kernel bench's spawn+join: spawn every task, then join them all in order. */
function* spawnJoin(): Operation<void> {
  const spawned: Task<number>[] = new Array(tasks);
  for (let i = 0; i < tasks; i++) spawned[i] = yield* spawn(returns, i);
  let sum = 0;
  for (let i = 0; i < tasks; i++) sum += yield* spawned[i].join();
  if (sum !== (tasks * (tasks - 1)) / 2) throw new Error(`spawn+join lost a result: sum ${sum}`);
}

/** Queue ping-pong between two tasks: two steps per round trip and no spawn, so it shows the cost per step. */
function* pingPong(): Operation<void> {
  const there = new Queue<number>();
  const back = new Queue<number>();
  const a = yield* spawn(function* ping() {
    for (let i = 0; i < tasks; i++) {
      yield* there.put(i);
      if ((yield* back.get()) !== i) throw new Error('ping-pong lost a token');
    }
  });
  const b = yield* spawn(function* pong() {
    for (let i = 0; i < tasks; i++) yield* back.put(yield* there.get());
  });
  yield* a.join();
  yield* b.join();
}

/** The workloads, each with how many of its unit one run does. */
const WORKLOADS = [
  { name: 'spawn+join', body: spawnJoin, unit: 'tasks/s (CPU time)', perRun: () => tasks },
  { name: 'queue ping-pong', body: pingPong, unit: 'task steps/s (CPU time)', perRun: () => 2 * tasks },
] as const;

async function main(): Promise<void> {
  const { output, ...counts } = parseArgs(process.argv.slice(2));
  tasks = counts.tasks;
  const runs = counts.runs;
  context.setGlobalContextManager(new TaskContextManager().enable());
  const unsampled = new BasicTracerProvider({ sampler: new AlwaysOffSampler() }).getTracer('bench');
  const exporter = new DroppingExporter();
  // Batched, as a deployed program exports; the queue holds a whole run, so no span is dropped.
  const batch = new BatchSpanProcessor(exporter, { maxQueueSize: tasks + 1, maxExportBatchSize: 512 });
  const recording = new BasicTracerProvider({ sampler: new AlwaysOnSampler(), spanProcessors: [batch] }).getTracer('bench');
  const variants: Record<string, () => Kernel> = {
    'tracing off': () => new Kernel(),
    'unsampled tracer': () => new Kernel({ activations: [tracing({ tracer: unsampled })] }),
    'recording tracer': () => new Kernel({ activations: [tracing({ tracer: recording })] }),
  };
  const samples: Record<string, Record<string, number[]>> = Object.fromEntries(WORKLOADS.map((w) => [w.name, Object.fromEntries(Object.keys(variants).map((k) => [k, []]))]));
  // One warm-up round, then `runs` measured rounds; the variants take turns in each.
  for (let round = 0; round <= runs; round++) {
    for (const workload of WORKLOADS) {
      for (const [name, make] of Object.entries(variants)) {
        const kernel = make();
        const before = process.cpuUsage();
        await kernel.run(workload.body);
        const used = process.cpuUsage(before);
        await kernel.shutdown();
        await batch.forceFlush(); // the export of this run's spans, outside the measured time
        if (round > 0) samples[workload.name][name].push(workload.perRun() / ((used.user + used.system) / 1e6));
      }
      // Progress on stderr (stdout keeps only the tables): one line per workload and round.
      const got = samples[workload.name];
      process.stderr.write(`  ${round === 0 ? 'warm-up round' : `round ${round}/${runs}`}, ${workload.name}: ${Object.keys(variants).map((k) => `${k} ${round === 0 ? 'done' : `${Math.round(got[k][round - 1]).toLocaleString('en-US')}/s`}`).join(', ')}\n`);
    }
  }
  // Spans: per round, every spawn+join task and its main task, and ping-pong's main, ping and pong.
  const expectedExports = (tasks + 1 + 3) * (runs + 1);
  if (exporter.exported !== expectedExports) throw new Error(`the recording tracer exported ${exporter.exported} spans, expected ${expectedExports} (one per task)`);
  const tables: string[] = [];
  for (const workload of WORKLOADS) {
    const got = samples[workload.name];
    const plain = got['tracing off'];
    const rows = [['kernel', `${workload.unit.replace(' (CPU time)', '')} (median)`, 'min - max', 'ns each', 'extra ns each', 'ratio to off (median of rounds)', 'min - max']];
    for (const [name, xs] of Object.entries(got)) {
      const ratios = xs.map((x, i) => x / plain[i]);
      const m = median(xs);
      rows.push([
        name,
        Math.round(m).toLocaleString('en-US'),
        `${Math.round(Math.min(...xs)).toLocaleString('en-US')} - ${Math.round(Math.max(...xs)).toLocaleString('en-US')}`,
        (1e9 / m).toFixed(0),
        (1e9 / m - 1e9 / median(plain)).toFixed(0),
        `${median(ratios).toFixed(2)}x`,
        `${Math.min(...ratios).toFixed(2)} - ${Math.max(...ratios).toFixed(2)}`,
      ]);
    }
    tables.push(`${workload.name} (${workload.unit})`, renderTable(rows), '');
  }
  const text = [
    'Curio tracing benchmark (@curio/otel): spawn+join and queue ping-pong, CPU time per run',
    `machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}; ${tasks} tasks (ping-pong: round trips) a run, ${runs} runs after a warm-up`,
    '',
    ...tables,
    'Target: on spawn+join the unsampled tracer keeps at least 0.8x of tracing off. A spawn+join task runs one step;',
    "ping-pong is only steps, so it shows the per-step context switch (entering the task's context, restoring the outer one).",
  ];
  const comparisons = WORKLOADS.flatMap((workload) =>
    Object.keys(variants)
      .filter((name) => name !== 'tracing off')
      .map((name) => ({ case: workload.name, contender: name, baseline: 'tracing off', unit: workload.unit, higherIsBetter: true, contenderSamples: samples[workload.name][name], baselineSamples: samples[workload.name]['tracing off'] })),
  );
  emitReport(output, benchReport('otel', runs, comparisons), text.join('\n'));
  process.exit(0);
}

runMain(main);
