/**
 * {@link Popen}: a child process with Curio streams for its pipes.
 * @packageDocumentation
 */
import { Buffer } from 'node:buffer';
import { spawn as spawnChild, type ChildProcess } from 'node:child_process';
import { disableCancellation, park, spawn, type Operation, type Task, describeValue } from '@curio/kernel';
import type { BytesLike } from '@curio/io';
import { formatCommand, type Command } from './errors.js';
import { ProcessPipe } from './pipe.js';
import { signalGroup, trackGroup, untrackGroup } from './group.js';
import { checkProgram, spawnFailure } from './program.js';
import { returncodeOf, signalNumber } from './returncode.js';
import { resolveStdio, type StderrOption, type StdioOption } from './stdio.js';

/**
 * How long a child is given to exit after SIGTERM before it gets SIGKILL, by default.
 * @example
 * ```ts
 * using p = yield* Popen.start(['server'], { gracePeriod: 2 * DEFAULT_GRACE_PERIOD });   // a slow shutdown
 * ```
 */
export const DEFAULT_GRACE_PERIOD = 5000;

/**
 * Options of {@link Popen.start} (and of {@link run}).
 * @example
 * ```ts
 * const options: PopenOptions = { cwd: '/tmp', env: { ...process.env, LC_ALL: 'C' }, stdout: 'pipe', stderr: 'stdout' };
 * using p = yield* Popen.start(['ls', '-l'], options);
 * ```
 */
export interface PopenOptions {
  /** The child's standard input (default `'inherit'`). See {@link StdioOption}. */
  stdin?: StdioOption;
  /** The child's standard output (default `'inherit'`). */
  stdout?: StdioOption;
  /** The child's standard error (default `'inherit'`); `'stdout'` merges it into stdout. */
  stderr?: StderrOption;
  /** The working directory of the child (default: this process's). */
  cwd?: string;
  /** The child's environment (default: this process's, `process.env`). */
  env?: NodeJS.ProcessEnv;
  /**
   * Run the command line (a string) with `/bin/sh -c` (`true`), or with the shell at
   * this path. Default false: the program is run directly, without a shell.
   */
  shell?: boolean | string;
  /**
   * Decode what {@link Popen.communicate} (and {@link run}) return with this encoding
   * (`'utf-8'`, ...), and encode string input with it. The pipes themselves always
   * carry Buffers.
   */
  encoding?: BufferEncoding;
  /**
   * Milliseconds between SIGTERM and SIGKILL when the child is terminated because its
   * owner was cancelled, timed out or disposed of (default 5000).
   */
  gracePeriod?: number;
  /**
   * Start the child in a process group of its own (default `true`, on POSIX: a new
   * session, Node's `detached`), so that terminating it for its owner (a cancelled or
   * timed-out `run`, `checkOutput` or `communicate`, a disposed Popen) signals the whole
   * group: the processes the child started go with it. Such a child no longer gets the
   * terminal's Ctrl-C, and has no controlling terminal (it cannot open `/dev/tty`): give
   * `false` for interactive programs (editors, password prompts) that need the terminal,
   * or for a child that must outlive this process.
   */
  processGroup?: boolean;
}

/**
 * {@link PopenOptions} with an `encoding`: output comes back as strings.
 * @example
 * ```ts
 * const options: TextPopenOptions = { stdout: 'pipe', encoding: 'utf-8' };
 * using p = yield* Popen.start(['date'], options);
 * const [out] = yield* p.communicate();   // a string
 * ```
 */
export type TextPopenOptions = PopenOptions & { encoding: BufferEncoding };

/**
 * What {@link Popen.communicate} returns: `[stdout, stderr]`, null for a stream that was not a pipe.
 * @example
 * ```ts
 * using p = yield* Popen.start(['make'], { stdout: 'pipe', stderr: 'pipe', encoding: 'utf-8' });
 * const [out, errors]: CommunicateResult<string> = yield* p.communicate();
 * ```
 */
export type CommunicateResult<T extends Buffer | string> = [stdout: T | null, stderr: T | null];

/** The result of a helper task of `communicate`: it never throws, so no failure goes unjoined. */
type Outcome<V> = { ok: true; value: V } | { ok: false; error: unknown };

/** The program and argument vector handed to `child_process.spawn`. */
interface Invocation {
  file: string;
  argv: string[];
  /** The program named in errors. */
  program: string;
}

