/**
 * What every contender (Curio and each alternative) provides: the same three workloads,
 * written the way a user of that library would write them.
 * @packageDocumentation
 */

/** One library under test, with the kernel workloads. */
export interface Contender {
  /** Column name in the table. */
  readonly name: string;
  /** Version of the library, for the report. */
  readonly version: string;
  /**
   * Spawns `n` trivial tasks (each returns a number) from one main task, then joins them
   * all. Returns the elapsed milliseconds, measured inside the runtime.
   */
  spawnJoin(n: number): Promise<number>;
  /**
   * The same as {@link Contender.spawnJoin}, but every task is an inline closure written
   * at the spawn call (`spawn(function* () { return i; })`), the way users start most
   * tasks. Each closure's generators have their own hidden class, so call sites that see
   * them go megamorphic. Returns the elapsed milliseconds.
   */
  spawnJoinClosures(n: number): Promise<number>;
  /**
   * Two tasks pass a token back and forth through two queues `n` times. Returns the
   * elapsed milliseconds.
   */
  pingPong(n: number): Promise<number>;
  /**
   * Creates `n` tasks that block on one shared event, and returns how many bytes the
   * heap grew by (after a full GC) while they are all parked.
   */
  idleHeap(n: number): Promise<number>;
  /** Anything a reader of the table must know about how this contender was measured. */
  notes(): string[];
}

/** Throws when a workload computed the wrong answer: a fast wrong benchmark is worthless. */
export function check(what: string, got: number, expected: number): void {
  if (got !== expected) throw new Error(`${what}: expected ${expected}, got ${got}`);
}

/** Sum of 0..n-1: what spawn+join returns when task i returns i. */
export function triangle(n: number): number {
  return (n * (n - 1)) / 2;
}
