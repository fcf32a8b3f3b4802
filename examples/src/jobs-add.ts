/**
 * Adds N jobs to a `@curio/jobs` queue. Job i has data `{ key: "job:<F+i>", ms: M, failFirst: K }`.
 *
 * Run:  node examples/dist/jobs-add.js --redis-port=P --queue=NAME --count=N [--ms=M] [--fail-first=K] [--attempts=A] [--from=F]
 *
 * Prints `added N` and exits 0.
 */
import { parseArgs } from 'node:util';
import { run } from 'curio';
import { JobQueue } from '@curio/jobs';
import { atMost, commandLine, portNumber, wholeNumber } from './support/command-line.js';

const USAGE = 'jobs-add.js --redis-port=P --queue=NAME --count=N [--ms=M] [--fail-first=K] [--attempts=A] [--from=F]';
const args = commandLine(USAGE, () => {
  const { values, positionals } = parseArgs({
    options: { 'redis-port': { type: 'string' }, queue: { type: 'string' }, count: { type: 'string' }, ms: { type: 'string' }, 'fail-first': { type: 'string' }, attempts: { type: 'string' }, from: { type: 'string' } },
    allowPositionals: true,
  });
  atMost(positionals, 0);
  if (values.queue === undefined) throw new RangeError('--queue is missing');
  if (values.count === undefined) throw new RangeError('--count is missing');
  return {
    port: portNumber(values['redis-port'], 6379),
    queue: values.queue,
    count: wholeNumber('--count', values.count, 0, 0),
    ms: wholeNumber('--ms', values.ms, 0, 0),
    failFirst: wholeNumber('--fail-first', values['fail-first'], 0, 0),
    attempts: wholeNumber('--attempts', values.attempts, 3),
    from: wholeNumber('--from', values.from, 0, 0),
  };
});

await run(function* () {
  using queue = new JobQueue({ port: args.port }, args.queue);
  const jobs = Array.from({ length: args.count }, (_, i) => ({
    data: { key: `job:${args.from + i}`, ms: args.ms, failFirst: args.failFirst },
    options: { attempts: args.attempts },
  }));
  yield* queue.addBulk(jobs);
  console.log(`added ${args.count}`);
});
