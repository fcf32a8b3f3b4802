/**
 * The cost of the diagnostics and monitor hooks on the kernel itself, in one process and
 * one run: Curio's queue ping-pong (two tasks, two steps per round trip: nothing but
 * scheduling, the worst case for a per-step hook) on a plain kernel, a kernel with
 * `logcrash` + `longblock`, and a kernel with an idle `monitor` (no client), taking turns.
 * Measures CPU time (process.cpuUsage), which a shared machine disturbs less than wall time.
 *
 * Usage: `node dist/hooks-bench.js [--runs=9] [--round-trips=200000]`
 * @packageDocumentation
 */
import { cpus } from 'node:os';
import { pino } from 'pino';
import { Kernel, Queue, spawn, logcrash, longblock, monitor, type Operation } from 'curio';
import { optionPairs, wholeNumber } from './args.js';
import { renderTable } from './format.js';
import { runMain } from './script.js';

/** `--runs=N --round-trips=N`; called inside main, so a bad option is one line from runMain. */
function parseArgs(argv: readonly string[]): { runs: number; roundTrips: number } {
  const o = { runs: 9, roundTrips: 200_000 };
  for (const [key, value] of optionPairs(argv)) {
    if (key === '--runs') o.runs = wholeNumber(key, value, 1);
    else if (key === '--round-trips') o.roundTrips = wholeNumber(key, value, 1);
    else throw new Error(`unknown option '${key}' (options: --runs=N --round-trips=N)`);
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
  ({ runs, roundTrips } = parseArgs(process.argv.slice(2)));
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
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[xs.length >> 1];
  const plain = median(samples.plain);
  const steps = 2 * roundTrips;
  const rows = [['kernel', 'CPU ms (median)', 'min - max', 'ns per step', 'extra ns per step', 'plain / this']];
  for (const [name, xs] of Object.entries(samples)) {
    const m = median(xs);
    rows.push([name, m.toFixed(1), `${Math.min(...xs).toFixed(1)} - ${Math.max(...xs).toFixed(1)}`, ((m * 1e6) / steps).toFixed(0), (((m - plain) * 1e6) / steps).toFixed(0), `${(plain / m).toFixed(3)}x`]);
  }
  console.log('Curio hooks benchmark: queue ping-pong, CPU time per run');
  console.log(`machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}; ${roundTrips} round trips (${steps} task steps) a run, ${runs} runs after a warm-up`);
  console.log('');
  console.log(renderTable(rows));
  console.log('');
  console.log('A real program does far more per step than ping-pong (the echo server: about 15-20 µs of CPU per request),');
  console.log("so the extra ns per step is the figure to carry over; bench:diagnostics measures the echo server itself.");
  process.exit(0);
}

runMain(main);
