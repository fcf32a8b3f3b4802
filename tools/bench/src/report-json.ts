/**
 * The one machine-readable shape of every benchmark's results (`--json`): the bench, the
 * machine, the rounds, and one row per comparison of a contender with its baseline, with
 * the ratio's median and spread, the verdict and every sample. The SVG chart and the
 * verdict lines are drawn from the same rows.
 * @packageDocumentation
 */
import { cpus, loadavg } from 'node:os';
import { median } from './stats.js';
import { verdict, type Verdict } from './verdict.js';

/** Version of the shape below; bumped when a field changes meaning. */
export const REPORT_SCHEMA = 'curio-bench-report/1';

/** A median with the smallest and largest value around it. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

/** Where the benchmark ran. */
export interface MachineInfo {
  cpu: string;
  cores: number;
  node: string;
  /** 1-minute load average when the report was made (high: other work shared the machine). */
  loadAverage: number;
  /** ISO time the report was made. */
  date: string;
}

/** One comparison: a contender against its baseline on one case. */
export interface ReportRow {
  /** What was measured: a workload, a connection count. */
  case: string;
  contender: string;
  baseline: string;
  /** What the samples are, e.g. `requests/s`, `CPU ms`. */
  unit: string;
  higherIsBetter: boolean;
  /**
   * contender ÷ baseline. With as many samples on each side (rounds taken in turns) these
   * are the median, min and max of the per-round ratios; otherwise the ratio of the
   * medians, and the ratios of the opposite extremes.
   */
  ratio: Spread;
  /** {@link verdict} of the two sample lists. */
  verdict: Verdict;
  contenderSamples: number[];
  baselineSamples: number[];
}

/** A whole benchmark run. */
export interface BenchReport {
  schema: typeof REPORT_SCHEMA;
  /** The benchmark's name, as given to `npm run bench -- NAME`. */
  bench: string;
  machine: MachineInfo;
  /** Rounds (or runs) the bench was asked for; a row with fewer samples (a part capped at 3 runs, a failed round) shows it in its sample lists. */
  rounds: number;
  rows: ReportRow[];
  /** Cells that failed, one line each (their comparisons are not in `rows`). */
  errors: string[];
}

/** What a bench knows about one comparison; {@link compareRow} adds the ratio and verdict. */
export interface Comparison {
  case: string;
  contender: string;
  baseline: string;
  unit: string;
  higherIsBetter: boolean;
  contenderSamples: readonly number[];
  baselineSamples: readonly number[];
}

/** The spread of `xs` (non-empty). */
export function spreadOf(xs: readonly number[]): Spread {
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
}

/**
 * The report row of one comparison.
 * @throws RangeError naming the row when either side has no samples.
 */
export function compareRow(c: Comparison): ReportRow {
  const mine = c.contenderSamples;
  const theirs = c.baselineSamples;
  if (mine.length === 0 || theirs.length === 0) throw new RangeError(`${c.case}: ${c.contender} vs ${c.baseline} has no samples on one side`);
  const ratio =
    mine.length === theirs.length
      ? spreadOf(mine.map((x, i) => x / theirs[i]))
      : { median: median(mine) / median(theirs), min: Math.min(...mine) / Math.max(...theirs), max: Math.max(...mine) / Math.min(...theirs) };
  return { ...c, ratio, verdict: verdict(mine, theirs, c.higherIsBetter), contenderSamples: [...mine], baselineSamples: [...theirs] };
}

/** Where this process runs, now. */
export function machineInfo(): MachineInfo {
  return { cpu: cpus()[0]?.model ?? 'unknown CPU', cores: cpus().length, node: process.version, loadAverage: loadavg()[0], date: new Date().toISOString() };
}

/**
 * The report of a run of `bench`: the comparisons that have samples on both sides become
 * rows (a failed cell has none; `errors` says why).
 */
export function benchReport(bench: string, rounds: number, comparisons: readonly Comparison[], errors: readonly string[] = []): BenchReport {
  const rows = comparisons.filter((c) => c.contenderSamples.length > 0 && c.baselineSamples.length > 0).map(compareRow);
  return { schema: REPORT_SCHEMA, bench, machine: machineInfo(), rounds, rows, errors: [...errors] };
}
