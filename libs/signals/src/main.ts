/**
 * {@link main}: the entry point of a program, with the shutdown conventions of a Unix
 * command: the first SIGINT or SIGTERM cancels the main task (its cleanup runs), a second
 * one exits at once (but for a SIGTERM repeated within a second: the same request, sent
 * twice by a wrapper that forwards it while the process group receives it too), an
 * uncaught failure is printed with its stack, and the exit status says how it ended.
 * @packageDocumentation
 */
import { CancelledError, Kernel, describeValue, type Activation, type KernelOptions, type Task, type TaskBody } from '@curio/kernel';
import { signalNumber } from './signal-names.js';

/**
 * The signals that ask a program to stop, as {@link MainOptions.onShutdown} gets them.
 *
 * @example
 * ```ts
 * const why: Record<ShutdownSignal, string> = { SIGINT: 'Ctrl-C', SIGTERM: 'asked to stop' };
 * ```
 */
export type ShutdownSignal = 'SIGINT' | 'SIGTERM';

const SHUTDOWN_SIGNALS: readonly ShutdownSignal[] = ['SIGINT', 'SIGTERM'];

/**
 * A SIGTERM this soon (ms) after the first is the same request delivered twice, not a
 * second one: `npm start`, a shell or a supervisor forwards SIGTERM to the program while
 * the process group (or the cgroup) receives it too. A person pressing Ctrl-C twice means
 * it, so SIGINT has no such window.
 */
const REPEATED_SIGTERM_MS = 1000;

/**
 * Options of {@link main}: those of the kernel's `run`, and how the program ends.
 *
 * @example
 * ```ts
 * const status = await main(server, {
 *   args: [8080],
 *   onShutdown: (signal) => console.log(`stopping (${signal})`),
 *   exit: false,                      // resolve with the status instead of exiting
 * });
 * ```
 */
export interface MainOptions<A extends unknown[] = unknown[]> extends KernelOptions {
  /** Arguments for the main task. */
  args?: A;
  /**
   * End the process with the exit status when the program is over (default `true`:
   * `process.exit(status)`, so nothing left open keeps it alive). With `false`, `main`
   * leaves the process alone and resolves with the status (for tests, or a program that
   * runs several things in turn).
   */
  exit?: boolean;
  /**
   * Called once, on the first SIGINT or SIGTERM, just before the main task is cancelled
   * (to log that the program is stopping, say). Not called on a forced exit. If it
   * throws, the error is printed and the shutdown goes on.
   */
  onShutdown?: (signal: ShutdownSignal) => void;
}

/** The exit status for a program stopped by `signal`: 128 + its number (130 for SIGINT, 143 for SIGTERM). */
function statusAfter(signal: ShutdownSignal): number {
  return 128 + signalNumber(signal);
}

/**
 * Runs `body` as the main task of a new kernel (as `run` does) and ends the process the
 * way a Unix program should:
 * - the first SIGINT (Ctrl-C) or SIGTERM cancels the main task: its `finally` blocks and
 *   `using` disposals run, then the kernel shuts down (every task left is cancelled and
 *   its cleanup awaited);
 * - a second SIGINT or SIGTERM during that cleanup exits at once, without waiting, but
 *   for a SIGTERM within a second of the first SIGTERM, taken for the same request sent
 *   twice (as `npm start` and other wrappers do); a cleanup that spins on the CPU without
 *   yielding cannot see any signal, and only SIGKILL ends it;
 * - a failure nobody caught (anything but the cancellation a signal caused) is printed
 *   to stderr with its stack;
 * - the exit status is 0 when the main task returned, 1 when it failed, and 128 + the
 *   signal's number after a signal: 130 after SIGINT, 143 after SIGTERM (a program that
 *   fails in its cleanup after a signal exits with 1).
 *
 * While `main` runs, it owns SIGINT and SIGTERM (Node's default, dying at once, is off);
 * its listeners are removed when it is over. Resolves with the exit status; by default it
 * also ends the process with it (option `exit: false` does not).
 *
 * @example
 * ```ts
 * import { main, tcpServer } from 'curio';
 *
 * main(function* () {
 *   try {
 *     yield* tcpServer('', 25000, echoClient);
 *   } finally {
 *     console.log('server stopped');   // runs on Ctrl-C, before the process exits with 130
 *   }
 * });
 * ```
 * @throws TypeError (synchronously) for options of the wrong type.
 */
