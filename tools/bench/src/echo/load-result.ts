/**
 * What the echo load generator reports to the benchmark: one JSON line on stdout,
 * prefixed so that nothing else it prints can be mistaken for it.
 * @packageDocumentation
 */

/** Prefix of the generator's result line. */
export const LOAD_RESULT_PREFIX = 'ECHO-RESULT ';

/** What one load-generator run measured. */
export interface LoadResult {
  connections: number;
  size: number;
  /** Round trips completed inside the measured window. */
  requests: number;
  /** Length of the measured window, in ms (actual, not requested). */
  windowMs: number;
  /** Round trips per second over the window. */
  rate: number;
  /** Generator CPU over the window, as a fraction of one core. */
  loadgenCpu: number;
  /** Server CPU over the window, as a fraction of one core (null if not measurable). */
  serverCpu: number | null;
  /**
   * CPU other processes used over the window (every core, minus the server, the
   * generator and softirq), as a fraction of one core; null if not measurable. Much above
   * zero means something else competed for the cores and the cell is not trustworthy.
   */
  otherCpu: number | null;
  /**
   * Softirq CPU over the window (every core), as a fraction of one core; null if not
   * measurable: network receive work the kernel charged to no process.
   */
  softirqCpu: number | null;
  /** Connections that failed (reset, closed early) before the run ended. */
  failures: number;
}