/**
 * A child process (Python's `subprocess.Popen`, as Curio wraps it). Made by the
 * operation {@link Popen.start}, because Node reports a program that cannot be run
 * (ENOENT, EACCES) as an event: `const p = yield* Popen.start(args, options)` either
 * gives a running child or throws an `IOError` naming the program.
 *
 * Piped streams are {@link ProcessPipe}s (`p.stdin`, `p.stdout`, `p.stderr`; null when
 * not piped). `wait()` and reads and writes on the pipes are ordinary operations: cancel
 * them and nothing is lost, the child keeps running. {@link Popen.communicate} owns the
 * child: cancelled, it terminates and reaps it. Disposing of a Popen (`using`, or
 * {@link Popen.close}) terminates a child that is still running, so a task cancelled
 * while it holds one leaves no child behind.
 *
 * @example
 * ```ts
 * using p = yield* Popen.start(['ls', '-l'], { stdout: 'pipe' });
 * yield* p.stdout!.forEachLine((line) => { console.log(line.toString().trimEnd()); });
 * const status = yield* p.wait();
 * ```
 */
export class Popen<T extends Buffer | string = Buffer> {
  /** The command, as given to {@link Popen.start}. */
  readonly args: Command;
  /** The child's process id. */
  readonly pid: number;
  /** The write end of the child's standard input, if it is `'pipe'`. */
  readonly stdin: ProcessPipe | null;
  /** The read end of the child's standard output, if it is `'pipe'`. */
  readonly stdout: ProcessPipe | null;
  /** The read end of the child's standard error, if it is `'pipe'`. */
  readonly stderr: ProcessPipe | null;
  /** The encoding of `communicate()` results, or null for Buffers. */
  readonly encoding: BufferEncoding | null;
  /** Milliseconds between SIGTERM and SIGKILL when the child is terminated for its owner. */
  readonly gracePeriod: number;
  /** True if the child leads a process group of its own (option `processGroup`). */
  readonly processGroup: boolean;

  private readonly child: ChildProcess;
  private exitStatus: number | null = null;
  private readonly exitListeners = new Set<() => void>();
  private killTimer: NodeJS.Timeout | null = null;
  /** True once the child was terminated for its owner (close, or a cancelled communicate). */
  private stopping = false;
  private partial: CommunicateResult<T> = [null, null];

  private constructor(args: Command, child: ChildProcess, pid: number, options: PopenOptions) {
    this.args = args;
    this.child = child;
    this.pid = pid;
    this.encoding = options.encoding ?? null;
    this.gracePeriod = options.gracePeriod ?? DEFAULT_GRACE_PERIOD;
    this.processGroup = usesProcessGroup(options);
    if (this.processGroup) trackGroup(pid);
    this.stdin = child.stdin === null ? null : new ProcessPipe('stdin', pid, child.stdin);
    this.stdout = child.stdout === null ? null : new ProcessPipe('stdout', pid, child.stdout);
    this.stderr = child.stderr === null ? null : new ProcessPipe('stderr', pid, child.stderr);
    child.once('exit', this.onExit);
  }

  /**
   * Starts a child process and gives its {@link Popen}. `args` is the program and its
   * arguments (`['ls', '-l']`, looked up in `PATH`), or with `shell` a command line
   * (`'ls -l | wc -l'`); a lone string without `shell` is a program run with no
   * arguments. Returns without blocking once the child has started.
   *
   * @example
   * ```ts
   * const p1 = yield* Popen.start(['ls'], { stdout: 'pipe' });
   * const p2 = yield* Popen.start(['wc', '-l'], { stdin: p1.stdout, stdout: 'pipe' });
   * const count = (yield* p2.stdout!.readAll()).toString().trim();
   * ```
   * @throws IOError (code `ENOENT`, `EACCES`, ...) naming the program if it cannot be
   * run; TypeError or RangeError naming the option for bad arguments.
   */
  static start(args: Command, options: TextPopenOptions): Operation<Popen<string>>;
  static start(args: Command, options?: PopenOptions): Operation<Popen<Buffer>>;
  static *start(args: Command, options: PopenOptions = {}): Operation<Popen<Buffer | string>> {
    const operation = 'Popen.start()';
    checkOptions(operation, options);
    const env = options.env ?? process.env;
    const { stdio, handedOver, mergeIntoPipe } = resolveStdio(operation, options.stdin, options.stdout, options.stderr);
    const invocation = invocationOf(operation, args, options.shell ?? false, mergeIntoPipe);
    if (mergeIntoPipe && (options.shell ?? false) === false) {
      const problem = checkProgram(operation, invocation.program, options.cwd, env);
      if (problem !== null) throw problem;
    }
    let child: ChildProcess;
    try {
      child = spawnChild(invocation.file, invocation.argv, { stdio, cwd: options.cwd, env, detached: usesProcessGroup(options) });
    } catch (error) {
      // ENOTDIR, E2BIG, EBADF, ...: Node throws these at once (ENOENT and EACCES come as events).
      throw spawnFailure(operation, invocation.program, options.cwd, error);
    }
    // Node emits spawn failures and failed kills as 'error' events: always listen.
    let failure: unknown = null;
    let onFailure: ((error: unknown) => void) | null = null;
    child.on('error', (error) => {
      failure ??= error;
      onFailure?.(error);
    });
    const pid = child.pid;
    if (pid === undefined) {
      // The spawn failed; Node says why on the next tick.
      for (const s of [child.stdin, child.stdout, child.stderr]) s?.destroy();
      const error = failure ?? (yield* park<unknown>('PROCESS_START', (waker) => {
        onFailure = (e) => waker.wake(e);
        return () => {
          onFailure = null;
        };
      }));
      throw spawnFailure(operation, invocation.program, options.cwd, error);
    }
    for (const pipe of handedOver) pipe.releaseHandedOver();
    return new Popen<Buffer | string>(args, child, pid, options);
  }

