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
import { run, runProcess, TimeoutExpired, IOError } from 'curio';

interface Options {
  timeout: number;
  grace: number;
  command: string[];
}

function parse(argv: string[]): Options {
  const options: Options = { timeout: 5000, grace: 1000, command: [] };
  const dashes = argv.indexOf('--');
  const flags = dashes < 0 ? argv : argv.slice(0, dashes);
  options.command = dashes < 0 ? [] : argv.slice(dashes + 1);
  for (const flag of flags) {
    const [key, value] = flag.split('=', 2);
    const ms = Number(value);
    if ((key === '--timeout' || key === '--grace') && Number.isFinite(ms) && ms >= 0) {
      if (key === '--timeout') options.timeout = ms;
      else options.grace = ms;
    } else {
      throw new Error(`unknown or bad option '${flag}' (expected --timeout=MS or --grace=MS)`);
    }
  }
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
