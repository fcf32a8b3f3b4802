/**
 * The subprocess workloads, written for each contender: Curio (`@curio/subprocess` on the
 * kernel) and plain `child_process` with promises, as a user would write either.
 * @packageDocumentation
 */
import { spawn as spawnChild, execFile } from 'node:child_process';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { run, spawn, type Task } from '@curio/kernel';
import { Popen, run as runProcess } from '@curio/subprocess';

/** Spawn workload: run `count` `true` processes, `concurrency` at a time; resolves to how many exited 0. */
export type SpawnWorkload = (count: number, concurrency: number) => Promise<number>;
/** Pipe workload: send `chunks` MiB through `cat` and read it back; resolves to the bytes read back. */
export type PipeWorkload = (chunks: number) => Promise<number>;

const MiB = 1 << 20;
const CHUNK = Buffer.alloc(MiB, 0x61);

/** Curio: worker tasks each `yield* run(['true'])`. */
export const curioSpawn: SpawnWorkload = (count, concurrency) =>
  run(function* () {
    let started = 0;
    let ok = 0;
    const workers: Task<void>[] = [];
    for (let w = 0; w < concurrency; w++) {
      workers.push(yield* spawn(function* () {
        while (started < count) {
          started++;
          const done = yield* runProcess(['true'], { stdin: 'ignore', stdout: 'ignore', stderr: 'ignore' });
          if (done.returncode === 0) ok++;
        }
      }));
    }
    for (const worker of workers) yield* worker.join();
    return ok;
  });

/** child_process with promises: async workers each `spawn` and `await once(child, 'exit')`. */
export const promiseSpawn: SpawnWorkload = async (count, concurrency) => {
  let started = 0;
  let ok = 0;
  const worker = async (): Promise<void> => {
    while (started < count) {
      started++;
      const child = spawnChild('true', [], { stdio: 'ignore' });
      const [code] = (await once(child, 'exit')) as [number | null];
      if (code === 0) ok++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return ok;
};

/** child_process with promises, the shortest way: `await promisify(execFile)('true')` (it also collects the output). */
export const execFileSpawn: SpawnWorkload = async (count, concurrency) => {
  const execFileAsync = promisify(execFile);
  let started = 0;
  let ok = 0;
  const worker = async (): Promise<void> => {
    while (started < count) {
      started++;
      await execFileAsync('true');
      ok++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return ok;
};

/** Curio: a writer task feeds `cat` through `p.stdin.write`, the main task reads `p.stdout`. */
export const curioPipe: PipeWorkload = (chunks) =>
  run(function* () {
    const p = yield* Popen.start(['cat'], { stdin: 'pipe', stdout: 'pipe' });
    const writer = yield* spawn(function* () {
      for (let i = 0; i < chunks; i++) yield* p.stdin!.write(CHUNK);
      p.stdin!.close();
    });
    let total = 0;
    for (;;) {
      const data = yield* p.stdout!.read();
      if (data.length === 0) break;
      total += data.length;
    }
    yield* writer.join();
    if ((yield* p.wait()) !== 0) throw new Error('cat failed');
    p.close();
    return total;
  });

/** child_process with promises: `write` + `await once(stdin, 'drain')`, and `for await` over stdout. */
export const promisePipe: PipeWorkload = async (chunks) => {
  const child = spawnChild('cat', [], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = once(child, 'exit') as Promise<[number | null]>;
  const writing = (async () => {
    for (let i = 0; i < chunks; i++) if (!child.stdin.write(CHUNK)) await once(child.stdin, 'drain');
    child.stdin.end();
  })();
  let total = 0;
  for await (const data of child.stdout) total += (data as Buffer).length;
  await writing;
  const [code] = await exited;
  if (code !== 0) throw new Error('cat failed');
  return total;
};
