/**
 * The errors of `@curio/subprocess`, named as in Python's `subprocess` module.
 * @packageDocumentation
 */
import { CurioError } from '@curio/kernel';
import { describeReturncode } from './returncode.js';

/**
 * The command as the user gave it: an argument list, or one string (a shell command line).
 * @example
 * ```ts
 * const listing: Command = ['ls', '-l', '/tmp'];
 * const pipeline: Command = 'ls -l /tmp | wc -l';   // a string runs in the shell
 * ```
 */
export type Command = readonly string[] | string;

/**
 * Base class of the errors about a child process's outcome ({@link CalledProcessError},
 * {@link TimeoutExpired}). A program that cannot be started is an `IOError` instead
 * (code `ENOENT`, `EACCES`, ...), as Python raises `OSError`.
 *
 * @example
 * ```ts
 * try { yield* checkOutput(['make']); }
 * catch (e) { if (e instanceof SubprocessError) console.error(e.message); }
 * ```
 */
export class SubprocessError extends CurioError {}

/**
 * A child process exited with a non-zero status while `check` was on (from
 * {@link run} with `check: true`, {@link checkOutput}, or
 * {@link CompletedProcess.checkReturncode}). `returncode` is `-N` for a child killed by
 * signal N. `stdout`/`stderr` hold the captured output, or null if it was not captured.
 *
 * @example
 * ```ts
 * try { yield* checkOutput(['grep', 'x', 'missing.txt']); }
 * catch (e) { if (e instanceof CalledProcessError) console.log(e.returncode, String(e.stderr)); }
 * ```
 */
export class CalledProcessError<T extends Buffer | string = Buffer | string> extends SubprocessError {
  /** The exit status (`-N`: killed by signal N). */
  readonly returncode: number;
  /** The command, as given. */
  readonly cmd: Command;
  /** What the child wrote to stdout, if it was captured. */
  readonly stdout: T | null;
  /** What the child wrote to stderr, if it was captured. */
  readonly stderr: T | null;

  constructor(returncode: number, cmd: Command, stdout: T | null = null, stderr: T | null = null) {
    super(`Command ${formatCommand(cmd)} ${describeReturncode(returncode)}`);
    this.returncode = returncode;
    this.cmd = cmd;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /** Python's alias of {@link CalledProcessError.stdout}. */
  get output(): T | null {
    return this.stdout;
  }
}

/**
 * The `timeout` of {@link run} or {@link checkOutput} expired: the child was terminated
 * (SIGTERM, then SIGKILL after the grace period) and reaped before this was thrown.
 * `stdout`/`stderr` hold the output that had arrived, if it was captured.
 *
 * @example
 * ```ts
 * import { run } from '@curio/subprocess';
 * try { yield* run(['sleep', '10'], { timeout: 100 }); }
 * catch (e) { if (e instanceof TimeoutExpired) console.log(`gave up after ${e.timeout} ms`); }
 * ```
 */
export class TimeoutExpired<T extends Buffer | string = Buffer | string> extends SubprocessError {
  /** The command, as given. */
  readonly cmd: Command;
  /** The timeout, in milliseconds. */
  readonly timeout: number;
  /** The output that arrived before the timeout, if stdout was captured. */
  readonly stdout: T | null;
  /** The error output that arrived before the timeout, if stderr was captured. */
  readonly stderr: T | null;

  constructor(cmd: Command, timeout: number, stdout: T | null = null, stderr: T | null = null) {
    super(`Command ${formatCommand(cmd)} timed out after ${timeout} ms`);
    this.cmd = cmd;
    this.timeout = timeout;
    this.stdout = stdout;
    this.stderr = stderr;
  }
}

/** `'ls -l'` for an argument list, the string itself for a command line. */
export function formatCommand(cmd: Command): string {
  return `'${typeof cmd === 'string' ? cmd : cmd.join(' ')}'`;
}
