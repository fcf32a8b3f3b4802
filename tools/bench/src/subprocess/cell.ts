/**
 * One cell of the subprocess benchmark, in its own process: one warm-up run, then one
 * measured run of one workload for one contender. Prints one JSON line:
 * `{ "seconds": ..., "cpuSeconds": ..., "answer": ... }` (cpuSeconds: this process's user +
 * system CPU time during the run, the contender's own overhead, which machine load
 * disturbs far less than the elapsed time).
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

async function once(): Promise<{ seconds: number; cpuSeconds: number; answer: number }> {
  const cpu = process.cpuUsage();
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
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  return { seconds, cpuSeconds: (used.user + used.system) / 1e6, answer };
}

await once(); // warm-up: JIT, libuv's SIGCHLD pipe, the page cache of `true` and `cat`
console.log(JSON.stringify(await once()));
