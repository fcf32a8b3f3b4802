/**
 * One cell of the subprocess benchmark, in its own process: one warm-up run, then one
 * measured run of one workload for one contender. Prints one JSON line:
 * `{ "seconds": ..., "answer": ... }`.
 *
 * Usage: `node dist/subprocess/cell.js <contender> <workload> <size> [concurrency]`
 * @packageDocumentation
 */
import { curioPipe, curioSpawn, execFileSpawn, promisePipe, promiseSpawn, type PipeWorkload, type SpawnWorkload } from './workloads.js';

const SPAWN: Record<string, SpawnWorkload> = { curio: curioSpawn, 'child_process+promise': promiseSpawn, 'execFile+promisify': execFileSpawn };
const PIPE: Record<string, PipeWorkload> = { curio: curioPipe, 'child_process+promise': promisePipe };

const [contender, workload, sizeText, concurrencyText = '1'] = process.argv.slice(2);
const size = Number(sizeText);
const concurrency = Number(concurrencyText);

async function once(): Promise<{ seconds: number; answer: number }> {
  const start = performance.now();
  let answer: number;
  if (workload === 'spawn') {
    const body = SPAWN[contender];
    if (body === undefined) throw new Error(`no spawn workload for '${contender}'`);
    answer = await body(size, concurrency);
  } else if (workload === 'pipe') {
    const body = PIPE[contender];
    if (body === undefined) throw new Error(`no pipe workload for '${contender}'`);
    answer = await body(size);
  } else {
    throw new Error(`unknown workload '${workload}'`);
  }
  return { seconds: (performance.now() - start) / 1000, answer };
}

await once(); // warm-up: JIT, libuv's SIGCHLD pipe, the page cache of `true` and `cat`
console.log(JSON.stringify(await once()));
