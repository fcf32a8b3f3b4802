/**
 * The kernel workloads: what each measures, how big, its unit and Curio's target.
 * @packageDocumentation
 */
import type { Contender } from './contender.js';
import { closureFloor } from './floor.js';

/** Workload ids, as passed to the child process. */
export type WorkloadId = 'spawn-join' | 'spawn-join-closures' | 'ping-pong' | 'ping-pong-dirty' | 'idle-memory';

/** How a workload is run and reported. */
export interface Workload {
  readonly id: WorkloadId;
  /** Row title in the table. */
  readonly title: string;
  /** Unit of the reported number. */
  readonly unit: string;
  /** True when a bigger number is better (rates); false for costs (bytes). */
  readonly higherIsBetter: boolean;
  /**
   * Curio's target: in `unit` (a minimum for rates, a maximum for costs), or, for a
   * workload with a {@link Workload.floor}, the least share of the floor's rate.
   */
  readonly target: number;
  /**
   * Size of one run. null: calibrated in the child so that one run takes about
   * {@link CALIBRATED_RUN_MS} (used for ping-pong, whose speed differs 100x between libraries).
   */
  readonly size: number | null;
  /** Runs once at size `n` and returns the sample, in `unit`. */
  sample(contender: Contender, n: number): Promise<number>;
  /**
   * The same work done by bare V8, without any library, in `unit`: measured in the same
   * process, alternating with the contender's runs; the target is a share of it.
   */
  readonly floor?: (n: number) => number;
  /** Runs once in the child before calibration, to put the process in a given state. */
  readonly prepare?: (contender: Contender) => Promise<void>;
  /** What `prepare` does, for the report. */
  readonly prepareNote?: string;
}

/** Target duration of one calibrated run. */
export const CALIBRATED_RUN_MS = 250;

/** Tasks per spawn+join run. */
const SPAWN_N = 100_000;
/** Closure spawn+join runs that make a process "dirty" before its ping-pong is measured. */
const DIRTY_RUNS = 3;

/** Spawn+join (named function, then closures), ping-pong (fresh, then dirty) and idle memory, in table order. */
export const WORKLOADS: readonly Workload[] = [
  {
    id: 'spawn-join',
    title: 'spawn+join 100,000 tasks (named function)',
    unit: 'tasks/s',
    higherIsBetter: true,
    target: 1_000_000,
    size: SPAWN_N,
    sample: async (c, n) => n / ((await c.spawnJoin(n)) / 1000),
  },
  {
    id: 'spawn-join-closures',
    title: 'spawn+join 100,000 inline closures',
    unit: 'tasks/s',
    higherIsBetter: true,
    target: 0.75,
    size: SPAWN_N,
    sample: async (c, n) => n / ((await c.spawnJoinClosures(n)) / 1000),
    floor: (n) => n / (closureFloor(n) / 1000),
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
    id: 'ping-pong-dirty',
    title: 'ping-pong after 300,000 closure tasks',
    unit: 'round trips/s',
    higherIsBetter: true,
    target: 5_000_000,
    size: null,
    sample: async (c, n) => n / ((await c.pingPong(n)) / 1000),
    prepare: async (c) => {
      for (let i = 0; i < DIRTY_RUNS; i++) await c.spawnJoinClosures(SPAWN_N);
    },
    prepareNote: `ping-pong after closures: the same process first ran ${DIRTY_RUNS} closure spawn+joins of ${SPAWN_N.toLocaleString('en')} tasks (a long-running server's JIT state)`,
  },
  {
    id: 'idle-memory',
    title: 'heap per idle blocked task (100,000)',
    unit: 'bytes/task',
    higherIsBetter: false,
    target: 400,
    size: SPAWN_N,
    sample: async (c, n) => (await c.idleHeap(n)) / n,
  },
];

/** The workload with this id. */
export function workload(id: string): Workload {
  const w = WORKLOADS.find((x) => x.id === id);
  if (w === undefined) throw new Error(`unknown workload '${id}' (known: ${WORKLOADS.map((x) => x.id).join(', ')})`);
  return w;
}