export function main<T, A extends unknown[]>(body: TaskBody<T, A>, options: MainOptions<A> = {}): Promise<number> {
  const { args, exit = true, onShutdown, ...kernelOptions } = options;
  // node:util through getBuiltinModule: an ESM import of it would load its lazy parts (parseArgs, MIME) with `curio`.
  if (typeof exit !== 'boolean') throw new TypeError(`main(): option exit must be true or false, got ${describeValue(exit)}`);
  if (onShutdown !== undefined && typeof onShutdown !== 'function') throw new TypeError(`main(): option onShutdown must be a function, got ${describeValue(onShutdown)}`);
  if (args !== undefined && !Array.isArray(args)) throw new TypeError(`main(): option args must be an array of the main task's arguments, got ${describeValue(args)}`);
  return new MainRun(kernelOptions, exit, onShutdown ?? null).run(body, (args ?? []) as A);
}

/** One run of {@link main}: the kernel, the signal listeners and how it is ending. */
class MainRun {
  private readonly kernel: Kernel;
  private mainTask: Task | null = null;
  /** The first shutdown signal received, if any, and when (performance.now(), ms). */
  private stoppedBy: ShutdownSignal | null = null;
  private stoppedAt = 0;
  /** Settles the run early on a forced exit (only used with `exit: false`). */
  private forceResolve: (status: number) => void = () => {};
  private readonly listener = (signal: NodeJS.Signals): void => this.onSignal(signal as ShutdownSignal);

  constructor(
    kernelOptions: KernelOptions,
    private readonly exit: boolean,
    private readonly onShutdown: ((signal: ShutdownSignal) => void) | null,
  ) {
    // The first task the kernel creates is the main task: remember it, to cancel it.
    const findMain: Activation = { created: (task) => void (this.mainTask ??= task) };
    this.kernel = new Kernel({ ...kernelOptions, activations: [findMain, ...(kernelOptions.activations ?? [])] });
  }

  async run<T, A extends unknown[]>(body: TaskBody<T, A>, args: A): Promise<number> {
    for (const signal of SHUTDOWN_SIGNALS) process.on(signal, this.listener);
    const forced = new Promise<number>((resolve) => (this.forceResolve = resolve));
    let status: number;
    try {
      status = await Promise.race([this.runToEnd(body, args), forced]);
    } finally {
      for (const signal of SHUTDOWN_SIGNALS) process.off(signal, this.listener);
    }
    if (this.exit) process.exit(status);
    return status;
  }

  /** Runs the main task, then shuts the kernel down; the exit status. */
  private async runToEnd<T, A extends unknown[]>(body: TaskBody<T, A>, args: A): Promise<number> {
    let failed = false;
    try {
      await this.kernel.run(body, ...args);
    } catch (error) {
      // The cancellation a signal caused is the normal way out, not a failure.
      if (!(this.stoppedBy !== null && error instanceof CancelledError)) {
        failed = true;
        console.error(error);
      }
    }
    await this.kernel.shutdown();
    if (failed) return 1;
    return this.stoppedBy === null ? 0 : statusAfter(this.stoppedBy);
  }

  private onSignal(signal: ShutdownSignal): void {
    if (this.stoppedBy !== null) {
      if (signal === 'SIGTERM' && this.stoppedBy === 'SIGTERM' && performance.now() - this.stoppedAt < REPEATED_SIGTERM_MS) return;
      // Asked twice: the user does not want to wait for the cleanup.
      process.stderr.write(`main(): ${signal} during shutdown, exiting without waiting for cleanup\n`);
      const status = statusAfter(signal);
      if (this.exit) process.exit(status);
      this.forceResolve(status);
      return;
    }
    this.stoppedBy = signal;
    this.stoppedAt = performance.now();
    try {
      this.onShutdown?.(signal);
    } catch (error) {
      // A failing log line must not stop the shutdown (nor crash the process from a listener).
      console.error(error);
    }
    this.cancelMainTask();
  }

  /** Cancels the main task from outside the kernel, through a small task of its own. */
  private cancelMainTask(): void {
    const task = this.mainTask;
    // Not started, already over (the kernel's own shutdown cancels what is left), or gone.
    if (task === null || task.terminated || this.kernel.isShutdown) return;
    this.kernel.spawnTask(
      function* cancelMain() {
        yield* task.cancel({ blocking: false });
      },
      [],
      { daemon: true, name: 'main.shutdown' },
      null,
    );
  }
}
