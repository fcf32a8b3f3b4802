/**
 * The three kernel workloads: what each measures, how big, its unit and Curio's target.
 * @packageDocumentation
 */
import type { Contender } from './contender.js';

/** Workload ids, as passed to the child process. */
export type WorkloadId = 'spawn-join' | 'ping-pong' | 'idle-memory';

/** How a workload is run and reported. */
export interface Workload {
  readonly id: WorkloadId;
  /** Row title in the table. */
  readonly title: string;
  /** Unit of the reported number. */
  readonly unit: string;
  /** True when a bigger number is better (rates); false for costs (bytes). */
  readonly higherIsBetter: boolean;
  /** Curio's target in `unit`: a minimum for rates, a maximum for costs. */
  readonly target: number;
  /**
   * Size of one run. null: calibrated in the child so that one run takes about
   * {@link CALIBRATED_RUN_MS} (used for ping-pong, whose speed differs 100x between libraries).
   */
  readonly size: number | null;
  /** Runs once at size `n` and returns the sample, in `unit`. */
  sample(contender: Contender, n: number): Promise<number>;
}

/** Target duration of one calibrated run. */
export const CALIBRATED_RUN_MS = 250;

/** Spawn+join, ping-pong and idle memory, in table order. */
export const WORKLOADS: readonly Workload[] = [
  {
    id: 'spawn-join',
    title: 'spawn+join 100,000 tasks',
    unit: 'tasks/s',
    higherIsBetter: true,
    target: 1_000_000,
    size: 100_000,
    sample: async (c, n) => n / ((await c.spawnJoin(n)) / 1000),
  },
  {
    id: 'ping-pong',
    title: 'ping-pong through a queue',
    unit: 'round trips/s',
    higherIsBetter: true,
    target: 5_000_000,
    size: null,
    sample: async (c, n) => n / ((await c.pingPong(n)) / 1000),
  },
  {
    id: 'idle-memory',
    title: 'heap per idle blocked task (100,000)',
    unit: 'bytes/task',
    higherIsBetter: false,
    target: 400,
    size: 100_000,
    sample: async (c, n) => (await c.idleHeap(n)) / n,
  },
];

/** The workload with this id. */
export function workload(id: string): Workload {
  const w = WORKLOADS.find((x) => x.id === id);
  if (w === undefined) throw new Error(`unknown workload '${id}' (known: ${WORKLOADS.map((x) => x.id).join(', ')})`);
  return w;
}
