/**
 * CPU pinning of the network benchmarks' processes: the server on CPU 0, its load on CPU 1
 * (`taskset`), so each gets one core's worth and they never steal from each other.
 * @packageDocumentation
 */
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';

/** True when the machine has a spare core and `taskset`: then {@link pinned} pins. */
export const pinning = cpus().length >= 2 && spawnSync('taskset', ['-V']).status === 0;

/**
 * The command line that runs `program args` on CPU `cpu` (`taskset -c <cpu> ...`, which
 * execs the program, so the pid spawned is the program's), or unpinned where
 * {@link pinning} is false. `program` defaults to this Node.
 */
export function pinned(cpu: number, args: readonly string[], program: string = process.execPath): [string, string[]] {
  return pinning ? ['taskset', ['-c', String(cpu), program, ...args]] : [program, [...args]];
}
