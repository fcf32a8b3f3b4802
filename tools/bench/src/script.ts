/**
 * How every benchmark script starts its `main`: a failure (a bad option, a server that
 * would not start) is one line on stderr and a non-zero exit status, not a stack trace.
 * @packageDocumentation
 */

/**
 * Runs `main`; if it throws or rejects, prints `prefix` and the error's message to stderr
 * and sets the exit status to `exitCode` (2 for the benchmarks, whose status 1 means
 * "some cell failed"; 1 for the load generators).
 */
export function runMain(main: () => void | Promise<void>, options: { prefix?: string; exitCode?: number } = {}): void {
  const fail = (error: unknown): void => {
    process.stderr.write(`${options.prefix ?? ''}${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = options.exitCode ?? 2;
  };
  try {
    Promise.resolve(main()).catch(fail);
  } catch (error) {
    fail(error);
  }
}
