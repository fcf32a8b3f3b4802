/**
 * The @curio/workers benchmark, three parts in one run:
 * - **jobs**: 10,000 small jobs (an addition) through `runInThread` (10,000 tasks, each
 *   waiting for its job), through `ThreadPool.runAsync` (promises), and through a bare
 *   `worker_threads` pool with promises (bare-pool.ts); jobs/s and the ratio to the bare pool;
 * - **delay**: the main thread's event-loop delay (`monitorEventLoopDelay`) while idle, while
 *   the thread pool computes Fibonacci numbers for kernel tasks, and while the same work
 *   runs on the event loop itself;
 * - **echo**: requests/s of the seed's echo server on 1 and 2 processes
 *   (`examples/dist/echo-cluster.js --workers=N`), driven by the echo benchmark's load
 *   generator (its own process).
 * Each figure is the median of `--runs` runs, with the slowest and fastest beside it.
 *
 * Usage: `node dist/workers/workers-bench.js [--runs=5] [--jobs=10000] [--parts=jobs,delay,echo]
 * [--connections=100] [--duration=3000] [--json] [--svg=PATH]`
 * @packageDocumentation
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { run, spawn as spawnTask, sleep, type Task } from '@curio/kernel';
import { ThreadPool } from '@curio/workers';
import { formatNumber, formatRatio, renderTable } from '../format.js';
import { listeningPort } from '../server-process.js';
import { median, sum } from '../stats.js';
import { LOAD_RESULT_PREFIX, type LoadResult } from '../echo/load-result.js';
import { BarePool } from './bare-pool.js';
import { add, fib } from './jobs.js';
import { optionPairs, wholeNumber } from '../args.js';
import { runMain } from '../script.js';
import { benchReport, type Comparison } from '../report-json.js';
import { defaultOutput, emitReport, outputOption, OUTPUT_USAGE, type OutputOptions } from '../report-output.js';

const PARTS = ['jobs', 'delay', 'echo'] as const;
type Part = (typeof PARTS)[number];

interface Options {
  runs: number;
  jobs: number;
  parts: Part[];
  connections: number;
  duration: number;
  output: OutputOptions;
}

/** A part's table, and its comparisons for the report. */
interface PartResult {
  text: string;
  comparisons: Comparison[];
}

function parseArgs(argv: readonly string[]): Options {
  const o: Options = { runs: 5, jobs: 10_000, parts: [...PARTS], connections: 100, duration: 3000, output: defaultOutput() };
  for (const [key, value] of optionPairs(argv)) {
    if (key === '--runs') o.runs = wholeNumber(key, value, 1);
    else if (key === '--jobs') o.jobs = wholeNumber(key, value, 1);
    else if (key === '--connections') o.connections = wholeNumber(key, value, 1);
    else if (key === '--duration') o.duration = wholeNumber(key, value, 100);
    else if (key === '--parts') {
      o.parts = value.split(',').map((p) => {
        if (!(PARTS as readonly string[]).includes(p)) throw new Error(`--parts: unknown part '${p}' (known: ${PARTS.join(', ')})`);
        return p as Part;
      });
    } else if (!outputOption(o.output, key, value)) throw new Error(`unknown option '${key}' (options: --runs=N --jobs=N --parts=jobs,delay,echo --connections=N --duration=MS ${OUTPUT_USAGE})`);
  }
  return o;
}

/** `median [min – max]` of samples, formatted. */
function spread(xs: readonly number[], format: (x: number) => string = formatNumber): string {
  return `${format(median(xs))} [${format(Math.min(...xs))} – ${format(Math.max(...xs))}]`;
}

// ------------------------------------------------------------------ jobs

type JobContender = 'bare worker_threads + promises' | 'ThreadPool.runAsync (promises)' | 'runInThread (kernel tasks)';

