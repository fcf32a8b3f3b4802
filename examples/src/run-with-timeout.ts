/**
 * A command runner with a timeout (like coreutils' `timeout`): runs a command, streams
 * nothing through, captures its output, and gives up after the timeout. When the time
 * is up the child gets SIGTERM, then SIGKILL if it is still there after the grace
 * period, and is reaped before the runner reports.
 *
 * Run: node examples/dist/run-with-timeout.js [--timeout=MS] [--grace=MS] -- command [args...]
 * Prints the command's output and exits with its status; 124 if it timed out; 127 if
 * the command cannot be run.
 */
import { parseArgs } from 'node:util';
import { run, runProcess, TimeoutExpired, IOError } from 'curio';

interface Options {
  timeout: number;
  grace: number;
  command: string[];
}

/** A flag's value as a whole number of milliseconds, or an error naming the flag. */
function milliseconds(flag: string, text: string): number {
  // Number('') is 0: an empty value must not pass as a zero timeout.
  const ms = text.trim() === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(ms) || ms < 0) throw new Error(`--${flag} expects a number of milliseconds >= 0, got '${text}'`);
  return ms;
}

function parse(argv: string[]): Options {
  // strict: an unknown flag is an error; everything after `--` is the command, untouched.
  const { values, positionals } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: { timeout: { type: 'string' }, grace: { type: 'string' } },
  });
  const dashes = argv.indexOf('--');
  if (dashes < 0 || positionals.length !== argv.length - dashes - 1) throw new Error('the command goes after --, e.g. run-with-timeout.js --timeout=1000 -- sleep 5');
  const options: Options = {
    timeout: values.timeout === undefined ? 5000 : milliseconds('timeout', values.timeout),
    grace: values.grace === undefined ? 1000 : milliseconds('grace', values.grace),
    command: positionals,
  };
  if (options.command.length === 0) throw new Error('no command: give it after --, e.g. run-with-timeout.js --timeout=1000 -- sleep 5');
  return options;
}

function* main(options: Options) {
  try {
    const done = yield* runProcess(options.command, { capture: true, encoding: 'utf-8', timeout: options.timeout, gracePeriod: options.grace });
    process.stdout.write(done.stdout ?? '');
    process.stderr.write(done.stderr ?? '');
    console.log(`[exit status ${done.returncode}]`);
    return done.returncode < 0 ? 128 - done.returncode : done.returncode;
  } catch (e) {
    if (e instanceof TimeoutExpired) {
      process.stdout.write(e.stdout ?? '');
      console.log(`[timed out after ${e.timeout} ms: the command was terminated]`);
      return 124;
    }
    if (e instanceof IOError) {
      console.error(e.message);
      return 127;
    }
    throw e;
  }
}

let options: Options;
try {
  options = parse(process.argv.slice(2));
} catch (e) {
  console.error((e as Error).message);
  process.exit(2);
}
process.exitCode = await run(main, { args: [options] });
