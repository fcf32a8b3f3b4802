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
  notes: string[];
}

/** How many runs a child does. */
export interface RunCounts {
  warmups: number;
  runs: number;
}