async function jobsPart(o: Options): Promise<PartResult> {
  const size = availableParallelism();
  const bare = new BarePool(size);
  const pool = new ThreadPool({ size });
  const contenders: Record<JobContender, (n: number) => Promise<number>> = {
    'bare worker_threads + promises': async (n) => sum(await Promise.all(Array.from({ length: n }, (_, i) => bare.add(i, 1)))),
    'ThreadPool.runAsync (promises)': async (n) => sum(await Promise.all(Array.from({ length: n }, (_, i) => pool.runAsync(add, [i, 1])))),
    'runInThread (kernel tasks)': (n) =>
      run(function* () {
        const tasks: Task<number>[] = [];
        for (let i = 0; i < n; i++) tasks.push(yield* spawnTask(() => pool.run(add, i, 1)));
        let total = 0;
        for (const t of tasks) total += yield* t.join();
        return total;
      }),
  };
  const names = Object.keys(contenders) as JobContender[];
  const expected = (o.jobs * (o.jobs - 1)) / 2 + o.jobs;
  const rates = new Map<JobContender, number[]>(names.map((n) => [n, []]));
  // Warm-up: start the threads, load the job module, let the JIT see the paths.
  for (const name of names) await contenders[name](Math.min(2000, o.jobs));
  for (let r = 0; r < o.runs; r++) {
    // Alternate the order so drift on a shared machine does not favour one contender.
    for (const name of r % 2 === 0 ? names : [...names].reverse()) {
      const start = performance.now();
      const total = await contenders[name](o.jobs);
      const ms = performance.now() - start;
      if (total !== expected) throw new Error(`${name}: wrong answer ${total}, expected ${expected}`);
      rates.get(name)!.push((o.jobs * 1000) / ms);
    }
    process.stderr.write(`  jobs run ${r + 1}/${o.runs}: ${names.map((n) => `${n} ${formatNumber(rates.get(n)![r])}/s`).join(', ')}\n`);
  }
  await Promise.all([bare.close(), pool.close()]);
  const baseline = median(rates.get(names[0])!);
  const rows = [['contender', 'jobs/s: median [slowest – fastest]', '÷ bare pool (median)']];
  for (const name of names) rows.push([name, spread(rates.get(name)!), formatRatio(median(rates.get(name)!) / baseline)]);
  const comparisons = names.slice(1).map((name) => ({ case: `${formatNumber(o.jobs)} small jobs`, contender: name, baseline: names[0], unit: 'jobs/s', higherIsBetter: true, contenderSamples: rates.get(name)!, baselineSamples: rates.get(names[0])! }));
  return { text: `### ${formatNumber(o.jobs)} small jobs on ${size} threads\n\n${renderTable(rows)}`, comparisons };
}

// ------------------------------------------------------------------ delay

type DelayCase = 'idle' | 'pool busy (runInThread)' | 'same work on the event loop';

/** Event-loop delay percentiles (ms) over `ms` while `load` runs. */
async function delayWhile(ms: number, load: (until: number) => Promise<void>): Promise<{ p50: number; p99: number; max: number }> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  await load(performance.now() + ms);
  h.disable();
  return { p50: h.percentile(50) / 1e6, p99: h.percentile(99) / 1e6, max: h.max / 1e6 };
}

async function delayPart(o: Options): Promise<PartResult> {
  const threads = availableParallelism();
  const pool = new ThreadPool({ size: threads });
  const N = 30;
  const cases: Record<DelayCase, (until: number) => Promise<void>> = {
    idle: (until) => new Promise((resolve) => setTimeout(resolve, until - performance.now())),
    'pool busy (runInThread)': (until) =>
      run(function* () {
        const workers: Task<void>[] = [];
        for (let t = 0; t < threads; t++) {
          workers.push(yield* spawnTask(function* () {
            while (performance.now() < until) yield* pool.run(fib, N);
          }));
        }
        // A ticking task too, as a server's other clients would be.
        while (performance.now() < until) yield* sleep(1);
        for (const w of workers) yield* w.join();
      }),
    'same work on the event loop': async (until) => {
      while (performance.now() < until) {
        fib(N);
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
  };
  const names = Object.keys(cases) as DelayCase[];
  const results = new Map<DelayCase, Array<{ p50: number; p99: number; max: number }>>(names.map((n) => [n, []]));
  await pool.runAsync(fib, [20]);
  const runs = Math.max(1, Math.min(o.runs, 3));
  for (let r = 0; r < runs; r++) {
    for (const name of names) results.get(name)!.push(await delayWhile(2000, cases[name]));
    process.stderr.write(`  delay run ${r + 1}/${runs}: p99 ${names.map((n) => `${n} ${results.get(n)![r].p99.toFixed(2)} ms`).join(', ')}\n`);
  }
  await pool.close();
  const ms = (x: number) => x.toFixed(x < 10 ? 2 : 0);
  const rows = [['main thread while', 'p50 delay ms', 'p99 delay ms', 'max delay ms']];
  for (const name of names) {
    const rs = results.get(name)!;
    rows.push([name, spread(rs.map((x) => x.p50), ms), spread(rs.map((x) => x.p99), ms), spread(rs.map((x) => x.max), ms)]);
  }
  // The pool's point: the main thread's delay while it computes, against the same work on the event loop.
  const p99 = (name: DelayCase) => results.get(name)!.map((x) => x.p99);
  const comparisons = [{ case: 'event-loop delay p99', contender: 'pool busy (runInThread)', baseline: 'same work on the event loop', unit: 'ms', higherIsBetter: false, contenderSamples: p99('pool busy (runInThread)'), baselineSamples: p99('same work on the event loop') }];
  return { text: `### Event-loop delay, fib(${N}) jobs on ${threads} threads, 2 s windows (${runs} runs)\n\n${renderTable(rows)}`, comparisons };
}

// ------------------------------------------------------------------ echo

const CLUSTER = fileURLToPath(new URL('../../../../examples/dist/echo-cluster.js', import.meta.url));
const LOADGEN = fileURLToPath(new URL('../echo/loadgen.js', import.meta.url));

/** Starts echo-cluster on port 0; resolves once its workers listen, with the port they share. */
async function startCluster(workers: number): Promise<{ server: ChildProcess; port: number }> {
  if (!existsSync(CLUSTER)) throw new Error(`${CLUSTER} is missing (npm run bench:workers builds it)`);
  const child = spawn(process.execPath, [CLUSTER, '0', `--workers=${workers}`], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  // Node's cluster gives every worker listening on port 0 the same port: each names it.
  let port: number | null = null;
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`echo-cluster exited (${code}) before listening`)));
    lines.on('line', (line) => {
      port ??= listeningPort(line);
      if (line === `cluster: ${workers} workers listening`) resolve();
    });
  });
  if (port === null) throw new Error('echo-cluster listened without naming its port');
  return { server: child, port };
}

