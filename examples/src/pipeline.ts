/**
 * A pipeline of child processes, joined the way a shell joins them: `seq 1 N | grep 7`,
 * the two children connected directly (the numbers never pass through this process),
 * and a task here reading grep's output line by line as it arrives.
 *
 * Run: node examples/dist/pipeline.js [N]   (default 100000)
 * Prints the first five matches, then how many numbers in 1..N contain a 7.
 */
import { parseArgs } from 'node:util';
import { run, Popen } from 'curio';
import { atMost, commandLine, wholeNumber } from './support/command-line.js';

function* main(n: number) {
  // `using`: if anything below fails or is cancelled, both children are terminated.
  using seq = yield* Popen.start(['seq', '1', String(n)], { stdout: 'pipe' });
  // Hand seq's stdout to grep right away, before anything reads it.
  using grep = yield* Popen.start(['grep', '7'], { stdin: seq.stdout, stdout: 'pipe' });

  let count = 0;
  yield* grep.stdout!.forEachLine((line) => {
    count++;
    if (count <= 5) console.log('match:', line.toString().trimEnd());
  });
  const statuses = [yield* seq.wait(), yield* grep.wait()];
  console.log(`numbers in 1..${n} containing a 7: ${count}`);
  console.log(`exit statuses: seq ${statuses[0]}, grep ${statuses[1]}`);
}

const n = commandLine('pipeline.js [N]', () => wholeNumber('N', atMost(parseArgs({ allowPositionals: true }).positionals, 1)[0], 100000));
await run(main, { args: [n] });
