/**
 * `@curio/jobs` across real processes, through the example programs as a user runs them:
 * `jobs-add` puts 10,000 jobs on a queue of a real redis-server, four `jobs-worker`
 * processes take them, and one of them is killed with SIGKILL mid-run. Each job runs
 * `INCR job:<i>`, so the counters tell which jobs ran and how many ran twice. Delivery is
 * at least once: every job must be done, and only jobs the killed worker had in hand
 * (its concurrency) may run again, claimed by the others after the visibility timeout.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { run } from '@curio/kernel';
import { connect } from '@curio/redis';
import { startRedisServer, type RedisServer } from '../../tools/scripts/redis-server.cjs';
import { CHILD_ENV, example } from '../src/server-process.js';

jest.setTimeout(300_000);

const JOBS = 10_000;
const CONCURRENCY = 20;
const QUEUE = 'e2e-kill';

let redis: RedisServer;
const workers: ChildProcess[] = [];
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
  await redis.stop();
});

/** Runs an example to its end; its stdout. */
async function runExample(name: string, args: string[]): Promise<string> {
  const child = spawn(process.execPath, [example(name), ...args], { env: CHILD_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const [code] = (await once(child, 'close')) as [number | null];
  if (code !== 0) throw new Error(`${name} ${args.join(' ')} exited ${code}: ${err}`);
  return out;
}

/** The queue's counts, as jobs-stats prints them. */
async function stats(): Promise<Record<string, number>> {
  return JSON.parse(await runExample('jobs-stats', [`--redis-port=${redis.port}`, `--queue=${QUEUE}`])) as Record<string, number>;
}

/** How many job counters exist and their sum: jobs run at least once, and runs in all. */
function counters(port: number): Promise<{ done: number; runs: number }> {
  return run(function* () {
    using r = yield* connect({ port });
    const keys = yield* r.keys('job:*');
    let runs = 0;
    for (let i = 0; i < keys.length; i += 1000) for (const v of yield* r.mget(...keys.slice(i, i + 1000))) runs += Number(v);
    return { done: keys.length, runs };
  });
}

test('10,000 jobs, four worker processes, one SIGKILLed mid-run: every job is done, and only what the killed worker had in hand runs twice', async () => {
  expect(await runExample('jobs-add', [`--redis-port=${redis.port}`, `--queue=${QUEUE}`, `--count=${JOBS}`, '--ms=2'])).toBe(`added ${JOBS}\n`);
  for (let i = 0; i < 4; i++) {
    const w = spawn(process.execPath, [example('jobs-worker'), `--redis-port=${redis.port}`, `--queue=${QUEUE}`, `--concurrency=${CONCURRENCY}`, '--visibility-timeout=2000'], { env: CHILD_ENV, stdio: 'ignore' });
    workers.push(w);
  }
  // Kill one once a good part of the work is done, while it holds jobs.
  while ((await counters(redis.port)).done < JOBS / 4) await new Promise((resolve) => setTimeout(resolve, 100));
  const killed = workers[0]!;
  killed.kill('SIGKILL');
  await once(killed, 'exit');
  for (;;) {
    const s = await stats();
    if (s.waiting === 0 && s.pending === 0 && s.delayed === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const { done, runs } = await counters(redis.port);
  const duplicates = runs - done;
  console.log(`jobs-processes: ${done} jobs done, ${runs} runs: ${duplicates} run twice (the killed worker's concurrency: ${CONCURRENCY})`);
  expect(done).toBe(JOBS);
  expect(duplicates).toBeLessThanOrEqual(CONCURRENCY);
  expect((await stats()).dead).toBe(0);
  // The others stop gracefully on SIGTERM (exit 143), the jobs in flight finished.
  for (const w of workers.slice(1)) w.kill('SIGTERM');
  const codes = await Promise.all(workers.slice(1).map(async (w) => ((await once(w, 'exit')) as [number | null])[0]));
  expect(codes).toEqual([143, 143, 143]);
});
