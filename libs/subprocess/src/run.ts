/**
 * `run` and `checkOutput`: start a command, feed it, collect its output, wait for it.
 * @packageDocumentation
 */
import { TaskTimeout, timeoutAfter, type Operation, describeValue } from '@curio/kernel';
import type { BytesLike } from '@curio/io';
import { CalledProcessError, TimeoutExpired, type Command } from './errors.js';
import { Popen, type CommunicateResult, type PopenOptions } from './popen.js';

/**
 * Options of {@link run}: those of {@link Popen.start}, plus what to do with the child.
 * @example
 * ```ts
 * import { run, type RunOptions } from '@curio/subprocess';
 * const options: RunOptions = { input: 'hello\n', capture: true, check: true, timeout: 10_000 };
 * const done = yield* run(['cat'], options);
 * ```
 */
export interface RunOptions extends PopenOptions {
  /** Bytes or a string to send to the child's stdin (which is then a pipe), then end-of-file. */
  input?: BytesLike | null;
  /** Capture stdout and stderr (both become pipes) into the result (Python's `capture_output`). */
  capture?: boolean;
  /** Throw {@link CalledProcessError} if the child exits with a non-zero status. */
  check?: boolean;
  /**
   * Milliseconds the command may take. When they are up the child is terminated
   * (SIGTERM, then SIGKILL after `gracePeriod`) and reaped, and {@link TimeoutExpired}
   * is thrown.
   */
  timeout?: number;
}

/**
 * {@link RunOptions} with an `encoding`: output comes back as strings.
 * @example
 * ```ts
 * import { run, type TextRunOptions } from '@curio/subprocess';
 * const options: TextRunOptions = { capture: true, encoding: 'utf-8' };
 * const text: string | null = (yield* run(['uname', '-a'], options)).stdout;
 * ```
 */
export type TextRunOptions = RunOptions & { encoding: BufferEncoding };

/**
 * Options of {@link checkOutput}: those of {@link run} without `check`, `capture` and `stdout`.
 * @example
 * ```ts
 * const options: CheckOutputOptions = { cwd: '/tmp', timeout: 5000 };
 * const listing = yield* checkOutput(['ls'], options);
 * ```
 */
export type CheckOutputOptions = Omit<RunOptions, 'check' | 'capture' | 'stdout'>;

/**
 * The outcome of {@link run} (Python's `subprocess.CompletedProcess`). `stdout`/`stderr`
 * are what the child wrote, if captured (Buffers, or strings with `encoding`), else null.
 *
 * @example
 * ```ts
 * import { run } from '@curio/subprocess';
 * const done = yield* run(['git', 'status', '--short'], { capture: true, encoding: 'utf-8' });
 * done.checkReturncode();
 * console.log(done.stdout);
 * ```
 */
export class CompletedProcess<T extends Buffer | string = Buffer> {
  /** The command, as given. */
  readonly args: Command;
  /** The exit status (`-N`: killed by signal N). */
  readonly returncode: number;
  /** The captured standard output, or null. */
  readonly stdout: T | null;
  /** The captured standard error, or null. */
  readonly stderr: T | null;

