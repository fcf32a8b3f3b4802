/**
 * The cost of the diagnostics and monitor hooks on the kernel itself, in one process and
 * one run: Curio's queue ping-pong (two tasks, two steps per round trip: nothing but
 * scheduling, the worst case for a per-step hook) on a plain kernel, a kernel with
 * `logcrash` + `longblock`, and a kernel with an idle `monitor` (no client), taking turns.
 * Measures CPU time (process.cpuUsage), which a shared machine disturbs less than wall time.
 *
 * Usage: `node dist/hooks-bench.js [--runs=9] [--round-trips=200000] [--json] [--svg=PATH]`
 * @packageDocumentation
 */
import { cpus } from 'node:os';
import { pino } from 'pino';
import { Kernel, Queue, spawn, logcrash, longblock, monitor, type Operation } from 'curio';
import { optionPairs, wholeNumber } from './args.js';
import { renderTable } from './format.js';
import { benchReport } from './report-json.js';
import { defaultOutput, emitReport, outputOption, OUTPUT_USAGE, type OutputOptions } from './report-output.js';
import { runMain } from './script.js';
import { median } from './stats.js';

/** `--runs=N --round-trips=N --json --svg=PATH`; called inside main, so a bad option is one line from runMain. */
function parseArgs(argv: readonly string[]): { runs: number; roundTrips: number; output: OutputOptions } {
  const o = { runs: 9, roundTrips: 200_000, output: defaultOutput() };
  for (const [key, value] of optionPairs(argv)) {
    if (key === '--runs') o.runs = wholeNumber(key, value, 1);
    else if (key === '--round-trips') o.roundTrips = wholeNumber(key, value, 1);
    else if (!outputOption(o.output, key, value)) throw new Error(`unknown option '${key}' (options: --runs=N --round-trips=N ${OUTPUT_USAGE})`);
  }
  return o;
}

let runs = 0;
let roundTrips = 0;

function* pingPong(): Operation<void> {
  const there = new Queue<number>();
  const back = new Queue<number>();
  const a = yield* spawn(function* () {
    for (let i = 0; i < roundTrips; i++) {
      yield* there.put(i);
      if ((yield* back.get()) !== i) throw new Error('ping-pong lost a token');
    }
  });
  const b = yield* spawn(function* () {
    for (let i = 0; i < roundTrips; i++) yield* back.put(yield* there.get());
  });
  yield* a.join();
  yield* b.join();
}

async function main(): Promise<void> {
  const { output, ...counts } = parseArgs(process.argv.slice(2));
  ({ runs, roundTrips } = counts);
  const logger = pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: false }));
  const idleMonitor = monitor({ port: 0 });
  const kernels: Record<string, Kernel> = {
    plain: new Kernel(),
    'logcrash+longblock': new Kernel({ activations: [logcrash({ logger }), longblock({ logger, maxTime: 50 })] }),
    'monitor (idle)': new Kernel({ activations: [idleMonitor] }),
  };
  await kernels['monitor (idle)'].run(function* () {});
  await idleMonitor.listening;
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(kernels).map((k) => [k, []]));
  // One warm-up round, then `runs` measured rounds; the variants take turns in each.
  for (let round = 0; round <= runs; round++) {
    for (const [name, kernel] of Object.entries(kernels)) {
      const before = process.cpuUsage();
      await kernel.run(pingPong);
      const used = process.cpuUsage(before);
      if (round > 0) samples[name].push((used.user + used.system) / 1000);
    }
    // Progress on stderr (stdout keeps only the table): one line per round of the three kernels.
    process.stderr.write(`  ${round === 0 ? 'warm-up round' : `round ${round}/${runs}`}: ${Object.keys(kernels).map((k) => `${k} ${round === 0 ? 'done' : `${samples[k][round - 1].toFixed(1)} ms`}`).join(', ')}\n`);
  }
  for (const kernel of Object.values(kernels)) await kernel.shutdown();
  const plain = median(samples.plain);
  const steps = 2 * roundTrips;
  const rows = [['kernel', 'CPU ms (median)', 'min - max', 'ns per step', 'extra ns per step', 'plain / this']];
  for (const [name, xs] of Object.entries(samples)) {
    const m = median(xs);
    rows.push([name, m.toFixed(1), `${Math.min(...xs).toFixed(1)} - ${Math.max(...xs).toFixed(1)}`, ((m * 1e6) / steps).toFixed(0), (((m - plain) * 1e6) / steps).toFixed(0), `${(plain / m).toFixed(3)}x`]);
  }
  const text = [
    'Curio hooks benchmark: queue ping-pong, CPU time per run',
    `machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}; ${roundTrips} round trips (${steps} task steps) a run, ${runs} runs after a warm-up`,
    '',
    renderTable(rows),
    '',
    'A real program does far more per step than ping-pong (the echo server: about 15-20 µs of CPU per request),',
    'so the extra ns per step is the figure to carry over; bench:diagnostics measures the echo server itself.',
  ];
  const comparisons = Object.keys(kernels)
    .filter((name) => name !== 'plain')
    .map((name) => ({ case: 'queue ping-pong', contender: name, baseline: 'plain', unit: 'CPU ms per run', higherIsBetter: false, contenderSamples: samples[name], baselineSamples: samples.plain }));
  emitReport(output, benchReport('hooks', runs, comparisons), text.join('\n'));
  process.exit(0);
}

runMain(main);