  /** The exit status once the child has exited (`-N`: killed by signal N), else null. */
  get returncode(): number | null {
    return this.exitStatus;
  }

  /** Python's `poll()`: the {@link Popen.returncode}, null while the child runs. Never blocks. */
  poll(): number | null {
    return this.exitStatus;
  }

  /**
   * Waits for the child to exit and returns its {@link Popen.returncode}. An ordinary
   * operation: cancelled (or timed out: `timeoutAfter(100, p.wait())`), it leaves the
   * child running.
   */
  *wait(): Operation<number> {
    if (this.exitStatus !== null) return this.exitStatus;
    return yield* park<number>('PROCESS_WAIT', (waker) => {
      const listener = (): void => waker.wake(this.exitStatus as number);
      this.exitListeners.add(listener);
      return () => {
        this.exitListeners.delete(listener);
      };
    });
  }

  /**
   * Sends `input` (if given) to stdin and closes it, reads stdout and stderr to their
   * end at the same time (so a child writing megabytes to both cannot deadlock), waits
   * for the child to exit and returns `[stdout, stderr]` (null for a stream that is not
   * a pipe, or was closed or handed to another child; strings with `encoding`). Owns the
   * child: if this is cancelled or fails, the child is terminated (SIGTERM, SIGKILL
   * after {@link Popen.gracePeriod}), reaped, and its pipes are closed.
   *
   * @example
   * ```ts
   * const p = yield* Popen.start(['tr', 'a-z', 'A-Z'], { stdin: 'pipe', stdout: 'pipe', encoding: 'utf-8' });
   * const [out] = yield* p.communicate('hello\n'); // 'HELLO\n'
   * ```
   * @throws TypeError if `input` is given but stdin is not a pipe (or is closed).
   */
  *communicate(input: BytesLike | null = null): Operation<CommunicateResult<T>> {
    if (input !== null && this.stdin === null) throw new TypeError(`communicate(): input was given but the stdin of ${formatCommand(this.args)} is not a pipe (start it with stdin: 'pipe')`);
    if (input !== null && this.stdin?.isClosed === true) throw new TypeError(`communicate(): input was given but the stdin pipe of ${formatCommand(this.args)} is already closed`);
    if (input !== null && typeof input !== 'string' && !(input instanceof Uint8Array)) throw new TypeError(`communicate(): input must be a Buffer, Uint8Array or string, got ${describeValue(input)}`);
    const data = typeof input === 'string' ? Buffer.from(input, this.encoding ?? 'utf-8') : input;
    const tasks: Task<Outcome<Buffer | null>>[] = [];
    try {
      // A pipe already closed here (or handed to another child) counts as no pipe.
      const [stdin, stdout, stderr] = [this.stdin, this.stdout, this.stderr].map((pipe) => (pipe === null || pipe.isClosed ? null : pipe));
      // Named helpers, so the monitor and tracebacks say what they are.
      const helper = (name: string) => spawn.with({ name: `communicate ${name} of process ${this.pid}` });
      if (stdin !== null) tasks.push(yield* helper('stdin')(feed, stdin, data));
      const outTask = stdout === null ? null : yield* helper('stdout')(drain, stdout);
      const errTask = stderr === null ? null : yield* helper('stderr')(drain, stderr);
      if (outTask !== null) tasks.push(outTask);
      if (errTask !== null) tasks.push(errTask);
      const outcomes: Outcome<Buffer | null>[] = [];
      for (const task of tasks) outcomes.push(yield* task.join());
      for (const outcome of outcomes) if (!outcome.ok) throw outcome.error;
      yield* this.wait();
      const out = outTask === null ? null : (outcomes[tasks.indexOf(outTask)] as { value: Buffer }).value;
      const err = errTask === null ? null : (outcomes[tasks.indexOf(errTask)] as { value: Buffer }).value;
      return [this.decode(out), this.decode(err)];
    } catch (error) {
      yield* disableCancellation(this.abandon(tasks));
      throw error;
    }
  }