async function echoOnce(workers: number, o: Options): Promise<number> {
  const { server, port } = await startCluster(workers);
  try {
    const gen = spawn(process.execPath, [LOADGEN, `--port=${port}`, `--connections=${o.connections}`, '--size=1000', '--warmup=1000', `--duration=${o.duration}`], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    gen.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    const [code] = (await once(gen, 'exit')) as [number | null];
    const line = stdout.split('\n').find((l) => l.startsWith(LOAD_RESULT_PREFIX));
    if (code !== 0 || line === undefined) throw new Error(`load generator failed (exit ${code})`);
    const result = JSON.parse(line.slice(LOAD_RESULT_PREFIX.length)) as LoadResult;
    if (result.failures > 0) throw new Error(`${result.failures} connections failed`);
    return result.rate;
  } finally {
    const exited = once(server, 'exit');
    server.kill('SIGTERM');
    await exited;
  }
}

async function echoPart(o: Options): Promise<PartResult> {
  const rates = new Map<number, number[]>([[1, []], [2, []]]);
  const runs = Math.max(1, Math.min(o.runs, 3));
  for (let r = 0; r < runs; r++) {
    for (const workers of r % 2 === 0 ? [1, 2] : [2, 1]) rates.get(workers)!.push(await echoOnce(workers, o));
    process.stderr.write(`  echo run ${r + 1}/${runs}: 1 process ${formatNumber(rates.get(1)![r])} req/s, 2 processes ${formatNumber(rates.get(2)![r])} req/s\n`);
  }
  const one = median(rates.get(1)!);
  const rows = [['server', 'requests/s: median [slowest – fastest]', '÷ 1 process']];
  for (const workers of [1, 2]) rows.push([`echo-cluster, ${workers} process${workers === 1 ? '' : 'es'}`, spread(rates.get(workers)!), formatRatio(median(rates.get(workers)!) / one)]);
  const text =
    `### Echo on 1 and 2 processes (${o.connections} connections ping-ponging 1,000 bytes, ${o.duration} ms windows, ${runs} runs)\n\n${renderTable(rows)}\n\n` +
    `The load generator runs on the same ${cpus().length} cores as the server processes: with 2 cores, 2 server processes and the generator compete.`;
  const comparisons = [{ case: `echo, ${o.connections} connections`, contender: 'echo-cluster, 2 processes', baseline: 'echo-cluster, 1 process', unit: 'requests/s', higherIsBetter: true, contenderSamples: rates.get(2)!, baselineSamples: rates.get(1)! }];
  return { text, comparisons };
}

// ------------------------------------------------------------------ main

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
  const out = [
    '## Curio workers benchmark',
    `command: node ${process.argv.slice(1).join(' ')} (npm run bench -- workers)`,
    `machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}, load average before: ${load()}`,
    '',
  ];
  const parts: Record<Part, (o: Options) => Promise<PartResult>> = { jobs: jobsPart, delay: delayPart, echo: echoPart };
  const comparisons: Comparison[] = [];
  for (const part of o.parts) {
    process.stderr.write(`${part}:\n`);
    const result = await parts[part](o);
    out.push(result.text, '');
    comparisons.push(...result.comparisons);
  }
  out.push(`load average after: ${load()}`);
  emitReport(o.output, benchReport('workers', o.runs, comparisons), out.join('\n'));
}

runMain(main);
