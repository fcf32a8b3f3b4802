/**
 * Child process: runs one workload for one contender (warm-ups, then measured runs) and
 * prints one result line. Run by kernel-bench.ts as
 * `node --expose-gc dist/child.js <contender> <workload> <warmups> <runs>`.
 * @packageDocumentation
 */
import { loadContender } from './contenders/index.js';
import { collect } from './heap.js';
import { RESULT_PREFIX, type Measurement } from './protocol.js';
import { best, median } from './stats.js';
import { CALIBRATED_RUN_MS, workload } from './workloads.js';

/** Calibration starts here and grows until one run is long enough to time. */
const CALIBRATION_START = 10_000;
/**
 * Warm-up goes on past the requested count until this much time was spent: short runs
 * need it for the JIT and for V8 to settle its heap sizes (spawn+join is GC-bound).
 */
const MIN_WARMUP_MS = 2_000;
/** Measured runs go on past the requested count until this much time was spent, for a steadier median. */
const MIN_MEASURE_MS = 2_000;

async function main(argv: string[]): Promise<void> {
  const [name, workloadId, warmupArg, runsArg] = argv;
  const contender = await loadContender(name);
  const w = workload(workloadId);
  const warmups = Number(warmupArg);
  const runs = Number(runsArg);
  if (w.prepare !== undefined) await w.prepare(contender);

  let size = w.size ?? CALIBRATION_START;
  if (w.size === null) {
    // Grow the run until it takes >= 1/4 of the target, then scale to the target duration.
    for (;;) {
      const rate = await w.sample(contender, size);
      const ms = (size / rate) * 1000;
      if (ms >= CALIBRATED_RUN_MS / 4) {
        size = Math.max(CALIBRATION_START, Math.round((rate * CALIBRATED_RUN_MS) / 1000 / 1000) * 1000);
        break;
      }
      size *= 4;
    }
  }
  let warmed = 0;
  const warmStart = performance.now();
  while (warmed < warmups || (warmups > 0 && performance.now() - warmStart < MIN_WARMUP_MS)) {
    collect();
    await w.sample(contender, size);
    if (w.floor !== undefined) {
      collect();
      w.floor(size);
    }
    warmed++;
  }
  const samples: number[] = [];
  const floorSamples: number[] = [];
  const measureStart = performance.now();
  while (samples.length < runs || performance.now() - measureStart < MIN_MEASURE_MS) {
    collect();
    samples.push(await w.sample(contender, size));
    if (w.floor !== undefined) {
      // The floor right after the contender: each pair shares the machine's moment.
      collect();
      floorSamples.push(w.floor(size));
    }
  }
  const floor =
    w.floor === undefined
      ? {}
      : { floorSamples, floorMedian: median(floorSamples), floorRatio: median(samples.map((s, i) => s / floorSamples[i])) };
  const result: Measurement = {
    contender: contender.name,
    version: contender.version,
    workload: w.id,
    unit: w.unit,
    size,
    warmups: warmed,
    samples,
    median: median(samples),
    best: best(samples, w.higherIsBetter),
    ...floor,
    notes: w.prepareNote === undefined ? contender.notes() : [...contender.notes(), w.prepareNote],
  };
  process.stdout.write(RESULT_PREFIX + JSON.stringify(result) + '\n');
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
