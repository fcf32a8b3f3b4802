/**
 * Prints the counts of a `@curio/jobs` queue as one JSON line: `waiting`, `pending`, `delayed`, `dead`.
 *
 * Run:  node examples/dist/jobs-stats.js --redis-port=P --queue=NAME
 */
import { parseArgs } from 'node:util';
import { run } from 'curio';
import { JobQueue } from '@curio/jobs';
import { atMost, commandLine, portNumber } from './support/command-line.js';

const USAGE = 'jobs-stats.js --redis-port=P --queue=NAME';
const args = commandLine(USAGE, () => {
  const { values, positionals } = parseArgs({ options: { 'redis-port': { type: 'string' }, queue: { type: 'string' } }, allowPositionals: true });
  atMost(positionals, 0);
  if (values.queue === undefined) throw new RangeError('--queue is missing');
  return { port: portNumber(values['redis-port'], 6379), queue: values.queue };
});

await run(function* () {
  using queue = new JobQueue({ port: args.port }, args.queue);
  console.log(JSON.stringify(yield* queue.counts()));
});