  /**
   * Sends signal `sig` (a name such as `'SIGTERM'`, or a number) to the child. Does
   * nothing once the child has exited.
   * @throws TypeError or RangeError for an unknown signal.
   */
  sendSignal(sig: NodeJS.Signals | number): void {
    const n = signalNumber(sig, 'sendSignal');
    if (this.exitStatus !== null) return;
    this.child.kill(n);
  }

  /** Sends SIGTERM (Python's `terminate()`). Does nothing once the child has exited. */
  terminate(): void {
    this.sendSignal('SIGTERM');
  }

  /** Sends SIGKILL (Python's `kill()`). Does nothing once the child has exited. */
  kill(): void {
    this.sendSignal('SIGKILL');
  }

  /**
   * Closes the pipes, and terminates a child still running: SIGTERM now, SIGKILL if it
   * has not exited after {@link Popen.gracePeriod}. With {@link Popen.processGroup} (the
   * default) the signals go to the child's whole group, even after the child itself has
   * exited, so what it left running in the background goes too. Node reaps the child when
   * it exits; `yield* p.wait()` still works afterwards. Idempotent; never blocks.
   */
  close(): void {
    this.stdin?.close();
    this.stdout?.close();
    this.stderr?.close();
    this.stop();
  }

  /** `using p = yield* Popen.start(...)`: {@link Popen.close} at the end of the block. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** `Popen(pid=123, args='ls -l', returncode=0)`. */
  toString(): string {
    return `Popen(pid=${this.pid}, args=${formatCommand(this.args)}, returncode=${String(this.exitStatus)})`;
  }

  /**
   * The output that had arrived when `communicate` was cancelled, for the error of a
   * timed-out `run`.
   * @internal
   */
  partialOutput(): CommunicateResult<T> {
    return this.partial;
  }

  /**
   * Terminates the child and waits until it has exited: SIGTERM, then SIGKILL after
   * the grace period. Run with cancellation disabled.
   * @internal
   */
  *terminateAndReap(): Operation<void> {
    this.stop();
    yield* this.wait();
  }

  /**
   * Terminates the child (its group, with {@link Popen.processGroup}) for its owner:
   * SIGTERM now, SIGKILL after the grace period. Once.
   */
  private stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    if (this.processGroup) {
      if (!signalGroup(this.pid, 'SIGTERM')) return untrackGroup(this.pid);
      this.killLater(() => {
        signalGroup(this.pid, 'SIGKILL');
        untrackGroup(this.pid);
      });
    } else if (this.exitStatus === null) {
      this.terminate();
      this.killLater(() => this.kill());
    }
  }

  /** Runs `kill` after the grace period; the timer keeps this process alive while the child runs. */
  private killLater(kill: () => void): void {
    this.killTimer = setTimeout(() => {
      this.killTimer = null;
      kill();
    }, this.gracePeriod);
    if (this.exitStatus !== null) this.killTimer.unref();
  }

  /** Stops communicate's helpers, keeps what output had arrived, ends the child, closes the pipes. */
  private *abandon(tasks: Task<Outcome<Buffer | null>>[]): Operation<void> {
    for (const task of tasks) yield* task.cancel();
    yield* this.terminateAndReap();
    const out = this.stdout === null ? null : yield* this.stdout.takeBuffered();
    const err = this.stderr === null ? null : yield* this.stderr.takeBuffered();
    this.partial = [this.decode(out), this.decode(err)];
    this.stdin?.close();
    this.stdout?.close();
    this.stderr?.close();
  }

  private decode(data: Buffer | null): T | null {
    if (data === null) return null;
    return (this.encoding === null ? data : data.toString(this.encoding)) as T;
  }

  private readonly onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
    this.exitStatus = returncodeOf(code, signal);
    // The rest of a group may outlive the child: it keeps its SIGKILL, without holding this process open.
    const groupLeft = this.processGroup && signalGroup(this.pid, 0);
    if (!groupLeft) untrackGroup(this.pid);
    if (this.killTimer !== null && groupLeft) {
      this.killTimer.unref();
    } else if (this.killTimer !== null) {
      clearTimeout(this.killTimer);
      this.killTimer = null;
    }
    for (const listener of [...this.exitListeners]) listener();
    this.exitListeners.clear();
  };
}