  constructor(args: Command, returncode: number, stdout: T | null = null, stderr: T | null = null) {
    this.args = args;
    this.returncode = returncode;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /** @throws CalledProcessError if {@link CompletedProcess.returncode} is not 0. */
  checkReturncode(): void {
    if (this.returncode !== 0) throw new CalledProcessError<T>(this.returncode, this.args, this.stdout, this.stderr);
  }
}

/** The output type of options `O`: strings with an `encoding`, else Buffers. */
type OutputOf<O> = O extends { encoding: BufferEncoding } ? string : Buffer;

/**
 * What {@link run} gives for options `O`: a {@link CompletedProcess} of strings (with an
 * `encoding`) or Buffers, whose `stdout` and `stderr` are typed as set (not null) when
 * `O` surely captures them (`capture: true`, or `stdout`/`stderr: 'pipe'`).
 *
 * @example
 * ```ts
 * import { run, type RunResult } from '@curio/subprocess';
 * const done: RunResult<{ capture: true; encoding: 'utf-8' }> = yield* run(['uname'], { capture: true, encoding: 'utf-8' });
 * const name: string = done.stdout.trim();   // no null check needed
 * ```
 */
export type RunResult<O extends RunOptions> = CompletedProcess<OutputOf<O>> &
  (O extends { capture: true } | { stdout: 'pipe' } ? { readonly stdout: OutputOf<O> } : unknown) &
  (O extends { capture: true } | { stderr: 'pipe' } ? { readonly stderr: OutputOf<O> } : unknown);

/**
 * Runs a command to completion (Python's `subprocess.run`, Curio's `run`): starts it,
 * sends `input`, collects the output you asked for (`capture`, or `stdout`/`stderr:
 * 'pipe'`), waits for it to exit. Owns the child: if this is cancelled or its `timeout`
 * expires, the child is terminated (SIGTERM, SIGKILL after `gracePeriod`), reaped, and
 * its pipes are closed. In `curio` this is exported as `runProcess` (the kernel's `run`
 * has the name there) and as `subprocess.run`. The result's type follows the options
 * ({@link RunResult}): with `capture: true`, `stdout` and `stderr` are not null.
 *
 * @example
 * ```ts
 * import { run } from '@curio/subprocess';
 * const result = yield* run(['sort'], { input: 'b\na\n', capture: true, encoding: 'utf-8', timeout: 5000 });
 * result.stdout; // 'a\nb\n'
 * ```
 * @throws IOError if the program cannot be run; {@link CalledProcessError} with
 * `check` and a non-zero status; {@link TimeoutExpired} when `timeout` expires.
 */
export function run<const O extends RunOptions = Record<never, never>>(args: Command, options?: O): Operation<RunResult<O>>;
export function* run(args: Command, options: RunOptions = {}): Operation<CompletedProcess<Buffer | string>> {
  const { input = null, capture = false, check = false, timeout, ...popenOptions } = options ?? {};
  if (timeout !== undefined && (typeof timeout !== 'number' || !(timeout >= 0))) throw new RangeError(`run(): timeout must be a non-negative number of milliseconds, got ${describeValue(timeout)}`);
  if (input !== null) {
    if (popenOptions.stdin !== undefined && popenOptions.stdin !== 'pipe') throw new TypeError("run(): give either input or stdin, not both (input makes stdin a pipe)");
    popenOptions.stdin = 'pipe';
  }
  if (capture) {
    if (popenOptions.stdout !== undefined || popenOptions.stderr !== undefined) throw new TypeError('run(): give either capture or stdout/stderr, not both (capture makes both pipes)');
    popenOptions.stdout = 'pipe';
    popenOptions.stderr = 'pipe';
  }
  const p: Popen<Buffer | string> = yield* Popen.start(args, popenOptions);
  try {
    let output: CommunicateResult<Buffer | string>;
    try {
      output = timeout === undefined ? yield* p.communicate(input) : yield* timeoutAfter(timeout, p.communicate(input));
    } catch (error) {
      // A TaskTimeout here is ours: an outer timeout shows up as TimeoutCancellationError.
      if (timeout !== undefined && error instanceof TaskTimeout) {
        const [out, err] = p.partialOutput();
        throw new TimeoutExpired(args, timeout, out, err);
      }
      throw error;
    }
    const done = new CompletedProcess(args, p.returncode as number, output[0], output[1]);
    if (check) done.checkReturncode();
    return done;
  } finally {
    p.close();
  }
}

/**
 * Runs a command and returns its standard output (Python's `check_output`): {@link run}
 * with `stdout: 'pipe'` and `check: true`.
 *
 * @example
 * ```ts
 * const branch = (yield* checkOutput(['git', 'branch', '--show-current'], { encoding: 'utf-8' })).trim();
 * ```
 * @throws CalledProcessError if the command exits with a non-zero status (its output
 * is in `stdout`); IOError if it cannot be run; TimeoutExpired after `timeout`.
 */
export function checkOutput(args: Command, options: CheckOutputOptions & { encoding: BufferEncoding }): Operation<string>;
export function checkOutput(args: Command, options?: CheckOutputOptions): Operation<Buffer>;
export function* checkOutput(args: Command, options: CheckOutputOptions = {}): Operation<Buffer | string> {
  const done: CompletedProcess<Buffer | string> = yield* run(args, { ...options, stdout: 'pipe', check: true });
  return done.stdout as Buffer | string;
}
