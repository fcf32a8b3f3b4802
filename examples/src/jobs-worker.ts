/**
 * A `@curio/jobs` worker: each job throws on its first `failFirst` attempts, otherwise
 * sleeps `ms` and runs `INCR key` on the same Redis. Runs under `main()`: SIGTERM stops it
 * gracefully (the jobs in flight finish) and it exits 143.
 *
 * Run:  node examples/dist/jobs-worker.js --redis-port=P --queue=NAME [--concurrency=C] [--visibility-timeout=MS]
 *
 * With no Redis at the port it exits 1 at once, saying the connection was refused.
 */
import { parseArgs } from 'node:util';
import { main, sleep } from 'curio';
import { connect } from '@curio/redis';
import { JobQueue, type Job } from '@curio/jobs';
import { atMost, commandLine, portNumber, wholeNumber } from './support/command-line.js';

type Data = { key: string; ms: number; failFirst: number };

const USAGE = 'jobs-worker.js --redis-port=P --queue=NAME [--concurrency=C] [--visibility-timeout=MS]';
const args = commandLine(USAGE, () => {
  const { values, positionals } = parseArgs({
    options: { 'redis-port': { type: 'string' }, queue: { type: 'string' }, concurrency: { type: 'string' }, 'visibility-timeout': { type: 'string' } },
    allowPositionals: true,
  });
  atMost(positionals, 0);
  if (values.queue === undefined) throw new RangeError('--queue is missing');
  return {
    port: portNumber(values['redis-port'], 6379),
    queue: values.queue,
    concurrency: wholeNumber('--concurrency', values.concurrency, 1),
    visibilityTimeout: wholeNumber('--visibility-timeout', values['visibility-timeout'], 30_000, 30),
  };
});

await main(function* () {
  using queue = new JobQueue<Data>({ port: args.port }, args.queue);
  using counter = yield* connect({ port: args.port });
  yield* queue.work(function* (job: Job<Data>) {
    if (job.attempt <= job.data.failFirst) throw new Error(`${job.data.key}: failing attempt ${job.attempt} of the first ${job.data.failFirst}`);
    if (job.data.ms > 0) yield* sleep(job.data.ms);
    yield* counter.incr(job.data.key);
  }, { concurrency: args.concurrency, visibilityTimeout: args.visibilityTimeout });
});