/** communicate's writer: sends the input and closes stdin; a child that stopped reading is not an error. */
function* feed(stdin: ProcessPipe, data: Uint8Array | null): Operation<Outcome<null>> {
  try {
    if (data !== null && data.length > 0) yield* stdin.write(data);
    return { ok: true, value: null };
  } catch (error) {
    if (isBrokenPipe(error)) return { ok: true, value: null };
    return { ok: false, error };
  } finally {
    stdin.close();
  }
}

/** communicate's reader: everything up to the end of the pipe. */
function* drain(pipe: ProcessPipe): Operation<Outcome<Buffer>> {
  try {
    return { ok: true, value: yield* pipe.readAll() };
  } catch (error) {
    return { ok: false, error };
  }
}

function isBrokenPipe(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'EPIPE' || code === 'ECONNRESET';
}

/** The program and argv for `spawn`, with the shell and the stderr-into-stdout wrapper applied. */
function invocationOf(operation: string, args: Command, shell: boolean | string, mergeIntoPipe: boolean): Invocation {
  if (shell !== false) {
    if (typeof args !== 'string') throw new TypeError(`${operation}: with shell, give the command line as one string, got ${describeValue(args)}`);
    const sh = shell === true ? '/bin/sh' : shell;
    // `exec 2>&1` first makes the shell (and all it runs) write errors into the stdout pipe.
    return { file: sh, argv: ['-c', mergeIntoPipe ? `exec 2>&1\n${args}` : args], program: sh };
  }
  const list = typeof args === 'string' ? [args] : args;
  if (!Array.isArray(list) || list.length === 0 || list.some((a) => typeof a !== 'string')) {
    throw new TypeError(`${operation}: args must be a non-empty array of strings (the program and its arguments) or a string, got ${describeValue(args)}`);
  }
  if (list[0] === '') throw new TypeError(`${operation}: the program name (args[0]) is empty`);
  const [program, ...rest] = list as string[];
  if (!mergeIntoPipe) return { file: program, argv: rest, program };
  // Node cannot point fd 2 at the stdout pipe it creates; a shell does it, then execs the program (same pid).
  return { file: '/bin/sh', argv: ['-c', 'exec 2>&1; exec "$0" "$@"', program, ...rest], program };
}

function checkOptions(operation: string, options: PopenOptions): void {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${operation}: options must be an object, got ${options === null ? 'null' : typeof options}`);
  const { cwd, gracePeriod, shell, encoding, processGroup, env } = options;
  if (cwd !== undefined && typeof cwd !== 'string') throw new TypeError(`${operation}: cwd must be a string (a directory), got ${describeValue(cwd)}`);
  if (gracePeriod !== undefined && (typeof gracePeriod !== 'number' || !(gracePeriod >= 0) || !Number.isFinite(gracePeriod))) {
    throw new RangeError(`${operation}: gracePeriod must be a non-negative number of milliseconds, got ${describeValue(gracePeriod)}`);
  }
  if (shell !== undefined && typeof shell !== 'boolean' && (typeof shell !== 'string' || shell === '')) throw new TypeError(`${operation}: shell must be true, false or the path of a shell, got ${describeValue(shell)}`);
  if (encoding !== undefined && !Buffer.isEncoding(encoding)) throw new RangeError(`${operation}: unknown encoding ${JSON.stringify(encoding)} (try 'utf-8' or 'latin1')`);
  if (processGroup !== undefined && typeof processGroup !== 'boolean') throw new TypeError(`${operation}: processGroup must be true or false, got ${describeValue(processGroup)}`);
  if (env !== undefined) checkEnv(operation, env);
}

/** `env` must map names to strings, as the child gets them; `undefined` leaves a variable out. */
function checkEnv(operation: string, env: unknown): void {
  if (typeof env !== 'object' || env === null || Array.isArray(env)) {
    throw new TypeError(`${operation}: env must be an object of variable names to strings (like process.env), got ${describeValue(env)}`);
  }
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && typeof value !== 'string') {
      throw new TypeError(`${operation}: env.${key} must be a string, got ${describeValue(value)}`);
    }
    if (key === '' || key.includes('=')) throw new TypeError(`${operation}: env has the name ${JSON.stringify(key)}: a variable name must be non-empty and without '='`);
  }
}

/** Whether the child gets a process group of its own (POSIX only: Windows has none). */
function usesProcessGroup(options: PopenOptions): boolean {
  return (options.processGroup ?? true) && process.platform !== 'win32';
}
