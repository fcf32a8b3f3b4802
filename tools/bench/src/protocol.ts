/**
 * What a child process reports to the parent: one JSON line on stdout, prefixed so that
 * stray output from a library cannot be mistaken for it.
 * @packageDocumentation
 */

/** Prefix of the result line. */
export const RESULT_PREFIX = 'BENCH-RESULT ';

/** One (contender x workload) measurement. */
export interface Measurement {
  contender: string;
  version: string;
  workload: string;
  unit: string;
  /** Size of one run (tasks, round trips). */
  size: number;
  warmups: number;
  /** Every measured sample, in run order. */
  samples: number[];
  median: number;
  best: number;
  /**
   * For a workload with a bare-V8 floor: the floor's samples, each run right after the
   * contender's sample of the same index, in the same process.
   */
  floorSamples?: number[];
  floorMedian?: number;
  /** Median of the per-pair ratios sample / floor sample (pairs share the machine's moment). */
  floorRatio?: number;
  notes: string[];
}

/** How many runs a child does. */
export interface RunCounts {
  warmups: number;
  runs: number;
}
